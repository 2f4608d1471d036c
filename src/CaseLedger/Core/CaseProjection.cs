using JasperFx.Events;
using Marten.Events.Aggregation;

namespace CaseLedger.Core;

/// <summary>
/// A single-stream projection that folds a case's events with a kind's pure evolve function, so the
/// same function serves the inline snapshot, the read model, tests and replays.
/// </summary>
public sealed class CaseProjection<TDoc> : SingleStreamProjection<TDoc, Guid> where TDoc : class
{
    private readonly Func<TDoc?, object, TDoc?> _evolve;

    public CaseProjection(Func<TDoc?, object, TDoc?> evolve, IEnumerable<Type> eventTypes)
    {
        ArgumentNullException.ThrowIfNull(eventTypes);
        _evolve = evolve ?? throw new ArgumentNullException(nameof(evolve));
        foreach (var type in eventTypes)
        {
            IncludeType(type);
        }
    }

    public override TDoc? Evolve(TDoc? snapshot, Guid id, IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return _evolve(snapshot, e.Data);
    }
}

/// <summary>Folds events with an evolve function: for tests, replays and point-in-time views.</summary>
public static class Fold
{
    public static TState? Events<TState>(Func<TState?, object, TState?> evolve, IEnumerable<object> events, TState? seed = null)
        where TState : class
    {
        ArgumentNullException.ThrowIfNull(evolve);
        ArgumentNullException.ThrowIfNull(events);
        var state = seed;
        foreach (var e in events)
        {
            state = evolve(state, e);
        }

        return state;
    }
}
