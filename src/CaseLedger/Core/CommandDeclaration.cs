using System.Text.RegularExpressions;

namespace CaseLedger.Core;

/// <summary>
/// One command of a case kind, declared once: its name, whether it opens a case or which route
/// segment it is posted to, the facts it reads, its pure decision and how a recorded decision is
/// replayed. The Wolverine handler, the HTTP endpoint, seeds, scenario steps, what-if replays and
/// test fixtures are all derived from this.
/// </summary>
public abstract partial class CommandDeclaration
{
    private protected CommandDeclaration(CaseKind kind, Type commandType, bool opensCase, string? segment, string summary)
    {
        Kind = kind;
        CommandType = commandType;
        OpensCase = opensCase;
        Segment = segment;
        Summary = summary;
        Name = Kebab(commandType.Name);
    }

    public CaseKind Kind { get; }

    /// <summary>The command's record type; also its HTTP request body, seed body and scenario step fields.</summary>
    public Type CommandType { get; }

    /// <summary>The command's stable name, kebab-case of its type (<c>cast-ballot</c>), as seeds name it.</summary>
    public string Name { get; }

    /// <summary>The operation id in the API description: the command type's name (<c>CastBallot</c>).</summary>
    public string OperationId => CommandType.Name;

    public bool OpensCase { get; }

    /// <summary>The route segment after the case id (<c>ballots</c>); null for the command that opens a case.</summary>
    public string? Segment { get; }

    /// <summary>One line on what the command does, for the API description.</summary>
    public string Summary { get; }

    /// <summary>Whether the command carries fields (and so an HTTP request body).</summary>
    public bool HasBody => CommandType.GetProperties().Length > 0;

    /// <summary>
    /// The largest request body this command takes, in bytes: <see cref="InputLimits.CommandBodyBytes"/>
    /// unless the declaration allows more (<c>AcceptsBodiesUpTo</c>), as an opening vote's roll needs.
    /// </summary>
    public long MaxBodyBytes { get; private protected set; } = InputLimits.CommandBodyBytes;

    /// <summary>The recorded events from which a past decision of this command can be rebuilt, for what-if replays.</summary>
    public abstract IReadOnlyList<Type> ReplayedFrom { get; }

    /// <summary>The roles that may issue this command (<see cref="AllowRoles"/>); none declared: nobody may.</summary>
    public IReadOnlyList<Role> AllowedRoles => _allowed;

    /// <summary>Whether the command is about a named person (a voter, an applicant): see <see cref="PersonOf"/>.</summary>
    public abstract bool NamesAPerson { get; }

    /// <summary>
    /// The person the command is about (the voter of a ballot, the applicant of an application): a
    /// resident may issue it only as that person; a clerk or proxy issuing it acts on that person's behalf.
    /// </summary>
    public abstract string? PersonOf(object command);

    /// <summary>Whether a partner institution's clerk may issue this command, for its own step (<see cref="PartnerNamedIn"/>).</summary>
    public abstract bool AllowsPartners { get; }

    /// <summary>
    /// The partner institution the case names for the step this command does: the only institution whose
    /// clerk (<see cref="Role.Partner"/>) may issue it on this case; null when the case names none.
    /// </summary>
    internal abstract string? PartnerNamedIn(object command, object state);

    private readonly List<Role> _allowed = [];

    private protected void AllowRoles(IEnumerable<Role> roles)
    {
        foreach (var role in roles)
        {
            if (!_allowed.Contains(role))
            {
                _allowed.Add(role);
            }
        }
    }

    internal abstract Task LoadFactsAsync(object command, CommandContext context, IFactReader reader, CancellationToken ct);

    /// <summary>The documents of the case this command reads by id, bound to the command; loaded with the case's lock.</summary>
    internal abstract IReadOnlyList<DocumentRead> DocumentReads(object command, CommandContext context);

    /// <summary>
    /// The shared documents across cases this command holds (running totals against a cap), bound to
    /// the command: locked until the command commits and loaded after the lock, see <see cref="CommandDeclaration{TState,TCommand}.Holds{TDoc}"/>.
    /// </summary>
    internal abstract IReadOnlyList<DocumentRead> HeldDocuments(object command, object state, CommandContext context);

    /// <summary>The keys (<c>{type}:{id}</c>) of the shared documents this command holds on this case, in the order they are locked.</summary>
    public IReadOnlyList<string> HeldKeys(object command, object state, CommandContext context) =>
        HeldDocuments(command, state, context).Select(h => h.Key).OfType<string>().Order(StringComparer.Ordinal).ToList();

