namespace CaseLedger.Core;

/// <summary>
/// How much CaseLedger takes from outside, in one place (README, "Limits"). A request over a limit is
/// refused with a problem naming it; nothing is cut short or stored as sent. The limits are far above
/// anything the services' real records need (a compound of 20,000 units, a reason of a page), and low
/// enough that no request can make the host store, hold or return megabytes of text.
/// </summary>
public static class InputLimits
{
    /// <summary>An id a client gives: a unit, an owner, a voter, a compound, an applicant.</summary>
    public const int Id = 100;

    /// <summary>A name: a compound's, a person's, a district's.</summary>
    public const int Name = 200;

    /// <summary>A reference to a paper or a parcel: acceptance, audit, payment, tracking.</summary>
    public const int Reference = 100;

    /// <summary>A description of a proposal or a project.</summary>
    public const int Description = 2_000;

    /// <summary>A reason or a note: a rejection's reason, the committee's note.</summary>
    public const int Reason = 2_000;

    /// <summary>Any other text in a body, where its member names no limit of its own.</summary>
    public const int Text = 2_000;

    /// <summary>The units on a vote's roll (the largest compounds have about ten thousand).</summary>
    public const int RollUnits = 20_000;

    /// <summary>The co-owners of one unit, besides its owner.</summary>
    public const int CoOwners = 50;

    /// <summary>The funding lines of a project (each source at most once).</summary>
    public const int FundingLines = 20;

    /// <summary>The districts one request names (an audit query, a what-if).</summary>
    public const int Districts = 50;

    /// <summary>The largest amount or area a body may carry, either sign: a trillion, far beyond any real one, and small enough that no sum of them overflows.</summary>
    public const decimal Number = 1_000_000_000_000m;

    /// <summary>The earliest year a date or time in a request may fall in.</summary>
    public const int EarliestYear = 1900;

    /// <summary>The latest year a date or time in a request may fall in.</summary>
    public const int LatestYear = 2199;

    /// <summary>A command's body, in bytes, unless its declaration allows more.</summary>
    public const long CommandBodyBytes = 64 * 1024;

    /// <summary>The largest body any request may have, in bytes: an opening vote's roll, a scenario file, a proposal.</summary>
    public const long LargeBodyBytes = 4 * 1024 * 1024;

    /// <summary>One value in a query string, in characters.</summary>
    public const int QueryValue = 200;

    /// <summary>The values one query string may carry, all parameters together.</summary>
    public const int QueryValues = 50;

    /// <summary>
    /// The values (texts, lists and mappings) one scenario file may stand for, each YAML alias counted
    /// as every value its anchor holds: the catalogue's largest file has under 600, and a file of
    /// aliases of aliases ("billion laughs") is refused while it is read, before anything walks it.
    /// </summary>
    public const int ScenarioValues = 100_000;

    /// <summary>How deep lists and mappings may nest in a scenario file, aliases followed (the catalogue's and the vocabularies go eight deep at most).</summary>
    public const int ScenarioNesting = 32;

    /// <summary>
    /// Whether text is one line of printable characters: no control character at all (not even a
    /// tab) and no broken surrogate pair. Ids, keys, header values and query values are.
    /// </summary>
    public static bool IsOneLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return !text.Any(char.IsControl) && CaseJson.IsPlainText(text);
    }
}
