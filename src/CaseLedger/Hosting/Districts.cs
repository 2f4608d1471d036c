using System.Collections.Concurrent;
using CaseLedger.Core;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace CaseLedger.Hosting;

/// <summary>A district the deployment serves: the Marten tenant its cases, documents and seals live in.</summary>
public sealed record DistrictRecord
{
    /// <summary>The district id, as URLs and tokens name it (<c>yuelu</c>).</summary>
    public string Id { get; init; } = "";

    public string Name { get; init; } = "";

    public DateTimeOffset RegisteredAt { get; init; }
}

/// <summary>
/// The districts this deployment knows. A district is set up by an administrator (or listed in
/// configuration under <c>CaseLedger:Districts</c>, or brought by the seeds); naming an unknown one in a
/// URL does not create it. Lookups are cached; an unknown id is asked about again after a few seconds.
/// </summary>
public sealed class DistrictRegistry(IDocumentStore store, TimeProvider clock)
{
    private static readonly TimeSpan UnknownFor = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, bool> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _unknownSince = new(StringComparer.Ordinal);

    public async Task<bool> IsKnownAsync(string district, CancellationToken ct = default)
    {
        if (!CommandPipeline.IsDistrictId(district))
        {
            return false;
        }

        if (_known.ContainsKey(district))
        {
            return true;
        }

        if (_unknownSince.TryGetValue(district, out var since) && clock.GetUtcNow() - since < UnknownFor)
        {
            return false;
        }

        await using var session = store.QuerySession();
        if (await session.LoadAsync<DistrictRecord>(district, ct) is not null)
        {
            _known[district] = true;
            _unknownSince.TryRemove(district, out _);
            return true;
        }

        _unknownSince[district] = clock.GetUtcNow();
        return false;
    }

    /// <summary>The districts set up among those named (a token's grants), by id: as many as the token grants, never the whole registry.</summary>
    public async Task<IReadOnlyList<DistrictRecord>> AmongAsync(IReadOnlyCollection<string> districts, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(districts);
        await using var session = store.QuerySession();
        var ids = districts.ToArray();
        return (await session.Query<DistrictRecord>().Where(d => d.Id.IsOneOf(ids)).OrderBy(d => d.Id).ToListAsync(ct)).ToList();
    }

    /// <summary>Every district set up, by id.</summary>
    public async Task<IReadOnlyList<DistrictRecord>> AllAsync(CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        return (await session.Query<DistrictRecord>().OrderBy(d => d.Id).ToListAsync(ct)).ToList();
    }

    /// <summary>Sets a district up; returns false when it was set up already (nothing changes then).</summary>
    public async Task<bool> RegisterAsync(string district, string name, CancellationToken ct = default)
    {
        if (!CommandPipeline.IsDistrictId(district))
        {
            throw new ArgumentException($"'{district}' is not a district id: lower-case letters, digits and dashes.", nameof(district));
        }

        await using var session = store.LightweightSession();
        if (await session.LoadAsync<DistrictRecord>(district, ct) is not null)
        {
            _known[district] = true;
            return false;
        }

        session.Insert(new DistrictRecord { Id = district, Name = name, RegisteredAt = clock.GetUtcNow() });
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (JasperFx.DocumentAlreadyExistsException)
        {
            // Set up at the same moment by another request: it exists, which is what was asked.
            _known[district] = true;
            return false;
        }

        _known[district] = true;
        _unknownSince.TryRemove(district, out _);
        return true;
    }
}

/// <summary>
/// Sets up, when the host starts, the districts listed in configuration (<c>CaseLedger:Districts:0=yuelu</c>,
/// ...) and any district that already holds cases (a store written before districts were set up).
/// </summary>
internal sealed class ConfiguredDistricts(DistrictRegistry registry, IDocumentStore store, IConfiguration configuration) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configured = configuration.GetSection("CaseLedger:Districts").GetChildren().Select(c => c.Value).OfType<string>();
        foreach (var district in configured.Concat(await Audit.DistrictSeals.DistrictsAsync(store, cancellationToken)).Distinct(StringComparer.Ordinal))
        {
            await registry.RegisterAsync(district, district, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
