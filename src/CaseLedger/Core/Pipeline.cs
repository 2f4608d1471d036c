using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using CaseLedger.Core.Deadlines;
using CaseLedger.Rules;

namespace CaseLedger.Core;

/// <summary>A command as the pipeline runs it: for which case of which district, acted by whom.</summary>
/// <param name="District">The district (tenant) the case belongs to.</param>
/// <param name="CaseId">The case the command targets, or the id of the case it opens.</param>
/// <param name="Command">A command record declared by a registered kind.</param>
/// <param name="Acting">Who acts, for whom, through which channel.</param>
public sealed record CommandRequest(string District, Guid CaseId, object Command, Acting Acting)
{
    /// <summary>Write only if the case is still at this version (<c>If-Match</c>).</summary>
    public long? ExpectedVersion { get; init; }

    /// <summary>
    /// The moment the command is decided at, for trusted callers that replay dated history (seeds,
    /// scenarios, replays); null means now, by the pipeline's clock. Never taken from a request.
    /// </summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>The idempotency key the request was claimed under; its record is completed in the command's own transaction.</summary>
    public IdempotencyClaim? Idempotency { get; init; }
}

/// <summary>
/// A case-wide command of the core (<see cref="Service.CaseWideCommands"/>: a hand-over, a complaint) as
/// the pipeline runs it (<see cref="CommandPipeline.RunCaseWideAsync"/>): on which case, acted by whom.
/// </summary>
public sealed record CaseWideRequest(string District, Guid CaseId, object Command, Acting Acting)
{
    /// <summary>Write only if the case is still at this version (<c>If-Match</c>).</summary>
    public long? ExpectedVersion { get; init; }

    /// <summary>The moment it is decided at, for trusted callers replaying dated history (seeds); null means now.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>The idempotency key the request was claimed under; completed in the operation's own transaction.</summary>
    public IdempotencyClaim? Idempotency { get; init; }
}

/// <summary>What became of a command: the case's version after it, the events appended, the clauses evaluated, or the rejection.</summary>
public sealed record CommandOutcome(
    Guid CaseId,
    long Version,
    IReadOnlyList<string> Appended,
    Rejection? Rejection,
    IReadOnlyList<CriterionResult> Clauses)
{
    public bool IsAccepted => Rejection is null;

    /// <summary>
    /// The signed receipt of an accepted write that appended events (<see cref="Vouching.WriteReceipt"/>):
    /// whoever holds it can later prove this version of the case was recorded, and is still there
    /// unchanged. None in memory, or on a store that signs no receipts.
    /// </summary>
    public Vouching.WriteReceipt? Receipt { get; init; }

    /// <summary>
    /// The case as the write left it: its kind's main read model (what <c>GET</c> of the case answers), so
    /// a client sees the result without asking again. None on a refusal, nor on an idempotent replay.
    /// </summary>
    public object? Case { get; init; }

    /// <summary>The appended events themselves, for in-process callers (scenarios, tests).</summary>
    [JsonIgnore]
    public IReadOnlyList<object> Events { get; init; } = [];

    public static CommandOutcome Rejected(Guid caseId, Rejection rejection, IReadOnlyList<CriterionResult>? clauses = null) =>
        new(caseId, 0, [], rejection, clauses ?? []);

    /// <summary>
    /// The case, its version and the outcome's code only: an outcome travels as a Wolverine reply and
    /// may be logged, and a refusal's reason may name people.
    /// </summary>
    public override string ToString() =>
        $"CommandOutcome for case {CaseId} at version {Version}: {(Rejection is { } refused ? refused.Code : $"{Appended.Count} event(s) appended")}";
}

/// <summary>A case's stream opened for writing: its state, its version, and how to append to it.</summary>
public sealed record CaseForWriting(object? State, long Version, Action<IReadOnlyList<object>> Append)
{
    /// <summary>The events appended so far, as the store will write them (their headers can still be set); empty in memory.</summary>
    internal Func<IReadOnlyList<JasperFx.Events.IEvent>> Appended { get; init; } = () => [];
}

