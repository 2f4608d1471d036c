using System.Text.Json;
using Marten;

namespace CaseLedger.Core;

/// <summary>
/// How many items a whole list holds, only when a client asks: exactly (one count query over the
/// list's filters, which reads every matching row) or by PostgreSQL's planner (<c>EXPLAIN</c>'s row
/// estimate for the same query, from the table's statistics, read in about the time of a plan). No
/// page is counted unasked.
/// </summary>
public static class ListCounts
{
    public static async Task<ListCount?> CountAsync<T>(IQuerySession session, IQueryable<T> query, ListCountMode mode, CancellationToken ct)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(query);
        switch (mode)
        {
            case ListCountMode.Exact:
                return new ListCount(await query.LongCountAsync(ct), Estimated: false);
            case ListCountMode.Estimate:
                await using (var command = query.ToCommand())
                {
                    command.CommandText = "EXPLAIN (FORMAT JSON) " + command.CommandText;
                    await using var reader = await session.ExecuteReaderAsync(command, ct);
                    if (!await reader.ReadAsync(ct))
                    {
                        return null;
                    }

                    using var plan = JsonDocument.Parse(reader.GetString(0));
                    var rows = plan.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
                    return new ListCount((long)Math.Round(rows, MidpointRounding.AwayFromZero), Estimated: true);
                }

            default:
                return null;
        }
    }
}
