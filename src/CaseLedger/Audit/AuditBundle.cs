using System.Text.Json;
using System.Text.Json.Nodes;
using CaseLedger.Core;
using CaseLedger.Rules;
using Marten;

namespace CaseLedger.Audit;

/// <summary>
/// A case exported for an auditor: its events with their metadata, the chain links, the latest signed
/// district seal with the proof that it covers the case, and the rule versions its decisions used. Verifiable with no
/// database and no network; the format is documented in docs/audit-bundle.md.
/// </summary>
public sealed record AuditBundle(
    string Format,
    BundleCase Case,
    IReadOnlyList<BundleEvent> Events,
    IReadOnlyList<BundleLink> Links,
    string Head,
    BundleSeal? Seal,
    IReadOnlyList<BundleRule> Rules)
{
    /// <summary>v3: each event carries every header it was chained with, each link the format it was made in.</summary>
    public const string CurrentFormat = "caseledger-bundle-v3";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>
    /// The case's documents kept per case as the ledger stored them when the bundle was exported (its
    /// state, read models and service record, by type name), so an offline check can fold the events
    /// again and compare; absent from bundles of earlier exports.
    /// </summary>
    public JsonObject? Documents { get; init; }
}

public sealed record BundleCase(Guid Id, string District, string? Kind);

public sealed record BundleEvent(
    long Version,
    long Sequence,
    Guid EventId,
    string Type,
    string Time,
    string? Actor,
    string? OnBehalfOf,
    string? Channel,
    string? Rule,
    string? CorrelationId,
    string? CausationId,
    JsonElement Data)
{
    /// <summary>The role the actor acted in (absent on events recorded before roles were kept).</summary>
    public string? Role { get; init; }

    /// <summary>The issuer of the actor's token, when there was one.</summary>
    public string? Issuer { get; init; }

    /// <summary>Every header of the event, as stored (chained whole in the v3 link format); absent when it had none.</summary>
    public JsonElement? Headers { get; init; }
}

/// <summary>One link of the case's chain, with the format it was made in (empty for links made before formats were recorded: v1 or v2).</summary>
public sealed record BundleLink(long Version, string Previous, string Hash)
{
    public string Format { get; init; } = "";
}

/// <summary>
/// The latest signed seal, and the proof that it covers the case: the case's newest sealed link is
/// leaf <paramref name="LeafIndex"/> of the seal's log, and <paramref name="Inclusion"/> leads from it to the root.
/// </summary>
public sealed record BundleSeal(SealFile File, long LeafIndex, long SealedVersion, string SealedHash, IReadOnlyList<string> Inclusion);

public sealed record BundleRule(string Id, string Version, string Title, string EffectiveFrom, JsonObject Parameters);

/// <summary>What an offline check of a bundle found.</summary>
public sealed record BundleVerification(bool Valid, IReadOnlyList<string> Problems, string? Head, string? SealRoot, long? SealNumber)
{
    /// <summary>The newest version the seal covers; later versions are proved by the chain alone.</summary>
    public long? SealedVersion { get; init; }

    /// <summary>The key the seal was signed with (its fingerprint).</summary>
    public string? KeyId { get; init; }
}

