using System.Diagnostics.Metrics;

namespace CaseLedger.Core.Telemetry;

/// <summary>
/// CaseLedger's own measurements, under the meter named <see cref="Name"/> (listen with
/// <c>AddMeter("CaseLedger")</c>, or <c>dotnet-counters monitor --counters CaseLedger</c>). No
/// measurement carries personal data: its tags are districts, kinds, codes and document types.
/// </summary>
public static class CaseLedgerMeter
{
    public const string Name = "CaseLedger";

    private static readonly Meter Meter = new(Name);

    /// <summary>Stored documents found not to be what their events produce, tagged by district, document type and who found them.</summary>
    /// <summary>
    /// Cases a command folded again from their verified events because a document it reads had no digest
    /// of its shape on record or did not match it: normally zero after the first command on a case
    /// recorded before digests were kept.
    /// </summary>
    public static readonly Counter<long> Refolds =
        Meter.CreateCounter<long>("caseledger.vouching.refolds", unit: "{case}", description: "Cases folded again from their events before a decision");

    public static readonly Counter<long> TamperFindings =
        Meter.CreateCounter<long>("caseledger.tamper.findings", unit: "{finding}", description: "Stored documents found not to be what their events produce");
}