/// <summary>
/// Where the pipeline reads and writes: a Marten session (the host, seeds, scenarios through the
/// store) or the in-memory ledger (scenarios, what-if replays, tests without a database).
/// </summary>
internal interface ICaseWriteSession : IFactReader
{
    /// <summary>
    /// Set when a document the command reads could not be vouched for by the case's chain (its history
    /// does not verify): the command is refused with it, and decides nothing.
    /// </summary>
    Rejection? Refusal { get; }

    Task<bool> ExistsAsync(Guid caseId, CancellationToken ct);

    /// <summary>
    /// Loads the case's state and the command's documents of it, and holds the case for this command
    /// until it is saved or dropped.
    /// </summary>
    Task<CaseForWriting> FetchForWritingAsync(CaseKind kind, Guid caseId, IReadOnlyList<DocumentRead> reads, CommandContext context, CancellationToken ct);

    /// <summary>
    /// Holds the command's shared documents (running totals) for the rest of its transaction, in the
    /// ordinal order of their keys, and then reads them as facts: called with the case already held.
    /// </summary>
    Task HoldAsync(IReadOnlyList<DocumentRead> held, CommandContext context, CancellationToken ct);

    void Start(CaseKind kind, Guid caseId, IReadOnlyList<object> events);

    /// <summary>
    /// Stamps every event of this command with who acted and the rule version the case is decided
    /// under, and, for a kind that records the core's shared events (deadlines), the kind's name.
    /// </summary>
    void Stamp(Acting acting, RuleRef? rule, CaseKind kind);

    /// <summary>
    /// Schedules, in the command's transaction, a check of each deadline at its due time (a durable
    /// scheduled message on the store; nothing in memory, where passing time fires what falls due).
    /// </summary>
    Task ScheduleAsync(IReadOnlyList<DeadlineFallsDue> due, CancellationToken ct);

    /// <summary>Stores a document in the command's transaction (an idempotency key's completed record).</summary>
    void Store<T>(T document) where T : class;

    /// <summary>Commits; a lost race on the case comes back as a rejection, never as an exception.</summary>
    Task<Rejection?> SaveAsync(CancellationToken ct);

    /// <summary>The signed receipt the save issued for the case at this version; null when none was issued.</summary>
    Task<Vouching.WriteReceipt?> ReceiptAsync(long version, CancellationToken ct);

    /// <summary>A document kept per case (its state, a read model) as the saved events left it; null when there is none.</summary>
    object? Derived(Type type, Guid caseId);
}

/// <summary>
/// Where the pipeline writes many cases in one transaction (the breaches of deadlines that fell due
/// together): each case gets a session of its own over the one transaction, so what the pipeline does
/// per case (vouching, stamping, digests) is what it does for a single command.
/// </summary>
internal interface ICaseBatchSession
{
    /// <summary>
    /// Holds every case with its row lock and loads its state and documents, in one round trip, in the
    /// order of the case ids whatever the order given (two batches never wait on each other in a cycle);
    /// returns them in the order given, each with its own session and the context its decision takes.
    /// </summary>
    Task<IReadOnlyList<(CaseKind Kind, Guid CaseId, ICaseWriteSession Session, CaseForWriting Stream, CommandContext Context)>> FetchForWritingAsync(
        IReadOnlyList<(CaseKind Kind, Guid CaseId)> cases, Func<Guid, CommandContext> context, CancellationToken ct);

    /// <summary>Commits every case's events and documents together; a lost race comes back as a rejection.</summary>
    Task<Rejection?> SaveAsync(CancellationToken ct);
}

