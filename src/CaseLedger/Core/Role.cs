namespace CaseLedger.Core;

/// <summary>What a signed-in person may do in the districts granted to them.</summary>
public enum Role
{
    /// <summary>An owner or applicant, signed in through an online channel: acts only for themselves.</summary>
    Resident,
    /// <summary>Back-office staff of a district: opens and advances cases, and enters a paper ballot or
    /// application for a named person (recorded as acting on that person's behalf).</summary>
    Clerk,
    /// <summary>"Help-and-handle" staff acting for a named person; on behalf of is required and recorded.</summary>
    Proxy,
    /// <summary>Reads, verifies and exports the districts granted; never writes.</summary>
    Auditor,
    /// <summary>Runs scenarios and what-if replays; reads rules; never writes cases.</summary>
    RuleAuthor,
    /// <summary>Seals districts, rebuilds read models, sets districts up.</summary>
    Administrator,
    /// <summary>
    /// A partner institution's clerk (a bank, the housing provident fund, a notary, a court), signed in
    /// through the institution's own channel with the institution named in the token: does only its
    /// institution's own step of a case that names it (<see cref="CommandDeclaration{TState,TCommand}.AllowedForPartnerNamedIn"/>).
    /// </summary>
    Partner,
    /// <summary>
    /// CaseLedger itself, recording what no person did (a deadline's breach when it falls due). No
    /// token, header or scenario can claim it: it has no written name that parses (<see cref="Roles.TryParse"/>).
    /// </summary>
    System,
}

/// <summary>Role names as tokens, seeds and scenario files write them: kebab-case (<c>rule-author</c>).</summary>
public static class Roles
{
    /// <summary>The roles a person can be given (all but <see cref="Role.System"/>).</summary>
    public static IReadOnlyList<Role> OfPeople { get; } = Enum.GetValues<Role>().Where(r => r != Role.System).ToList();

    private static readonly Dictionary<string, Role> ByName =
        OfPeople.ToDictionary(NameOf, r => r, StringComparer.Ordinal);

    /// <summary>The role's written name: <c>resident</c>, <c>clerk</c>, <c>proxy</c>, <c>auditor</c>, <c>rule-author</c>, <c>administrator</c>, <c>partner</c>.</summary>
    public static string NameOf(Role role) => CommandDeclaration.Kebab(role.ToString());

    /// <summary>The role written exactly by its name (lower case); anything else, and the system's role, is not a role.</summary>
    public static bool TryParse(string? name, out Role role) => ByName.TryGetValue(name ?? "", out role);

    public static IReadOnlyList<string> Names { get; } = OfPeople.Select(NameOf).ToList();
}