public static class AuditBundles
{
    /// <summary>Exports a case from the store as it is now; null when the district has no such case.</summary>
    public static async Task<AuditBundle?> ExportAsync(IDocumentStore store, Core.CaseKinds kinds, RuleBook rules, string district, Guid caseId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(rules);
        var rows = await ChainVerifier.ReadEventsAsync(store, district, caseId, ct);
        if (rows.Count == 0)
        {
            return null;
        }

        await using var session = store.QuerySession(district);
        var state = await session.Events.FetchStreamStateAsync(caseId, ct);
        var links = (await session.Query<ChainLink>().Where(l => l.CaseId == caseId).ToListAsync(ct)).OrderBy(l => l.Version)
            .Select(l => new BundleLink(l.Version, l.Previous, l.Hash) { Format = l.Format }).ToList();
        var events = rows.Select(r => new BundleEvent(r.Chained.Version, r.Sequence, r.Id, r.Chained.Type, ChainHashing.FormatTime(r.Chained.Time),
            r.Chained.Actor, r.Chained.OnBehalfOf, r.Chained.Channel, r.Chained.Rule, r.Chained.CorrelationId, r.Chained.CausationId,
            JsonDocument.Parse(CanonicalJson.Canonicalize(r.Chained.DataJson)).RootElement.Clone())
        {
            Role = r.Chained.Role,
            Issuer = r.Chained.Issuer,
            Headers = r.Chained.Headers is { } headers ? JsonDocument.Parse(CanonicalJson.Canonicalize(headers)).RootElement.Clone() : null,
        }).ToList();

        BundleSeal? seal = null;
        if (await DistrictSeals.LatestAsync(session, ct) is { } latest && await session.LoadAsync<SealCursor>(caseId, ct) is { } cursor
            && cursor.LeafIndex < latest.File.Statement.TreeSize)
        {
            IReadOnlyList<string> inclusion;
            try
            {
                inclusion = await DistrictSeals.InclusionProofAsync(session, district, cursor.LeafIndex, latest.File.Statement.TreeSize, ct);
            }
            catch (MerkleNodeMissingException)
            {
                // A damaged log gives no proof: the bundle says so by failing its check, rather than by leaving the seal out.
                inclusion = [];
            }

            seal = new BundleSeal(latest.File, cursor.LeafIndex, cursor.Version, cursor.Link, inclusion);
        }

        var used = events.Select(e => e.Rule).OfType<string>().Distinct(StringComparer.Ordinal)
            .Select(text => text.Split('@', 2))
            .Where(parts => parts.Length == 2)
            .Select(parts => TryGet(rules, parts[0], parts[1]))
            .OfType<RuleVersion>()
            .Select(v => new BundleRule(v.Id, v.Version, v.Title, v.EffectiveFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), v.Parameters))
            .ToList();
        var kind = kinds.ForStateType(state?.AggregateType);
        var documents = new JsonObject();
        if (kind is not null)
        {
            var serializer = store.Options.Serializer();
            foreach (var type in kind.Views.Select(v => v.Type).Append(kind.StateType).Append(typeof(Core.Service.CaseService)).Distinct())
            {
                if (await LoadAsync(session, type, caseId, ct) is { } document)
                {
                    documents[type.Name] = JsonNode.Parse(CanonicalJson.Canonicalize(serializer.ToJson(document)));
                }
            }
        }