/// <summary>
/// The one path every command takes, whoever sends it (HTTP, a Wolverine message, seeds, scenarios,
/// what-if, tests): find its declaration, check the request, hold and load the case, read the
/// declared facts, decide, then append with the acting metadata (the inline projections run in the
/// same transaction). A rejection appends nothing.
/// </summary>
public static partial class CommandPipeline
{
    /// <summary>A district id is lower-case letters, digits and dashes, up to 63 characters.</summary>
    public static bool IsDistrictId(string? district) => district is not null && DistrictPattern().IsMatch(district);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex DistrictPattern();

    /// <summary>The rejection for a case that does not exist in the district.</summary>
    public static Rejection NotFound(Guid caseId) =>
        new("case.not_found", $"No case {caseId} exists in this district.", RejectionKind.NotFound);

    internal static async Task<CommandOutcome> RunAsync(
        ICaseWriteSession session, CaseKinds kinds, RuleBook rules, CommandRequest request, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caseId = request.CaseId;
        if (Precheck(kinds, request) is { } refused)
        {
            return CommandOutcome.Rejected(caseId, refused);
        }

        var declaration = kinds.CommandFor(request.Command.GetType())!;
        var (acting, forbidden) = Authorize(declaration, request.Command, request.Acting);
        if (forbidden is not null)
        {
            return CommandOutcome.Rejected(caseId, forbidden);
        }

        var kind = declaration.Kind;
        var context = new CommandContext(request.District, caseId, request.At ?? now, acting, rules);
        if (declaration.OpensCase)
        {
            if (request.ExpectedVersion is { } expected && expected != 0)
            {
                return CommandOutcome.Rejected(caseId, Stale(expected, 0));
            }

            if (await session.ExistsAsync(caseId, ct))
            {
                return CommandOutcome.Rejected(caseId, AlreadyExists(caseId));
            }

            await declaration.LoadFactsAsync(request.Command, context, session, ct);
            if (session.Refusal is { } unvouched)
            {
                return CommandOutcome.Rejected(caseId, unvouched);
            }

            var opening = declaration.Decide(request.Command, null, context);
            if (opening.Rejection is { } rejection)
            {
                return CommandOutcome.Rejected(caseId, rejection, opening.Clauses);
            }

            session.Stamp(acting, opening.Events.OfType<IOpensCase>().Select(e => e.Rule).FirstOrDefault(), kind);
            session.Start(kind, caseId, opening.Events);
            return await SaveAsync(session, kind, request, 0, opening, now, ct);
        }

        var stream = await session.FetchForWritingAsync(kind, caseId, declaration.DocumentReads(request.Command, context), context, ct);
        if (session.Refusal is { } tampered)
        {
            return CommandOutcome.Rejected(caseId, tampered);
        }

        if (stream.State is null)
        {
            return CommandOutcome.Rejected(caseId, NotFound(caseId));
        }

        if (acting.Role == Role.Partner && declaration.PartnerNamedIn(request.Command, stream.State) is var named
            && (named is null || !string.Equals(named, acting.Institution, StringComparison.Ordinal)))
        {
            return CommandOutcome.Rejected(caseId, NotParty(acting.Institution));
        }

        if (request.ExpectedVersion is { } version && version != stream.Version)
        {
            return CommandOutcome.Rejected(caseId, Stale(version, stream.Version));
        }

        // The shared totals it holds are locked after its own case, always in one order, and read
        // after their locks: two commands on one household's totals decide one after the other.
        await session.HoldAsync(declaration.HeldDocuments(request.Command, stream.State, context), context, ct);

        // Facts are read after the case is held, in its transaction: what a command reads of its own
        // case (a ballot's unit and member) cannot change under it before it appends.
        await declaration.LoadFactsAsync(request.Command, context, session, ct);
        if (session.Refusal is { } unverified)
        {
            return CommandOutcome.Rejected(caseId, unverified);
        }

        var decision = declaration.Decide(request.Command, stream.State, context);
        if (decision.Rejection is { } refusal)
        {
            return CommandOutcome.Rejected(caseId, refusal, decision.Clauses);
        }

        if (decision.Events.Count == 0)
        {
            return new CommandOutcome(caseId, stream.Version, [], null, decision.Clauses);
        }

        session.Stamp(acting, (stream.State as ICaseState)?.Rule, kind);
        stream.Append(decision.Events);
        return await SaveAsync(session, kind, request, stream.Version, decision, now, ct);
    }

