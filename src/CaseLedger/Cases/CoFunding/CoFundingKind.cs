using CaseLedger.Core;
using Marten;

namespace CaseLedger.Cases.CoFunding;

/// <summary>Registers the kind: its event names, its snapshot and its read models.</summary>
public sealed class CoFundingKind : CaseKind
{
    public const string KindName = "co-funding-award";

    public override string Name => KindName;

    public override Type StateType => typeof(object);

    public override void Configure(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
    }
}

public static class CoFundingRegistration
{
    public static CaseLedgerStoreOptions AddCoFundingAwards(this CaseLedgerStoreOptions ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return ledger.AddKind(new CoFundingKind());
    }
}
