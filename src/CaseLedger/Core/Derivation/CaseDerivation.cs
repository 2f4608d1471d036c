using System.Reflection;

namespace CaseLedger.Core.Derivation;

/// <summary>
/// A document CaseLedger keeps derived from a case's events: its state, one of its kind's read
/// models or its service record (one per case, keyed by the case id), or a document its kind writes
/// straight from an event (a vote's unit, a household's totals), keyed by its own id.
/// </summary>
/// <param name="Type">The document's type.</param>
/// <param name="Id">Its id: the case id (<c>D</c> format) for a document kept per case.</param>
/// <param name="Document">The document after the event.</param>
/// <param name="PerCase">Whether it is kept per case (state, read model, service record) rather than written by id.</param>
public sealed record DerivedDocument(Type Type, string Id, object Document, bool PerCase)
{
    /// <summary>The document's key, <c>{type}:{id}</c>, as digest headers and tamper findings name it.</summary>
    public string Key => KeyOf(Type, Id);

    public static string KeyOf(Type type, string id)
    {
        ArgumentNullException.ThrowIfNull(type);
        return $"{type.Name}:{id}";
    }
}

/// <summary>
/// What one event changes of the documents derived from a case's events, worked out once for every
/// place that needs it: the in-memory ledger keeps them so, the store's pipeline records their
/// digests with the event, and verification folds a case's events with it to compare what the
/// events produce with what is stored. The store's inline projections fold with the same functions
/// (the kind's evolve, its read models', <see cref="Service.CaseService.Fold"/>, its documents').
/// </summary>
public static class CaseDerivation
{
    /// <summary>
    /// The documents <paramref name="e"/>, the case's event at <paramref name="version"/>, leaves
    /// changed: for an event of the kind's own, the state and each read model that exists after it
    /// (with their version member set to the event's, as the store sets it), the service record when the event changed it, and each document the kind
    /// writes from it. <paramref name="before"/> gives a document as it was before the event (the
    /// state under the state's type and the case id), null when there was none.
    /// </summary>
    public static IReadOnlyList<DerivedDocument> Apply(CaseKind kind, Guid caseId, long version, object e, Func<Type, string, object?> before)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(before);
        var id = caseId.ToString("D");
        var changed = new List<DerivedDocument>();
        // The state and read models fold the kind's own events only (a case-wide event of the core, a
        // hand-over, leaves them and their version as they were), as the store's projections do.
        if (kind.Declares(e.GetType()))
        {
            if (kind.Evolve(before(kind.StateType, id), e) is { } state)
            {
                changed.Add(new DerivedDocument(kind.StateType, id, Versioned.With(state, version), true));
            }

            foreach (var view in kind.Views.Where(v => v.Type != kind.StateType))
            {
                if (view.Evolve(before(view.Type, id), e) is { } next)
                {
                    changed.Add(new DerivedDocument(view.Type, id, Versioned.With(next, version), true));
                }
            }
        }

        var service = (Service.CaseService?)before(typeof(Service.CaseService), id);
        if (Service.CaseService.Fold(service, caseId, e, OpeningOf(kind)) is { } record && !ReferenceEquals(record, service))
        {
            changed.Add(new DerivedDocument(typeof(Service.CaseService), id, record, true));
        }

        foreach (var declaration in kind.Documents)
        {
            foreach (var (documentId, document) in declaration.From(e))
            {
                changed.Add(new DerivedDocument(declaration.Type, documentId, document, false));
            }
        }

        return changed;
    }

    /// <summary>Whether an event changes a case's service record (its kind's opening, a deadline's or a case-wide event), so its pipeline needs the record before it.</summary>
    public static bool ChangesService(object e) => e is IOpensCase or Deadlines.IDeadlineEvent or Service.ICaseWideEvent;

    /// <summary>The kind's name for its own opening events, as the service record's fold asks.</summary>
    public static Func<Type, string?> OpeningOf(CaseKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return t => typeof(IOpensCase).IsAssignableFrom(t) && kind.Declares(t) ? kind.Name : null;
    }
}

/// <summary>
/// Sets a document's <c>Version</c> member (a public, settable <see cref="long"/>) to the case
/// version it was built to, as Marten does for the documents its projections keep; a document with
/// no such member is returned as it is.
/// </summary>
public static class Versioned
{
    private static readonly MethodInfo Clone = typeof(object).GetMethod("MemberwiseClone", BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Accessors?> Properties = new();

    /// <summary>A copy of <paramref name="document"/> carrying <paramref name="version"/>; the document itself when it keeps no version or already carries it.</summary>
    public static object With(object document, long version)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (AccessorsOf(document.GetType()) is not { } accessors || accessors.Get(document) == version)
        {
            return document;
        }

        var copy = accessors.Copy(document);
        accessors.Set(copy, version);
        return copy;
    }

    /// <summary>The version a document was built to, if it keeps one.</summary>
    public static long? Of(object document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return AccessorsOf(document.GetType()) is { } accessors ? accessors.Get(document) : null;
    }

    /// <summary>A type's version member read and written, and the type copied, by compiled delegates: every event of a rebuild or a verification sets it.</summary>
    private sealed record Accessors(Func<object, long> Get, Action<object, long> Set, Func<object, object> Copy);

    // Made once per type, with no lock: verification and the rebuild fold on every core at once.
    private static Accessors? AccessorsOf(Type type) =>
        Properties.GetOrAdd(type, t => t.GetProperty("Version", BindingFlags.Public | BindingFlags.Instance) is { PropertyType: var p } property && p == typeof(long) && property.CanWrite
            ? Compile(t, property)
            : null);

    private static Accessors Compile(Type type, PropertyInfo property)
    {
        Func<object, object> copy;
        try
        {
            copy = (Func<object, object>)Delegate.CreateDelegate(typeof(Func<object, object>), Clone);
        }
        catch (ArgumentException)
        {
            copy = document => Clone.Invoke(document, null)!;
        }

        if (type.IsValueType)
        {
            return new Accessors(document => (long)property.GetValue(document)!, (document, version) => property.SetValue(document, version), copy);
        }

        return (Accessors)typeof(Versioned).GetMethod(nameof(Typed), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type)
            .Invoke(null, [property, copy])!;
    }

    private static Accessors Typed<T>(PropertyInfo property, Func<object, object> copy) where T : class
    {
        // An init-only member is still set through its setter, as reflection set it before.
        var get = property.GetMethod!.CreateDelegate<Func<T, long>>();
        var set = property.SetMethod!.CreateDelegate<Action<T, long>>();
        return new Accessors(document => get((T)document), (document, version) => set((T)document, version), copy);
    }
}
