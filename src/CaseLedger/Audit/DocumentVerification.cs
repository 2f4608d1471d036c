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
    public async Task<Dictionary<Guid, IReadOnlyList<DocumentFinding>>> CheckAsync(IQuerySession session, IReadOnlyList<Case> cases,
        Core.Summaries.SummaryTally? summaries, CancellationToken ct)
    {
        var outside = new StoredFacts(session);
        var derived = new List<(DerivedCase Derived, Case Case)>();
        foreach (var c in cases)
        {
            var events = c.Rows.Select(_typing.ToEvent).OfType<IEvent>().ToList();
            if (events.Count > 0 && await _rederivation.DeriveAsync(c.CaseId, events, outside, ct) is { } d)
            {
                derived.Add((d, c));
                foreach (var (type, document) in d.PerCase)
                {
                    summaries?.Add(kinds.SummariesOf(type), document, rules.UtcOffset);
                }
            }
        }

        var stored = await LoadAsync(session.TenantId, derived.Select(d => d.Derived).ToList(), ct);
        var findings = new Dictionary<Guid, IReadOnlyList<DocumentFinding>>();
        foreach (var (d, c) in derived)
        {
            var held = stored[d.CaseId];
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

        return findings;
    }

    /// <summary>
    /// What the store holds of these cases, as PostgreSQL holds it (JSON, read with plain SQL, so a
    /// document forged into a shape its class cannot read is still compared), in a few queries: the
    /// documents by type, the digest records, the audit trail and the chain heads.
    /// </summary>
    private async Task<Dictionary<Guid, StoredCase>> LoadAsync(string district, IReadOnlyList<DerivedCase> cases, CancellationToken ct)
    {
        var stored = cases.ToDictionary(c => c.CaseId, _ => new StoredCase());
        var ids = cases.Select(c => c.CaseId).ToArray();
        if (ids.Length == 0)
        {
            return stored;
        }

        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        var perCaseTypes = cases.SelectMany(c => c.PerCase.Keys.Append(c.Kind.StateType).Concat(c.Kind.Views.Select(v => v.Type)))
            .Append(typeof(Core.Service.CaseService)).Distinct();
        foreach (var type in perCaseTypes)
        {
            foreach (var (id, json, _) in await RowsAsync(connection, type, district, "id = any(@ids)", ids, ct))
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

        return stored;
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