    internal abstract Decision Decide(object command, object? state, CommandContext context);

    /// <summary>Rebuilds the command and its time from an event it recorded; null when this event is not one.</summary>
    internal abstract (object Command, DateTimeOffset At)? Replay(object recorded);

    internal static string Kebab(string pascal) => KebabBoundary().Replace(pascal, "$1-$2").ToLowerInvariant();

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex KebabBoundary();
}

/// <summary>A command of a kind whose write-side state is <typeparamref name="TState"/>.</summary>
public sealed class CommandDeclaration<TState, TCommand> : CommandDeclaration
    where TState : class
    where TCommand : class
{
    private readonly List<Func<TCommand, CommandContext, IFactReader, CancellationToken, Task>> _facts = [];
    private readonly List<(Type Event, Func<object, (object, DateTimeOffset)> Rebuild)> _replays = [];
    private readonly List<Func<TCommand, CommandContext, DocumentRead>> _documentReads = [];
    private readonly List<Func<TCommand, TState, CommandContext, DocumentRead>> _holds = [];
    private Func<TCommand, TState?, CommandContext, Decision>? _decide;
    private Func<TCommand, string?>? _person;
    private Func<TCommand, TState, string?>? _partner;

    internal CommandDeclaration(CaseKind kind, bool opensCase, string? segment, string summary)
        : base(kind, typeof(TCommand), opensCase, segment, summary)
    {
    }

    public override IReadOnlyList<Type> ReplayedFrom => _replays.Select(r => r.Event).ToList();

    public override bool NamesAPerson => _person is not null;

    public override string? PersonOf(object command) => _person?.Invoke((TCommand)command);

    public override bool AllowsPartners => _partner is not null;

    internal override string? PartnerNamedIn(object command, object state) => _partner?.Invoke((TCommand)command, (TState)state);

    /// <summary>
    /// The roles that may issue this command. Auditors and rule authors never write: declaring them
    /// is a mistake the declaration refuses.
    /// </summary>
    public CommandDeclaration<TState, TCommand> AllowedFor(params Role[] roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        foreach (var reader in roles.Where(r => r is Role.Auditor or Role.RuleAuthor))
        {
            throw new InvalidOperationException($"{Kind.Name}: {Name} may not be issued by the read-only role {Roles.NameOf(reader)}.");
        }

        if (roles.Contains(Role.Partner))
        {
            throw new InvalidOperationException(
                $"{Kind.Name}: {Name} is for a partner only through AllowedForPartnerNamedIn, which says which institution the case names for it.");
        }

        if (roles.Contains(Role.System))
        {
            throw new InvalidOperationException($"{Kind.Name}: {Name} may not be issued in the system's role; CaseLedger acts in it only to record breaches.");
        }

        AllowRoles(roles);
        return this;
    }

    /// <summary>
    /// Lets a partner institution's clerk (<see cref="Role.Partner"/>) issue this command on a case that
    /// names their institution for this step: <paramref name="institution"/> reads, from the command and
    /// the case, the institution the case names for it (null: none). The pipeline refuses a partner of
    /// any other institution (<c>auth.not_party_to_case</c>) after holding the case, so the check is made
    /// on the state the command is decided on. Never for the command that opens a case.
    /// </summary>
    public CommandDeclaration<TState, TCommand> AllowedForPartnerNamedIn(Func<TCommand, TState, string?> institution)
    {
        if (OpensCase)
        {
            throw new InvalidOperationException($"{Kind.Name}: {Name} opens a case; a partner acts only on a case that names it.");
        }

        _partner = institution ?? throw new ArgumentNullException(nameof(institution));
        AllowRoles([Role.Partner]);
        return this;
    }

    /// <summary>
    /// Lets this command's request body be up to <paramref name="bytes"/> long (at most
    /// <see cref="InputLimits.LargeBodyBytes"/>), for a command that carries a long list.
    /// </summary>
    public CommandDeclaration<TState, TCommand> AcceptsBodiesUpTo(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, InputLimits.LargeBodyBytes);
        MaxBodyBytes = bytes;
        return this;
    }

    /// <summary>The person the command is about, read from the command (see <see cref="CommandDeclaration.PersonOf"/>).</summary>
    public CommandDeclaration<TState, TCommand> ForPerson(Func<TCommand, string?> person)
    {
        _person = person ?? throw new ArgumentNullException(nameof(person));
        return this;
    }

    /// <summary>
    /// A fact the decision needs from outside the case (another case's read model, a shared
    /// document), read by the pipeline before deciding and handed in through <see cref="CommandContext.Fact{T}"/>.
    /// </summary>
    public CommandDeclaration<TState, TCommand> Reads<TFact>(Func<TCommand, CommandContext, IFactReader, CancellationToken, Task<TFact?>> read)
        where TFact : class
    {
        ArgumentNullException.ThrowIfNull(read);
        _facts.Add(async (command, context, reader, ct) => context.SetFact(typeof(TFact), await read(command, context, reader, ct)));
        return this;
    }

    /// <summary>
    /// A document of this case the decision reads, by an id worked out from the command (null: none),
    /// loaded in the same round trip as the case's lock and handed in through <see cref="CommandContext.Fact{T}"/>.
    /// </summary>
    public CommandDeclaration<TState, TCommand> ReadsDocument<TDoc>(Func<TCommand, CommandContext, string?> id) where TDoc : class
    {
        ArgumentNullException.ThrowIfNull(id);
        _documentReads.Add((command, context) => new DocumentRead<TDoc>(id(command, context)));
        return this;
    }

    /// <summary>
    /// A document shared across cases that the decision reads and updates (a household's running
    /// totals against a cap, a yearly budget), by an id worked out from the command and the case's
    /// state as the case's lock read it (null: none).
    /// The pipeline holds it for the command: after the case's own lock it takes a transaction-scoped
    /// lock on the document's key (the keys of all held documents in one consistent order), then
    /// loads it, so the decision sees every total committed before and no other command holding it
    /// can decide until this one commits or rolls back. The decision gets it through
    /// <see cref="CommandContext.Fact{T}"/> and writes its new value with its events (a document the
    /// kind <c>Writes</c> from them), in the same transaction. Only for commands on an existing case.
    /// </summary>
    public CommandDeclaration<TState, TCommand> Holds<TDoc>(Func<TCommand, TState, CommandContext, string?> id) where TDoc : class
    {
        ArgumentNullException.ThrowIfNull(id);
        if (OpensCase)
        {
            throw new InvalidOperationException($"{Kind.Name}: {Name} opens a case; hold shared documents in a command on the case it opened.");
        }

        _holds.Add((command, state, context) => new DocumentRead<TDoc>(id(command, state, context)));
        return this;
    }

    /// <summary>The pure decision on an existing case.</summary>
    public CommandDeclaration<TState, TCommand> Decides(Func<TCommand, TState, CommandContext, Decision> decide)
    {
        ArgumentNullException.ThrowIfNull(decide);
        if (OpensCase)
        {
            throw new InvalidOperationException($"{Name} opens a case: its decision has no state to take.");
        }

        _decide = (command, state, context) => decide(command, state!, context);
        return this;
    }

    /// <summary>The pure decision that opens a case.</summary>
    public CommandDeclaration<TState, TCommand> Decides(Func<TCommand, CommandContext, Decision> decide)
    {
        ArgumentNullException.ThrowIfNull(decide);
        if (!OpensCase)
        {
            throw new InvalidOperationException($"{Name} acts on an existing case: its decision takes the case's state.");
        }

        _decide = (command, _, context) => decide(command, context);
        return this;
    }

    /// <summary>How a past decision of this command is rebuilt from the event it recorded, for what-if replays.</summary>
    public CommandDeclaration<TState, TCommand> Replays<TEvent>(Func<TEvent, TCommand> command, Func<TEvent, DateTimeOffset> at)
        where TEvent : class
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(at);
        _replays.Add((typeof(TEvent), e => (command((TEvent)e), at((TEvent)e))));
        return this;
    }

    internal override async Task LoadFactsAsync(object command, CommandContext context, IFactReader reader, CancellationToken ct)
    {
        foreach (var read in _facts)
        {
            await read((TCommand)command, context, reader, ct);
        }
    }

    internal override IReadOnlyList<DocumentRead> DocumentReads(object command, CommandContext context) =>
        _documentReads.Select(read => read((TCommand)command, context)).ToList();

    internal override IReadOnlyList<DocumentRead> HeldDocuments(object command, object state, CommandContext context) =>
        _holds.Select(hold => hold((TCommand)command, (TState)state, context)).ToList();

    internal override Decision Decide(object command, object? state, CommandContext context) =>
        (_decide ?? throw new InvalidOperationException($"{Kind.Name}: the command {Name} declares no decision."))(
            (TCommand)command, (TState?)state, context);

    internal override (object Command, DateTimeOffset At)? Replay(object recorded)
    {
        foreach (var (type, rebuild) in _replays)
        {
            if (type.IsInstanceOfType(recorded))
            {
                return rebuild(recorded);
            }
        }

        return null;
    }
}
