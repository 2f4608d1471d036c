using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Http.Identity;
using CaseLedger.Import;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace CaseLedger.Http;

/// <summary>What an import did, as the endpoint answers when every line was imported or already there.</summary>
public sealed record ImportSummary(int CasesImported, int CasesSkipped, long EventsWritten, long EventsPerSecond)
{
    public static ImportSummary Of(ImportResult result) =>
        new(result.CasesImported, result.CasesSkipped, result.EventsWritten, (long)Math.Round(result.EventsPerSecond, MidpointRounding.AwayFromZero));
}

/// <summary>
/// An administrator imports a district's recorded history (docs/import.md): the body is the file,
/// JSON lines (<c>application/x-ndjson</c>) or CSV (<c>text/csv</c>). Cases already in the district are
/// skipped, so a request cut off part-way is simply sent again.
/// </summary>
internal static class ImportEndpoints
{
    /// <summary>Some lines could not be imported: the problem lists them, and nothing of their cases was stored.</summary>
    public static readonly ApiProblem BadLines = new(StatusCodes.Status422UnprocessableEntity, "import.bad_lines");

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/districts/{district}/imports", async (string district, [FromServices] HistoryImport importer,
                [FromServices] DistrictRegistry districts, HttpContext http) =>
            {
                if (CaseHttp.CheckDistrict(district) is { } malformed)
                {
                    return malformed;
                }

                if (!CaseLedgerClaims.MayTouch(http.User, district))
                {
                    return CaseHttp.Problem(ApiProblems.DistrictNotGranted, $"Your token does not grant district '{district}'.");
                }

                if (!await districts.IsKnownAsync(district, http.RequestAborted))
                {
                    return CaseHttp.Problem(ApiProblems.DistrictUnknown, $"District '{district}' is not set up.");
                }

                using var reader = new StreamReader(http.Request.Body, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
                var text = await reader.ReadToEndAsync(http.RequestAborted);
                if (string.IsNullOrWhiteSpace(text) || text.Trim() == "null")
                {
                    return CaseHttp.Problem(ApiProblems.BodyMissing, "Send the file as the body: JSON lines or CSV (docs/import.md).");
                }

                var media = http.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
                ImportFormat? format = media switch
                {
                    "text/csv" => ImportFormat.Csv,
                    "application/x-ndjson" or "application/jsonl" or "application/jsonlines" => ImportFormat.JsonLines,
                    _ => null,
                };
                if (format is null)
                {
                    return CaseHttp.Problem(ApiProblems.ContentType, "Send the file as application/x-ndjson (JSON lines) or text/csv.");
                }

                var file = await ImportReader.ReadAsync(text, format.Value, http.RequestAborted);
                var result = await importer.With(importer.BatchSize, "http").ImportAsync(district, file, ct: http.RequestAborted);
                if (result.BadLines.Count == 0)
                {
                    return Results.Ok(ImportSummary.Of(result));
                }

                return CaseHttp.Problem(BadLines,
                    $"{result.BadLines.Count} line(s) could not be imported; nothing of their {result.CasesRefused} case(s) was stored, every other case was. " +
                    "Fix the lines and send the file again: cases already imported are skipped.",
                    new Dictionary<string, object?>
                    {
                        ["badLines"] = result.BadLines.Select(b => new { line = b.Line, @case = b.CaseId, reason = b.Reason }).ToList(),
                        ["imported"] = ImportSummary.Of(result),
                    });
            })
            .WithName("ImportHistory").WithSummary("Import a district's recorded history with its real times (docs/import.md)").WithTags("ledger")
            .RequireAuthorization(IdentitySetup.For(Role.Administrator))
            // No Accepts metadata: routing would answer a wrong content type with 415 before the caller's
            // role and district are checked. The body is JSON lines (application/x-ndjson) or CSV (text/csv).
            .Produces<ImportSummary>()
            .WithMetadata(new ProblemsAttribute([ApiProblems.DistrictInvalid, ApiProblems.DistrictNotGranted, ApiProblems.DistrictUnknown,
                ApiProblems.BodyMissing, ApiProblems.ContentType, BadLines]));
    }
}
