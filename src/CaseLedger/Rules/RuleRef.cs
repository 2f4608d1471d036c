namespace CaseLedger.Rules;

/// <summary>Names one version of one rule, written <c>id@version</c> (e.g. <c>renovation-vote@2</c>).</summary>
public sealed record RuleRef(string Id, string Version)
{
    public override string ToString() => $"{Id}@{Version}";
}

/// <summary>
/// The typed parameters of one rule version. A case kind derives its own record (thresholds, limits,
/// rates) and reads it from the <see cref="RuleBook"/>; the record travels inside the case's opening
/// event, so every later decision of the case, and any replay, uses exactly what was in force.
/// </summary>
public abstract record RuleParameters
{
    /// <summary>Which rule and version these parameters are; filled in by the rule book.</summary>
    public RuleRef Rule { get; init; } = new("unset", "0");
}
