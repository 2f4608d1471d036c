using CaseLedger.Core;
using Marten;

namespace CaseLedger.Cases.Certificates;

/// <summary>Registers the kind: its event names, its snapshot and its read models.</summary>
public sealed class CertificateKind : CaseKind
{
    public const string KindName = "certificate-issuance";

    public override string Name => KindName;

    public override Type StateType => typeof(object);

    public override void Configure(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
    }
}

public static class CertificateRegistration
{
    public static CaseLedgerStoreOptions AddCertificateIssuance(this CaseLedgerStoreOptions ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return ledger.AddKind(new CertificateKind());
    }
}
