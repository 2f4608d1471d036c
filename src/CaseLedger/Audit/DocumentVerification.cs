using System.Collections.Concurrent;
using System.Reflection;
using CaseLedger.Core;
using CaseLedger.Core.Derivation;
using CaseLedger.Core.Vouching;
using CaseLedger.Rules;
using JasperFx.Events;
using Marten;

namespace CaseLedger.Audit;

/// <summary>
/// Verification's second half, for cases whose chain is intact: fold each case's events again,
/// decide its recorded decisions again, and compare the result with every document the store keeps
/// from them (<see cref="Rederivation"/>). Works on a batch of cases at a time, loading what is stored
/// of them in a few queries, so a district is checked in bounded memory.
/// </summary>
internal sealed class DocumentVerification(IDocumentStore store, CaseKinds kinds, RuleBook rules)
{
    private readonly EventTyping _typing = new(store);
    private readonly ISerializer _serializer = store.Options.Serializer();
    private readonly Rederivation _rederivation = new(kinds, rules, store.Options.Serializer());

    /// <summary>One case to check: its rows as read, and its chain's newest link (null: no events).</summary>
    public sealed record Case(Guid CaseId, IReadOnlyList<ChainVerifier.StoredEvent> Rows, string? Head);

    /// <summary>
    /// The findings of each case that has any; what the folded documents contribute to the district's
    /// summaries is added to <paramref name="summaries"/> when given.
    /// </summary>
    /// <remarks>
    /// What the store holds of the batch's cases by case (their documents kept per case, audit entries and chain
    /// heads) is loaded first; then each case is folded and compared at once, so what folding it produces is
    /// garbage before the next case is folded (a batch's folded documents, held until all were loaded, outlived
    /// collection after collection). A case that writes documents by id is compared once those are loaded.
    /// </remarks>
    public async Task<Dictionary<Guid, IReadOnlyList<DocumentFinding>>> CheckAsync(IQuerySession session, IReadOnlyList<Case> cases,
        Core.Summaries.SummaryTally? summaries, CancellationToken ct)
    {
        var outside = new StoredFacts(session);
        var findings = new Dictionary<Guid, IReadOnlyList<DocumentFinding>>();
        var kindOf = new Dictionary<Guid, CaseKind>();
        foreach (var c in cases)
        {
            if (KindOf(c.Rows) is { } kind)
            {
                kindOf[c.CaseId] = kind;
            }
        }

        if (kindOf.Count == 0)
        {
            return findings;
        }

        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        var perCaseTypes = kindOf.Values.Distinct().SelectMany(k => k.Views.Select(v => v.Type).Append(k.StateType))
            .Append(typeof(Core.Service.CaseService)).ToHashSet();
        var stored = kindOf.Keys.ToDictionary(id => id, _ => new StoredCase());
        await LoadByCaseAsync(connection, session.TenantId, stored, perCaseTypes, ct);

        var later = new List<(DerivedCase Derived, Case Case)>();
        foreach (var c in cases)
        {
            if (!kindOf.ContainsKey(c.CaseId) || await DeriveAsync(c, outside, summaries, ct) is not { } d)
            {
                continue;
            }

            if (d.Written.Count > 0 || d.PerCase.Keys.Any(t => !perCaseTypes.Contains(t)))
            {
                later.Add((d, c));
            }
            else
            {
                Finish(d, c, stored[c.CaseId], findings);
            }
        }

        if (later.Count > 0)
        {
            await LoadWrittenAsync(connection, session.TenantId, later.ConvertAll(l => l.Derived), stored, perCaseTypes, ct);
            foreach (var (d, c) in later)
            {
                Finish(d, c, stored[c.CaseId], findings);
            }
        }

        return findings;
    }

    /// <summary>The kind of the case's events (of its first event whose type a kind declares), read from the type names alone.</summary>
    private CaseKind? KindOf(IReadOnlyList<ChainVerifier.StoredEvent> rows)
    {
        foreach (var row in rows)
        {
            if (_typing.TypeOf(row.Chained.Type) is { } type && kinds.ForEventType(type) is { } kind)
            {
                return kind;
            }
        }

        return null;
    }

    /// <summary>A case's events folded again, its decisions decided again, and what its documents contribute to the summaries.</summary>
    private async Task<DerivedCase?> DeriveAsync(Case c, IFactReader outside, Core.Summaries.SummaryTally? summaries, CancellationToken ct)
    {
        var events = new List<IEvent>(c.Rows.Count);
        foreach (var row in c.Rows)
        {
            if (_typing.ToEvent(row) is { } e)
            {
                events.Add(e);
            }
        }

        if (events.Count == 0 || await _rederivation.DeriveAsync(c.CaseId, events, outside, ct) is not { } d)
        {
            return null;
        }

        foreach (var (type, document) in d.PerCase)
        {
            summaries?.Add(kinds.SummariesOf(type), document, rules.UtcOffset);
        }

        return d;
    }

