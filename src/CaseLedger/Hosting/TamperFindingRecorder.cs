using CaseLedger.Core.Telemetry;
using CaseLedger.Core.Vouching;
using Marten;
using Microsoft.Extensions.Logging;

namespace CaseLedger.Hosting;

/// <summary>
/// Records a tamper finding three ways: a warning naming the district, the case and the document's
/// type (never its id or contents, which may name people), the <c>caseledger.tamper.findings</c>
/// counter, and a <see cref="TamperFinding"/> document in the district, written in a transaction of
/// its own so that it stays whether or not the command that found it commits; verification lists them.
/// </summary>
internal sealed class TamperFindingRecorder(IDocumentStore store, ILogger<TamperFindingRecorder> logger) : ITamperFindings
{
    public async Task RecordAsync(string district, TamperFinding finding, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var type = finding.Document.Split(':', 2)[0];
        logger.LogWarning("Tamper finding in district {District}: a stored {DocumentType} of case {CaseId} is not what the case's events produce " +
                          "(found by {FoundBy}); decisions use what the events produce until an administrator rebuilds it",
            district, type, finding.CaseId, finding.FoundBy);
        CaseLedgerMeter.TamperFindings.Add(1, new("district", district), new("document", type), new("found_by", finding.FoundBy));
        await using var session = store.LightweightSession(district);
        session.Store(finding);
        await session.SaveChangesAsync(ct);
    }
}
