using CaseLedger.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace CaseLedger.Http;

/// <summary>
/// Checks every request's query string before any endpoint reads it: at most
/// <see cref="InputLimits.QueryValues"/> values, each name and value one line of printable text of at
/// most <see cref="InputLimits.QueryValue"/> characters. A NUL in a filter would otherwise reach
/// PostgreSQL, which cannot hold one, and fail there instead of being refused here.
/// </summary>
public static class RequestChecks
{
    public static IApplicationBuilder UseCaseLedgerRequestChecks(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (QueryProblem(context.Request.Query) is { } problem)
            {
                await CaseHttp.Problem(ApiProblems.QueryInvalid.Status, ApiProblems.QueryInvalid.Code, problem).ExecuteAsync(context);
                return;
            }

            await next(context);
        });

    /// <summary>What is wrong with a query string, in words; null when nothing is.</summary>
    public static string? QueryProblem(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var count = 0;
        foreach (var (name, values) in query)
        {
            if (!Fits(name))
            {
                return $"A query parameter's name is one line of printable text, at most {InputLimits.QueryValue} characters.";
            }

            foreach (var value in values)
            {
                if (++count > InputLimits.QueryValues)
                {
                    return $"A query string carries at most {InputLimits.QueryValues} values.";
                }

                if (value is not null && value.Length > 0 && !Fits(value))
                {
                    return $"The query parameter '{name}' is one line of printable text, at most {InputLimits.QueryValue} characters.";
                }
            }
        }

        return null;
    }

    private static bool Fits(string text) => text.Length <= InputLimits.QueryValue && InputLimits.IsOneLine(text);
}
