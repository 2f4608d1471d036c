using CaseLedger.Cases.Certificates;
using CaseLedger.Cases.CoFunding;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using JasperFx;
using Marten;

namespace CaseLedger.IntegrationTests.Infrastructure;

/// <summary>Builds a Marten store configured exactly as a CaseLedger application configures it.</summary>
public static class Stores
{
    public static DocumentStore For(string connectionString) =>
        DocumentStore.For(options =>
        {
            options.Connection(connectionString);
            options.AutoCreateSchemaObjects = AutoCreate.All;
            options.AddCaseLedger().AddRenovationVotes().AddCoFundingAwards().AddCertificateIssuance();
        });
}
