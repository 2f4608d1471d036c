using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CaseLedger.Core;
using Microsoft.AspNetCore.Http;

namespace CaseLedger.Http;

/// <summary>
/// Any list, and the audit trail, as a page of CSV that Excel opens as it is: <c>?format=csv</c>. UTF-8
/// with a byte order mark (so Chinese text reads right), one row per item and one column per member
/// (by its JSON name; a nested value as compact JSON), times in the district's civil time
/// (<c>2025-03-04 09:30:00</c>, UTC+08:00 by default), numbers as they are. The next page's address comes
/// in a <c>Link: &lt;...&gt;; rel="next"</c> header and keeps <c>format=csv</c>. A text that a spreadsheet
/// would run as a formula (starting with <c>=</c>, <c>+</c>, <c>-</c> or <c>@</c>) is written with a
/// leading apostrophe.
/// </summary>
public static class ListExport
{
    public const string Format = "format";

    public const string Csv = "csv";

    /// <summary>The parameter as the API description lists it.</summary>
    public static QueryParameterAttribute Described { get; } =
        new(Format, "`csv` answers with the page as CSV that Excel opens (UTF-8, times in the district's civil time; the next page in the `Link` header). " +
                    "Left out, JSON.") { Values = [Csv] };

    /// <summary>Whether the request asks for CSV, or the problem with its <c>format</c>.</summary>
    public static (bool Csv, IResult? Refused) Read(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Query.TryGetValue(Format, out var format))
        {
            return (false, null);
        }

        return format.Count == 1 && format.ToString() == Csv
            ? (true, null)
            : (false, CaseHttp.Problem(ApiProblems.FormatInvalid, "format is 'csv', given once; left out, the list is JSON."));
    }

    /// <summary>The page's items as CSV, with the link to the next page in a header.</summary>
    public static IResult Page(IEnumerable items, string? next, TimeSpan civilOffset, string name)
    {
        ArgumentNullException.ThrowIfNull(items);
        var rows = items.Cast<object>().Select(item => JsonSerializer.SerializeToElement(item, item.GetType(), CaseJson.Options)).ToList();
        var columns = rows.Where(r => r.ValueKind == JsonValueKind.Object)
            .SelectMany(r => r.EnumerateObject().Select(p => p.Name)).Distinct(StringComparer.Ordinal).ToList();
        var csv = new StringBuilder("\uFEFF");
        Line(csv, columns);
        foreach (var row in rows)
        {
            Line(csv, columns.Select(c => row.ValueKind == JsonValueKind.Object && row.TryGetProperty(c, out var value) ? Cell(value, civilOffset) : ""));
        }

        return new CsvResult(csv.ToString(), next, name);
    }

    private static void Line(StringBuilder csv, IEnumerable<string> cells)
    {
        csv.AppendJoin(',', cells.Select(Quoted));
        csv.Append("\r\n");
    }

    private static string Cell(JsonElement value, TimeSpan civilOffset) => value.ValueKind switch
    {
        JsonValueKind.String when CaseJson.TryReadTime(value.GetString()!, out var time) =>
            time.ToOffset(civilOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        JsonValueKind.String => Inert(value.GetString()!),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => Inert(value.GetRawText()),
    };

    /// <summary>A text a spreadsheet shows as text rather than evaluating it.</summary>
    private static string Inert(string text) => text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    private static string Quoted(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (cell.Length > 0 && (char.IsWhiteSpace(cell[0]) || char.IsWhiteSpace(cell[^1])))
            ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : cell;

    private sealed class CsvResult(string csv, string? next, string name) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.ContentType = "text/csv; charset=utf-8";
            response.Headers.ContentDisposition = $"attachment; filename=\"{name}.csv\"";
            if (next is not null)
            {
                response.Headers.Link = $"<{next}>; rel=\"next\"";
            }

            return response.WriteAsync(csv, Encoding.UTF8);
        }
    }
}