    private static async Task<CommandOutcome> SaveAsync(
        ICaseWriteSession session, CaseKind kind, CommandRequest request, long before, Decision decision, DateTimeOffset now, CancellationToken ct)
    {
        var outcome = new CommandOutcome(request.CaseId, before + decision.Events.Count,
            decision.Events.Select(e => kind.EventName(e.GetType())).ToList(), null, decision.Clauses)
        {
            Events = decision.Events,
        };
        if (request.Idempotency is { } claim)
        {
            // The key is completed with the events, so a retry either finds both or neither.
            session.Store(new IdempotencyRecord
            {
                Id = claim.Key,
                RequestHash = claim.RequestHash,
                ClaimedAt = claim.ClaimedAt,
                CompletedAt = now,
                Outcome = outcome,
                CaseId = request.CaseId,
            });
        }

        await session.ScheduleAsync(Scheduled(kind, request.CaseId, decision.Events), ct);
        return await session.SaveAsync(ct) is { } lost
            ? CommandOutcome.Rejected(request.CaseId, lost, decision.Clauses)
            : outcome with
            {
                Receipt = await session.ReceiptAsync(outcome.Version, ct),
                Case = kind.Views.Count > 0 ? session.Derived(kind.Views[0].Type, request.CaseId) : null,
            };
    }

    /// <summary>The checks to schedule for the deadlines these events set or resume, at their due times.</summary>
    private static List<DeadlineFallsDue> Scheduled(CaseKind kind, Guid caseId, IEnumerable<object> events) =>
        events.Select(e => e switch
        {
            DeadlineSet s => new DeadlineFallsDue(kind.Name, caseId, s.Key, s.DueAt),
            DeadlineResumed r => new DeadlineFallsDue(kind.Name, caseId, r.Key, r.DueAt),
            _ => null,
        }).OfType<DeadlineFallsDue>().ToList();

    /// <summary>
    /// Records, as CaseLedger itself (<see cref="Acting.ByCaseLedger"/>), every open deadline of the case
    /// that is due at <paramref name="now"/> and not yet recorded as breached, each followed by the
    /// kind's decision on it (<see cref="CaseKind.OnBreach"/>); the case is held as for any command, so
    /// a deadline met a moment earlier is not breached. Nothing due: nothing appended.
    /// </summary>
    internal static async Task<CommandOutcome> RecordBreachesAsync(
        ICaseWriteSession session, CaseKind kind, RuleBook rules, string district, Guid caseId, DateTimeOffset now, CancellationToken ct)
    {
        var acting = Acting.ByCaseLedger;
        var context = new CommandContext(district, caseId, now, acting, rules);
        var stream = await session.FetchForWritingAsync(kind, caseId, [], context, ct);
        if (session.Refusal is { } tampered)
        {
            return CommandOutcome.Rejected(caseId, tampered);
        }

        if (stream.State is null)
        {
            return CommandOutcome.Rejected(caseId, NotFound(caseId));
        }

        if (DecideBreaches(kind, stream.State, caseId, context) is not { Count: > 0 } events)
        {
            return new CommandOutcome(caseId, stream.Version, [], null, []);
        }

        session.Stamp(acting, (stream.State as ICaseState)?.Rule, kind);
        stream.Append(events);
        var request = new CommandRequest(district, caseId, new object(), acting);
        return await SaveAsync(session, kind, request, stream.Version, Decision.Accept([.. events]), now, ct);
    }

