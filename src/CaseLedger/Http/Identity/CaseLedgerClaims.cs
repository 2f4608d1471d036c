using System.Security.Claims;
using CaseLedger.Core;

namespace CaseLedger.Http.Identity;

/// <summary>
/// The claims CaseLedger reads from a bearer token: who (<c>sub</c>, vouched for by <c>iss</c>), in which
/// roles, in which districts, and through which channel the person signed in.
/// </summary>
public static class CaseLedgerClaims
{
    public const string Subject = "sub";
    public const string Issuer = "iss";
    public const string Name = "name";

    /// <summary>A role by its written name (<see cref="Roles.NameOf"/>); one claim per role.</summary>
    public const string Role = "role";

    /// <summary>A district the token may touch; one claim per district.</summary>
    public const string District = "district";

    /// <summary>The application that signed the person in, by its <see cref="Core.Channel"/> name.</summary>
    public const string Channel = "channel";

    /// <summary>The partner institution a partner's clerk works for (a bank, a notary); exactly one on a partner's token.</summary>
    public const string Institution = "institution";

    public static string? SubjectOf(ClaimsPrincipal user) => user?.FindFirst(Subject)?.Value;

    /// <summary>
    /// Why a token its issuer signed is still refused, in words without its claims' values, or
    /// <see langword="null"/> when it is not: every token names who acts (one <c>sub</c> of one line, at most
    /// <see cref="CaseHttp.MaxActorLength"/> characters) and the one channel they signed in through, and none
    /// claims what is CaseLedger's own: the <see cref="Core.Channel.System"/> channel or the
    /// <see cref="Core.Role.System"/> role. Checked for every request as the token is validated, so the refusal
    /// (401 <c>auth.token_invalid</c>) is the same on every route, reads and commands alike.
    /// </summary>
    public static string? RefusalOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.FindAll(Subject).ToList() is not [var subject]
            || subject.Value.Trim().Length is 0 or > CaseHttp.MaxActorLength || !InputLimits.IsOneLine(subject.Value))
        {
            return "it names no subject (sub) to act as";
        }

        var channels = user.FindAll(Channel).ToList();
        if (channels is not [var channel] || !Channels.TryParse(channel.Value, out var named))
        {
            return $"it must name the one channel the person signed in through: one of {string.Join(", ", Channels.OfPeople)}";
        }

        if (named == Core.Channel.System)
        {
            return "it claims the System channel, which is CaseLedger's own";
        }

        // The system role has no name a token could use (Roles.TryParse refuses it), so a claim of it would
        // otherwise just be dropped; a token that tries is refused instead, in any spelling.
        if (user.FindAll(Role).Any(c => string.Equals(c.Value.Trim(), Core.Role.System.ToString(), StringComparison.OrdinalIgnoreCase)))
        {
            return "it claims the system role, which is CaseLedger's own";
        }

        return null;
    }

    /// <summary>The roles the token grants, by their written names; names that are not roles are left out.</summary>
    public static IReadOnlyList<Role> RolesOf(ClaimsPrincipal user) =>
        user?.FindAll(Role).Select(c => Roles.TryParse(c.Value, out var role) ? role : (Role?)null).OfType<Role>().Distinct().ToList() ?? [];

    public static IReadOnlyList<string> DistrictsOf(ClaimsPrincipal user) =>
        user?.FindAll(District).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList() ?? [];

    public static bool HasRole(ClaimsPrincipal user, Role role) => RolesOf(user).Contains(role);

    public static bool MayTouch(ClaimsPrincipal user, string district) => DistrictsOf(user).Contains(district, StringComparer.Ordinal);
}