        return new AuditBundle(AuditBundle.CurrentFormat, new BundleCase(caseId, district, kind?.Name),
            events, links, links.Count == 0 ? ChainHashing.Genesis : links[^1].Hash, seal, used)
        {
            Documents = documents,
        };
    }

    private static async Task<object?> LoadAsync(IQuerySession session, Type type, Guid id, CancellationToken ct) =>
        await (Task<object?>)typeof(AuditBundles).GetMethod(nameof(LoadTypedAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(type).Invoke(null, [session, id, ct])!;

    private static async Task<object?> LoadTypedAsync<T>(IQuerySession session, Guid id, CancellationToken ct) where T : class =>
        await session.LoadAsync<T>(id, ct);

    /// <summary>
    /// Folds a bundle's events again with these kinds and compares what they produce with the documents
    /// the bundle carries, and decides its recorded decisions again (those that read another case are
    /// left alone: the bundle holds one case). Problems in the words verification uses.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RederiveAsync(AuditBundle bundle, CaseKinds kinds, RuleBook rules, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(kinds);
        var serializer = StoreJson.Create();
        var typing = new EventTyping(kinds, serializer);
        var events = bundle.Events.OrderBy(e => e.Version).Select(e => typing.ToEvent(new ChainVerifier.StoredEvent(e.Sequence, e.EventId,
            new ChainedEvent(bundle.Case.Id, bundle.Case.District, e.Version, e.Type,
                DateTimeOffset.Parse(e.Time, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal),
                e.Actor, e.OnBehalfOf, e.Channel, e.Rule, e.CorrelationId, e.CausationId, e.Data.GetRawText())
            {
                Headers = e.Headers?.GetRawText(),
                Sequence = e.Sequence,
            }))).OfType<JasperFx.Events.IEvent>().ToList();
        var rederivation = new Rederivation(kinds, rules, serializer);
        if (await rederivation.DeriveAsync(bundle.Case.Id, events, null, ct) is not { } derived)
        {
            return [];
        }

        var stored = new StoredCase();
        foreach (var type in derived.Kind.Views.Select(v => v.Type).Append(derived.Kind.StateType).Append(typeof(Core.Service.CaseService)).Distinct())
        {
            stored.PerCase[type] = bundle.Documents?[type.Name] is { } document ? System.Text.Encoding.UTF8.GetBytes(document.ToJsonString()) : null;
        }

        rederivation.ComparePerCase(derived, stored);
        return derived.Findings.Select(f => $"{f.Document}: {f.What}" + (f.Member is { } member ? $" at {member}: the events produce {f.Expected ?? "nothing"}, the bundle holds {f.Found ?? "nothing"}" : ""))
            .ToList();
    }

    /// <summary>
    /// The bundle's events as the chain covers them, in version order, each with the format its link
    /// was made in (a link that records none is v2 when its event records a role, else v1).
    /// </summary>
    public static IReadOnlyList<(ChainedEvent Event, string Format)> Chained(AuditBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var formats = bundle.Links.GroupBy(l => l.Version).ToDictionary(g => g.Key, g => g.First().Format);
        return bundle.Events.OrderBy(e => e.Version).Select(e =>
        {
            var time = DateTimeOffset.Parse(e.Time, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
            var chained = new ChainedEvent(bundle.Case.Id, bundle.Case.District, e.Version, e.Type, time, e.Actor, e.OnBehalfOf, e.Channel, e.Rule,
                e.CorrelationId, e.CausationId, e.Data.GetRawText())
            {
                Role = e.Role,
                Issuer = e.Issuer,
                Headers = e.Headers?.GetRawText(),
                Sequence = e.Sequence,
            };
            var format = formats.GetValueOrDefault(e.Version) is { Length: > 0 } recorded ? recorded
                : e.Role is null ? ChainHashing.FormatWithoutRoles : ChainHashing.FormatWithRoles;
            return (chained, format);
        }).ToList();
    }

    /// <summary>
    /// Checks a bundle on its own: the chain from its events, its links, and, when it carries a seal,
    /// the seal's signature by one of <paramref name="trusted"/> (the public keys the auditor holds)
    /// and the proof that the seal covers the case.
    /// </summary>
    public static BundleVerification Verify(AuditBundle bundle, IReadOnlyCollection<SealKey> trusted)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(trusted);
        var problems = new List<string>();
        if (bundle.Format != AuditBundle.CurrentFormat)
        {
            return new BundleVerification(false, [$"unknown bundle format '{bundle.Format}', expected '{AuditBundle.CurrentFormat}'"], null, null, null);
        }

        var previous = ChainHashing.Genesis;
        var recomputed = new Dictionary<long, string>();
        var expectedVersion = 1L;
        foreach (var (chained, format) in Chained(bundle))
        {
            if (chained.Version != expectedVersion)
            {
                problems.Add($"version {expectedVersion} is missing from the events");
                break;
            }

            previous = ChainHashing.Link(previous, chained, format);
            recomputed[chained.Version] = previous;
            expectedVersion++;
        }

        // The first link that differs is the edit; every later link differs because of it.
        var differing = bundle.Links.Where(l => !recomputed.TryGetValue(l.Version, out var h) || h != l.Hash).OrderBy(l => l.Version).ToList();
        if (differing.Count > 0)
        {
            var first = differing[0];
            problems.Add(recomputed.TryGetValue(first.Version, out var hash)
                ? $"version {first.Version}: the recomputed link {hash[..16]}… differs from the recorded {first.Hash[..16]}… " +
                  $"(the event at this version, or its metadata, was changed; {differing.Count - 1} later link(s) differ as a result)"
                : $"link {first.Version} has no event");
        }

        if (bundle.Links.Count != recomputed.Count)
        {
            problems.Add($"{recomputed.Count} events but {bundle.Links.Count} links");
        }

        if (recomputed.Count > 0 && bundle.Head != recomputed[recomputed.Keys.Max()])
        {
            problems.Add("the head differs from the last recomputed link");
        }

        if (bundle.Seal is { } seal)
        {
            var statement = seal.File.Statement;
            if (!recomputed.TryGetValue(seal.SealedVersion, out var atSeal) || atSeal != seal.SealedHash)
            {
                problems.Add($"the chain at version {seal.SealedVersion} does not match what seal {statement.Number} covered");
            }

            if (statement.District != bundle.Case.District)
            {
                problems.Add($"the seal is of district {statement.District}, the case of {bundle.Case.District}");
            }

            if (SealFiles.CheckSignature(seal.File, trusted) is { } unsigned)
            {
                problems.Add(unsigned);
            }

            var proof = seal.Inclusion.Select(MerkleLog.FromHex).ToList();
            var leaf = MerkleLog.LeafHash(bundle.Case.District, bundle.Case.Id, seal.SealedVersion, seal.SealedHash);
            if (proof.Any(p => p is null) || MerkleLog.FromHex(statement.Root) is not { } root
                || !MerkleLog.VerifyInclusion(seal.LeafIndex, statement.TreeSize, leaf, proof!, root))
            {
                problems.Add($"the inclusion proof does not lead from version {seal.SealedVersion} (leaf {seal.LeafIndex}) to seal {statement.Number}'s root");
            }
        }

        return new BundleVerification(problems.Count == 0, problems, recomputed.Count == 0 ? null : recomputed[recomputed.Keys.Max()],
            bundle.Seal?.File.Statement.Root, bundle.Seal?.File.Statement.Number)
        {
            SealedVersion = bundle.Seal?.SealedVersion,
            KeyId = bundle.Seal?.File.Statement.KeyId,
        };
    }

    private static RuleVersion? TryGet(RuleBook rules, string id, string version)
    {
        try
        {
            return rules.Get(id, version);
        }
        catch (RuleNotFoundException)
        {
            return null;
        }
    }
}