    /// <summary>
    /// Records, in one transaction, the breaches of many cases of a district, as
    /// <see cref="RecordBreachesAsync(ICaseWriteSession, CaseKind, RuleBook, string, Guid, DateTimeOffset, CancellationToken)"/>
    /// records those of one: every case held with its row lock (all locked in one round trip, in the
    /// order of their ids), each decided on its own latest state with the same decision, each breach
    /// saying its own due time, each case's events stamped, chained and summarized as its own. A case
    /// that is refused (its history does not verify, it does not exist) or has nothing due appends
    /// nothing and does not hold back the others. Returns one outcome per case, in the order given.
    /// </summary>
    internal static async Task<IReadOnlyList<CommandOutcome>> RecordBreachesAsync(
        ICaseBatchSession batch, RuleBook rules, string district, IReadOnlyList<(CaseKind Kind, Guid CaseId)> cases, DateTimeOffset now,
        CancellationToken ct)
    {
        var acting = Acting.ByCaseLedger;
        var held = await batch.FetchForWritingAsync(cases, caseId => new CommandContext(district, caseId, now, acting, rules), ct);
        var outcomes = new CommandOutcome[held.Count];
        var appending = new List<(int Index, ICaseWriteSession Session, CaseKind Kind, Guid CaseId, long Before, List<object> Events)>();
        for (var i = 0; i < held.Count; i++)
        {
            var (kind, caseId, session, stream, context) = held[i];
            if (session.Refusal is { } tampered)
            {
                outcomes[i] = CommandOutcome.Rejected(caseId, tampered);
            }
            else if (stream.State is null)
            {
                outcomes[i] = CommandOutcome.Rejected(caseId, NotFound(caseId));
            }
            else if (DecideBreaches(kind, stream.State, caseId, context) is not { Count: > 0 } events)
            {
                outcomes[i] = new CommandOutcome(caseId, stream.Version, [], null, []);
            }
            else
            {
                session.Stamp(acting, (stream.State as ICaseState)?.Rule, kind);
                stream.Append(events);
                appending.Add((i, session, kind, caseId, stream.Version, events));
            }
        }

        if (appending.Count == 0)
        {
            return outcomes;
        }

        foreach (var (_, session, kind, caseId, _, events) in appending)
        {
            await session.ScheduleAsync(Scheduled(kind, caseId, events), ct);
        }

        var lost = await batch.SaveAsync(ct);
        foreach (var (index, session, kind, caseId, before, events) in appending)
        {
            outcomes[index] = lost is not null
                ? CommandOutcome.Rejected(caseId, lost)
                : new CommandOutcome(caseId, before + events.Count, events.Select(e => kind.EventName(e.GetType())).ToList(), null, [])
                {
                    Events = events,
                    Receipt = await session.ReceiptAsync(before + events.Count, ct),
                };
        }

        return outcomes;
    }

    /// <summary>
    /// The breaches of every open deadline of the case due at the context's time and not yet recorded,
    /// earliest first, each followed by the kind's decision on it (<see cref="CaseKind.OnBreach"/>) taken
    /// on the state with the breach folded in; empty when nothing is due. Pure.
    /// </summary>
    private static List<object> DecideBreaches(CaseKind kind, object state, Guid caseId, CommandContext context)
    {
        var events = new List<object>();
        if (state is not IHoldsDeadlines held)
        {
            return events;
        }

        foreach (var breach in held.Deadlines.BreachesBy(caseId, context.Now))
        {
            events.Add(breach);
            state = kind.Evolve(state, breach)!;
            foreach (var decided in kind.OnBreach(state, breach, context))
            {
                events.Add(decided);
                state = kind.Evolve(state, decided)!;
            }
        }

        return events;
    }

