using System.Text.Json.Nodes;
using CaseLedger.Audit;
using CaseLedger.Core;
using CaseLedger.Core.Vouching;
using CaseLedger.IntegrationTests.Infrastructure;
using CaseLedger.Scenarios;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace CaseLedger.IntegrationTests.Audit.Tampering;

/// <summary>
/// A district of its own with a case of every kind, written through the host's pipeline: a small
/// closed vote (one ballot cast by proxy staff), and from the demo data a certificate, a co-funded
/// project, two infertility claims of one household (its totals held across both), a property
/// registration with a partner bank's step, a work order handed over with its deadlines, and a port
/// visa. It keeps the receipt each case's last write was answered with, and can seal the district.
/// </summary>
public sealed class TamperBase
{
    public static readonly Guid Certificate = Guid.Parse("0193a1c0-0001-7000-8000-000000000001");
    public static readonly Guid CoFunded = Guid.Parse("0190c9a0-0000-7000-8000-000000000101");
    public static readonly Guid FirstClaim = Guid.Parse("0195b500-0000-7000-8000-000000000006");
    public static readonly Guid SecondClaim = Guid.Parse("0195b500-0000-7000-8000-000000000007");
    public static readonly Guid Registration = Guid.Parse("0195b000-0000-7000-8000-000000000602");
    public static readonly Guid WorkOrder = Guid.Parse("0195a000-0000-7000-8000-000000000001");
    public static readonly Guid Visa = Guid.Parse("0196b000-0000-7000-8000-000000000001");

    private readonly Ledger _ledger;
    private readonly Dictionary<Guid, WriteReceipt> _receipts = [];

    private TamperBase(Ledger ledger, string district)
    {
        _ledger = ledger;
        District = district;
    }

    public string District { get; }

    /// <summary>The vote: opened, three ballots (the second by proxy staff for O2), closed: versions 1 to 5.</summary>
    public Guid Vote { get; private set; }

    /// <summary>Every case of the district.</summary>
    public IReadOnlyList<Guid> Cases => [Vote, Certificate, CoFunded, FirstClaim, SecondClaim, Registration, WorkOrder, Visa];

    /// <summary>The receipt the case's last write was answered with.</summary>
    public WriteReceipt ReceiptOf(Guid caseId) => _receipts[caseId];

    public static async Task<TamperBase> CreateAsync(Ledger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var set = new TamperBase(ledger, ledger.NewDistrictToTamperWith("tampered"));
        await set.LoadAsync();
        return set;
    }

    private async Task LoadAsync()
    {
        var pipeline = _ledger.Host.Services.GetRequiredService<CasePipeline>();
        Vote = await SampleCases.DecidedVoteAsync(_ledger, District);
        await using (var session = _ledger.Store.QuerySession(District))
        {
            var newest = await session.Query<IssuedReceipt>().Where(r => r.CaseId == Vote).OrderByDescending(r => r.Version).FirstAsync();
            _receipts[Vote] = newest.Receipt;
        }

        var seeds = Path.Combine(LedgerHost.RepositoryRoot(), "seeds");
        var wanted = Cases.Skip(1).ToHashSet();
        foreach (var file in Directory.GetFiles(seeds, "*.json", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}rules", StringComparison.Ordinal)))
        {
            var seed = await Seeds.ReadAsync(file);
            foreach (var seeded in seed.Cases.Where(c => wanted.Contains(c.Id)))
            {
                await Seeds.LoadCaseAsync(async (request, ct) =>
                    {
                        var outcome = await pipeline.ExecuteAsync(request, ct);
                        if (outcome.Receipt is { } receipt)
                        {
                            _receipts[request.CaseId] = receipt;
                        }

                        return outcome;
                    },
                    async (district, caseId, until, ct) => await pipeline.PassTimeAsync(district, until, [caseId], ct),
                    pipeline.Kinds, District, seeded, file, default);
            }
        }
    }

    /// <summary>Seals the district, as the periodic sealer would.</summary>
    public Task SealAsync() => _ledger.SealAsync(District);

    /// <summary>Runs SQL against the store with <c>@id</c> (<paramref name="caseId"/>) and <c>@district</c> bound; returns the rows it changed.</summary>
    public Task<int> SqlAsync(string sql, Guid caseId) => _ledger.ExecuteSqlAsync(sql, ("id", caseId), ("district", District));

    /// <summary>
    /// Forges one stored document of <paramref name="type"/> (by its id, <paramref name="id"/>): its
    /// first number member, else its first text member but its id, is set to another value, as someone
    /// editing the row by hand would.
    /// </summary>
    public async Task ForgeAsync(Type type, string id)
    {
        ArgumentNullException.ThrowIfNull(type);
        var table = _ledger.Store.Options.FindOrResolveDocumentType(type).TableName.QualifiedName;
        await using var connection = new Npgsql.NpgsqlConnection(_ledger.ConnectionString);
        await connection.OpenAsync();
        string json;
        await using (var read = new Npgsql.NpgsqlCommand($"select data::text from {table} where id::text = @id and tenant_id = @district", connection))
        {
            read.Parameters.AddWithValue("id", id);
            read.Parameters.AddWithValue("district", District);
            json = (string?)await read.ExecuteScalarAsync() ?? throw new InvalidOperationException($"No {type.Name} {id} in {District}.");
        }

        var document = JsonNode.Parse(json)!.AsObject();
        var (name, value) = document.FirstOrDefault(m => m.Value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number) is { Key: not null } number
            ? (number.Key, (JsonNode)JsonValue.Create(number.Value!.GetValue<decimal>() + 1000))
            : document.First(m => m.Key != "id" && m.Value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String) is var text
                ? (text.Key, JsonValue.Create(text.Value!.GetValue<string>() + " (forged)"))
                : throw new InvalidOperationException($"{type.Name} has nothing to forge.");
        document[name] = value;
        await using var write = new Npgsql.NpgsqlCommand($"update {table} set data = @data::jsonb where id::text = @id and tenant_id = @district", connection);
        write.Parameters.AddWithValue("data", document.ToJsonString());
        write.Parameters.AddWithValue("id", id);
        write.Parameters.AddWithValue("district", District);
        (await write.ExecuteNonQueryAsync()).ShouldBe(1);
    }

    public async Task<CaseVerification> VerifyAsync(Guid caseId) => (await _ledger.VerifyCaseAsync(District, caseId)).ShouldNotBeNull();

    public Task<DistrictVerification> VerifyDistrictAsync() => _ledger.VerifyDistrictAsync(District);

    /// <summary>The receipt of the case's last write, checked against the store now.</summary>
    public Task<ReceiptCheck> CheckReceiptAsync(Guid caseId) => Receipts.CheckAsync(_ledger.Store, _ledger.Sealing.Trusted, ReceiptOf(caseId));
}