    /// <summary>What folding a case produced against what is stored of it, and its chain head against its chain; its findings, if any, kept.</summary>
    private void Finish(DerivedCase d, Case c, StoredCase held, Dictionary<Guid, IReadOnlyList<DocumentFinding>> findings)
    {
        _rederivation.Compare(d, held);
        if (held.Head is { } head && (head.Version != d.Version || head.Hash != c.Head))
        {
            d.Findings.Add(new DocumentFinding(DerivedDocument.KeyOf(typeof(ChainHead), d.CaseId.ToString("D")),
                "the chain head is not the chain's newest link", "version",
                d.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), head.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (d.Findings.Count > 0)
        {
            findings[d.CaseId] = d.Findings;
        }
    }

    /// <summary>
    /// What the store holds of these cases by case, as PostgreSQL holds it (JSON, read with plain SQL, so a
    /// document forged into a shape its class cannot read is still compared), in a few queries: the documents
    /// kept per case of the given types, the audit trail and the chain heads.
    /// </summary>
    private async Task LoadByCaseAsync(Npgsql.NpgsqlConnection connection, string district, Dictionary<Guid, StoredCase> stored, IEnumerable<Type> perCaseTypes,
        CancellationToken ct)
    {
        var ids = stored.Keys.ToArray();
        foreach (var type in perCaseTypes)
        {
            foreach (var (id, json, _) in await RowsAsync(connection, type, district, "id = any(@ids)", ids, ct))
            {
                stored[Guid.Parse(id)].PerCase[type] = json;
            }
        }

        // The entry's case as a column of its own, so the entries (one per event) are not parsed here a first time.
        foreach (var (id, json, caseId) in await RowsAsync(connection, typeof(AuditEntry), district, "cast(data ->> 'caseId' as uuid) = any(@ids)", ids, ct,
                     "data ->> 'caseId'"))
        {
            if (caseId is not null && Guid.TryParseExact(caseId, "D", out var owner) && stored.TryGetValue(owner, out var s))
            {
                s.Audit[Guid.Parse(id)] = json;
            }
        }

        foreach (var (id, json, _) in await RowsAsync(connection, typeof(ChainHead), district, "id = any(@ids)", ids, ct))
        {
            var s = stored[Guid.Parse(id)];
            s.Head = Read<ChainHead>(s, DerivedDocument.KeyOf(typeof(ChainHead), id), json);
        }
    }

    /// <summary>
    /// The documents these cases wrote by id and their digest records, and any document kept per case of a type
    /// not loaded with the rest (<paramref name="loaded"/>).
    /// </summary>
    private async Task LoadWrittenAsync(Npgsql.NpgsqlConnection connection, string district, IReadOnlyList<DerivedCase> cases,
        Dictionary<Guid, StoredCase> stored, HashSet<Type> loaded, CancellationToken ct)
    {
        foreach (var type in cases.SelectMany(c => c.PerCase.Keys).Where(t => !loaded.Contains(t)).Distinct())
        {
            foreach (var (id, json, _) in await RowsAsync(connection, type, district, "id = any(@ids)", cases.Select(c => c.CaseId).ToArray(), ct))
            {
                stored[Guid.Parse(id)].PerCase[type] = json;
            }
        }

        foreach (var group in cases.SelectMany(c => c.Written.Keys.Select(k => (c.CaseId, k.Type, k.Id))).GroupBy(w => w.Type))
        {
            var rows = (await RowsAsync(connection, group.Key, district, "id = any(@ids)", group.Select(w => w.Id).Distinct().ToArray(), ct))
                .ToDictionary(r => r.Id, r => r.Json);
            foreach (var (caseId, type, id) in group)
            {
                stored[caseId].Written[(type, id)] = rows.GetValueOrDefault(id);
            }
        }

        var keys = cases.SelectMany(c => c.Written.Keys.Select(k => DerivedDocument.KeyOf(k.Type, k.Id))).Distinct().ToArray();
        var records = keys.Length == 0 ? [] : (await RowsAsync(connection, typeof(VouchedDocument), district, "id = any(@ids)", keys, ct))
            .ToDictionary(r => r.Id, r => r.Json);
        foreach (var c in cases)
        {
            foreach (var (type, id) in c.Written.Keys)
            {
                var key = DerivedDocument.KeyOf(type, id);
                stored[c.CaseId].Records[key] = records.TryGetValue(key, out var json)
                    ? Read<VouchedDocument>(stored[c.CaseId], DerivedDocument.KeyOf(typeof(VouchedDocument), key), json)
                    : null;
            }
        }
    }

    /// <summary>The rows of a document type's table in the district that match, as (id, JSON as UTF-8: compared as it came, with no string made of it).</summary>
    private async Task<List<(string Id, byte[] Json, string? Extra)>> RowsAsync(Npgsql.NpgsqlConnection connection, Type type, string district, string where, Array values,
        CancellationToken ct, string? extra = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"select id::text, data::text{(extra is null ? "" : $", {extra}")} from {store.Options.FindOrResolveDocumentType(type).TableName.QualifiedName} " +
                              $"where tenant_id = @district and {where}";
        command.Parameters.Add(new Npgsql.NpgsqlParameter("district", district));
        command.Parameters.Add(new Npgsql.NpgsqlParameter("ids", values));
        var rows = new List<(string, byte[], string?)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetString(0), reader.GetFieldValue<byte[]>(1), extra is null || reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return rows;
    }

    /// <summary>A stored document read as its type; null, and the case told why, when its JSON no longer fits the type.</summary>
    private T? Read<T>(StoredCase stored, string key, byte[] json) where T : class
    {
        try
        {
            return _serializer.FromJson<T>(new MemoryStream(json, writable: false));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NotSupportedException)
        {
            stored.Unreadable[key] = e.Message;
            return null;
        }
    }

    /// <summary>Another case's documents as stored, for a recorded decision that read one as a fact.</summary>
    private sealed class StoredFacts(IQuerySession session) : IFactReader
    {
        public async Task<T?> LoadAsync<T>(string id, CancellationToken ct) where T : class => await session.LoadAsync<T>(id, ct);

        public async Task<T?> LoadAsync<T>(Guid id, CancellationToken ct) where T : class => await session.LoadAsync<T>(id, ct);
    }
}