    /// <summary>
    /// Runs a case-wide operation of the core (a hand-over, a complaint) on a case of any kind, the
    /// way a declared command runs: the acting context and its role checked, the case held with its
    /// row lock and its expected version compared, the decision taken on the case's service record
    /// read inside the lock, then the events appended with the acting metadata, the idempotency key
    /// completed in the same transaction. No kind declares it, so no kind writes a line for it.
    /// </summary>
    internal static async Task<CommandOutcome> RunCaseWideAsync(ICaseWriteSession session, CaseKind kind, RuleBook rules, CaseWideRequest request,
        DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caseId = request.CaseId;
        if (request.Command is null || Service.CaseWideCommands.For(request.Command.GetType()) is not { } declaration)
        {
            return CommandOutcome.Rejected(caseId, new Rejection("case.command_unknown",
                $"{request.Command?.GetType().Name ?? "Nothing"} is not a case-wide command of the core.", RejectionKind.Invalid));
        }

        if (!IsDistrictId(request.District))
        {
            return CommandOutcome.Rejected(caseId, new Rejection("case.district_invalid",
                $"'{request.District}' is not a district id: use lower-case letters, digits and dashes.", RejectionKind.Invalid));
        }

        if (caseId == Guid.Empty)
        {
            return CommandOutcome.Rejected(caseId, new Rejection("case.id_missing", "A case id is required.", RejectionKind.Invalid));
        }

        if (request.Acting.Validate() is { } badActing)
        {
            return CommandOutcome.Rejected(caseId, badActing);
        }

        var (acting, forbidden) = Authorize(declaration.Action, declaration.AllowedRoles, declaration.PersonOf(request.Command), request.Acting);
        if (forbidden is not null)
        {
            return CommandOutcome.Rejected(caseId, forbidden);
        }

        var context = new CommandContext(request.District, caseId, request.At ?? now, acting, rules);
        var stream = await session.FetchForWritingAsync(kind, caseId, [], context, ct);
        if (session.Refusal is { } tampered)
        {
            return CommandOutcome.Rejected(caseId, tampered);
        }

        if (stream.State is null)
        {
            return CommandOutcome.Rejected(caseId, NotFound(caseId));
        }

        if (request.ExpectedVersion is { } version && version != stream.Version)
        {
            return CommandOutcome.Rejected(caseId, Stale(version, stream.Version));
        }

        var service = await session.LoadAsync<Service.CaseService>(caseId, ct);
        if (session.Refusal is { } unverified)
        {
            return CommandOutcome.Rejected(caseId, unverified);
        }

        var decision = declaration.Decide(request.Command, service, kind.Name, context);
        if (decision.Rejection is { } refusal)
        {
            return CommandOutcome.Rejected(caseId, refusal, decision.Clauses);
        }

        session.Stamp(acting, (stream.State as ICaseState)?.Rule, kind);
        stream.Append(decision.Events);
        var recorded = new CommandRequest(request.District, caseId, new object(), acting) { Idempotency = request.Idempotency };
        return await SaveAsync(session, kind, recorded, stream.Version, decision, now, ct);
    }

    private static Rejection? Precheck(CaseKinds kinds, CommandRequest request)
    {
        if (!IsDistrictId(request.District))
        {
            return new Rejection("case.district_invalid",
                $"'{request.District}' is not a district id: use lower-case letters, digits and dashes.", RejectionKind.Invalid);
        }

        if (request.CaseId == Guid.Empty)
        {
            return new Rejection("case.id_missing", "A case id is required.", RejectionKind.Invalid);
        }

        if (request.Command is null || kinds.CommandFor(request.Command.GetType()) is null)
        {
            return new Rejection("case.command_unknown",
                $"{request.Command?.GetType().Name ?? "Nothing"} is not a command of any case kind registered here.", RejectionKind.Invalid);
        }

        return request.Acting.Validate();
    }

