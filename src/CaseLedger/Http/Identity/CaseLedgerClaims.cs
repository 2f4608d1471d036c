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

    /// <summary>The roles the token grants, by their written names; names that are not roles are left out.</summary>
    public static IReadOnlyList<Role> RolesOf(ClaimsPrincipal user) =>
        user?.FindAll(Role).Select(c => Roles.TryParse(c.Value, out var role) ? role : (Role?)null).OfType<Role>().Distinct().ToList() ?? [];

    public static IReadOnlyList<string> DistrictsOf(ClaimsPrincipal user) =>
        user?.FindAll(District).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList() ?? [];

    public static bool HasRole(ClaimsPrincipal user, Role role) => RolesOf(user).Contains(role);

    public static bool MayTouch(ClaimsPrincipal user, string district) => DistrictsOf(user).Contains(district, StringComparer.Ordinal);
}
