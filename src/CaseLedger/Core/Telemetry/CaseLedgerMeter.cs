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
    public static readonly Counter<long> TamperFindings =
        Meter.CreateCounter<long>("caseledger.tamper.findings", unit: "{finding}", description: "Stored documents found not to be what their events produce");
}
