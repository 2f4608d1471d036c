using CaseLedger.Rules;

namespace CaseLedger.Core;

/// <summary>
/// What a decision may know besides the command and the case's state: which case and district, the
/// moment it is decided at, who is acting, the rule book, and the facts the command's declaration
/// asked the pipeline to read beforehand (<see cref="CommandDeclaration{TState,TCommand}.Reads{TFact}"/>).
/// </summary>
public sealed class CommandContext
{
    private readonly Dictionary<Type, object?> _facts = [];

    public CommandContext(string district, Guid caseId, DateTimeOffset now, Acting acting, RuleBook rules)
    {
        District = district;
        CaseId = caseId;
        Now = now;
        Acting = acting ?? throw new ArgumentNullException(nameof(acting));
        Rules = rules ?? throw new ArgumentNullException(nameof(rules));
    }

    public string District { get; }

    public Guid CaseId { get; }

    public DateTimeOffset Now { get; }

    public Acting Acting { get; }

    public RuleBook Rules { get; }

    /// <summary>A fact read before the decision; null when the reader found nothing.</summary>
    public T? Fact<T>() where T : class
    {
        lock (_facts)
        {
            return _facts.TryGetValue(typeof(T), out var fact) ? (T?)fact : null;
        }
    }

    /// <summary>Records a fact; the reads of one batch may complete on several threads at once.</summary>
    internal void SetFact(Type type, object? fact)
    {
        lock (_facts)
        {
            _facts[type] = fact;
        }
    }
}

/// <summary>
/// Reads documents for a command's declared facts: from the store inside the command's transaction,
/// or from the in-memory ledger's documents in scenario runs and replays.
/// </summary>
public interface IFactReader
{
    Task<T?> LoadAsync<T>(string id, CancellationToken ct) where T : class;

    Task<T?> LoadAsync<T>(Guid id, CancellationToken ct) where T : class;
}