    /// <summary>
    /// Who may issue the command, and for whom: the acting role must be one the declaration allows; a
    /// resident issues a command about a person only as that person; a clerk entering it for someone
    /// else, or a proxy, is recorded as acting on that person's behalf (a proxy must say so, and say
    /// the same person). Whoever says on whose behalf they act must name the command's person, and a
    /// command about no person takes no one's behalf. Returns the acting context the events record.
    /// </summary>
    public static (Acting Acting, Rejection? Refused) Authorize(CommandDeclaration declaration, object command, Acting acting)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        return Authorize(declaration.Name, declaration.AllowedRoles, declaration.PersonOf(command), acting);
    }

    /// <summary>
    /// Who may do <paramref name="name"/>, and for whom (see the overload for declared commands): the
    /// same checks for a case-wide operation of the core, which no kind declares.
    /// </summary>
    public static (Acting Acting, Rejection? Refused) Authorize(string name, IReadOnlyList<Role> allowedRoles, string? personNamed, Acting acting)
    {
        ArgumentNullException.ThrowIfNull(allowedRoles);
        ArgumentNullException.ThrowIfNull(acting);
        if (!allowedRoles.Contains(acting.Role))
        {
            return (acting, new Rejection("auth.role_not_allowed",
                $"A {Roles.NameOf(acting.Role)} may not {name}; it is for: {string.Join(", ", allowedRoles.Select(Roles.NameOf))}.",
                RejectionKind.Forbidden));
        }

        var claimed = string.IsNullOrWhiteSpace(acting.OnBehalfOf) ? null : acting.OnBehalfOf;

        // A command that names nobody (or leaves the person out, which its decision refuses) is anyone's in the
        // roles allowed, but done on nobody's behalf: a behalf claimed there would be recorded against a person
        // the command is not about.
        if (personNamed?.Trim() is not { Length: > 0 } person)
        {
            return claimed is null ? (acting, null) : (acting, new Rejection("auth.on_behalf_of_mismatch",
                $"This command is about no person, so it is done on nobody's behalf: leave out on behalf of ({claimed}).", RejectionKind.Forbidden));
        }

        return acting.Role switch
        {
            Role.Resident when person != acting.Actor => (acting, new Rejection("auth.not_your_own",
                $"A resident acts only as themselves: you are signed in as {acting.Actor}, the command is for {person}.", RejectionKind.Forbidden)),
            Role.Proxy when claimed != person => (acting, new Rejection("auth.on_behalf_of_mismatch",
                $"A proxy acts for the person named in the command ({person}): say so as on behalf of, not {claimed ?? "nobody"}.",
                RejectionKind.Forbidden)),
            // Whatever the role, and even when the actor is the command's person, a behalf claimed must be that person's.
            _ when claimed is not null && claimed != person => (acting, new Rejection("auth.on_behalf_of_mismatch",
                $"The command is for {person}, but says it was done on behalf of {claimed}.", RejectionKind.Forbidden)),
            Role.Clerk or Role.Administrator when person != acting.Actor => (acting with { OnBehalfOf = person }, null),
            _ => (acting, null),
        };
    }

    /// <summary>The refusal of a partner institution's clerk on a case, or a step of it, the case does not name their institution for.</summary>
    public static Rejection NotParty(string? institution) =>
        new("auth.not_party_to_case", $"This case does not name {institution ?? "your institution"} for this step: a partner does only its own step of the cases it is party to.",
            RejectionKind.Forbidden);

    internal static Rejection AlreadyExists(Guid caseId) =>
        new("case.already_exists", $"A case {caseId} already exists.", RejectionKind.Conflict);

    /// <summary>The refusal of a command whose case's recorded history does not verify against its hash chain.</summary>
    public static Rejection HistoryUnverified(Guid caseId, string problem) =>
        new("case.history_unverified",
            $"The recorded history of case {caseId} does not verify against its hash chain ({problem}): nothing is decided on it until an auditor has looked.",
            RejectionKind.Conflict);

    internal static Rejection LostRace() =>
        new("case.concurrent_write", "Someone else changed this case first. Read it again and retry.", RejectionKind.Conflict);

    private static Rejection Stale(long expected, long actual) =>
        new("case.version_mismatch", $"The case is at version {actual}, not {expected}: read it again before writing.", RejectionKind.Stale);
}
