using CaseLedger.Cases.Certificates;
using CaseLedger.Cases.CoFunding;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using Marten;

namespace CaseLedger.Host;

/// <summary>The case kinds this host serves, listed once for the web host and for the offline commands.</summary>
internal static class LedgerKinds
{
    public static CaseLedgerStoreOptions AddHostedKinds(this CaseLedgerStoreOptions ledger) =>
        ledger.AddRenovationVotes().AddCoFundingAwards().AddCertificateIssuance();

    /// <summary>The kinds as a registry, without any database: for commands that run in memory.</summary>
    public static CaseKinds Offline()
    {
        var kinds = new CaseKinds();
        new StoreOptions().AddCaseLedger(kinds).AddHostedKinds();
        return kinds;
    }
}
