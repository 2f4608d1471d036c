using System.Security.Cryptography;
using System.Text;
using CaseLedger.Audit;
using Microsoft.Extensions.Configuration;

namespace CaseLedger.Tests.Audit;

// Seal statements, their signatures, and the checks an auditor makes on seal files with no database:
// the canonical form the signature covers, keys from PEM, the chain of seals, the witness folder.
public sealed class when_a_seal_is_signed : IDisposable
{
    private readonly SealKey _key = SealKey.Generate();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"caseledger-seal-tests-{Guid.NewGuid():N}");

    public void Dispose()
    {
        _key.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static List<byte[]> Leaves(int n) => Enumerable.Range(0, n).Select(i => MerkleLog.LeafHash("yuelu", Guid.Empty, i + 1, new string('0', 64))).ToList();

    /// <summary>A log's seals at the given sizes, each signed and carrying its consistency proof from the one before.</summary>
    private List<SealFile> Seals(params int[] sizes)
    {
        var leaves = Leaves(sizes.Max());
        MerkleLog.CompleteSubtree nodes = (level, index) => MerkleLog.Root(leaves.Skip((int)(index << level)).Take(1 << level).ToList());
        var seals = new List<SealFile>();
        for (var i = 0; i < sizes.Length; i++)
        {
            var previous = i == 0 ? null : seals[i - 1].Statement;
            var statement = new SealStatement(SealStatement.CurrentFormat, "yuelu", i + 1, "2026-11-22T08:00:00.000000Z", sizes[i],
                MerkleLog.Hex(MerkleLog.Root(leaves.Take(sizes[i]).ToList())), previous?.Reference, sizes[i] - (previous?.TreeSize ?? 0), _key.KeyId);
            seals.Add(SealFile.Sign(statement, _key,
                [.. MerkleLog.ConsistencyProof(previous?.TreeSize ?? 0, sizes[i], nodes).Select(MerkleLog.Hex)]));
        }

        return seals;
    }

    [Fact]
    public void the_signature_covers_the_statement_in_canonical_form()
    {
        var statement = new SealStatement(SealStatement.CurrentFormat, "yuelu", 7, "2026-11-22T21:59:12.819357Z", 911, new string('a', 64),
            new SealReference(6, 899, new string('b', 64)), 12, "k1");

        var text = Encoding.UTF8.GetString(statement.CanonicalBytes());

        text.ShouldBe("{\"district\":\"yuelu\",\"format\":\"caseledger-seal-v2\",\"keyId\":\"k1\",\"newLinks\":12,\"number\":7," +
                      $"\"previous\":{{\"number\":6,\"root\":\"{new string('b', 64)}\",\"treeSize\":899}},\"root\":\"{new string('a', 64)}\"," +
                      "\"sealedAt\":\"2026-11-22T21:59:12.819357Z\",\"treeSize\":911}");
        Encoding.UTF8.GetString((statement with { Previous = null }).CanonicalBytes()).ShouldContain("\"previous\":null,");
    }

    [Fact]
    public void a_seal_checks_out_with_its_public_key_and_not_with_another_or_once_changed()
    {
        var seal = Seals(5)[0];
        using var publicKey = _key.PublicOnly();
        using var another = SealKey.Generate();

        SealFiles.CheckSignature(seal, [publicKey]).ShouldBeNull();
        ECDsa.Create().Tap(k => k.ImportFromPem(publicKey.PublicKeyPem))
            .VerifyData(seal.Statement.CanonicalBytes(), Convert.FromBase64String(seal.Signature), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
            .ShouldBeTrue("a DER signature over SHA-256, as openssl checks it");
        SealFiles.CheckSignature(seal, [another]).ShouldNotBeNull().ShouldContain("not with the key given");
        SealFiles.CheckSignature(seal, []).ShouldNotBeNull().ShouldContain("no public key was given");
        SealFiles.CheckSignature(seal with { Statement = seal.Statement with { TreeSize = 4 } }, [publicKey]).ShouldNotBeNull().ShouldContain("signature does not match");
        SealFiles.CheckSignature(seal with { Statement = seal.Statement with { SealedAt = "2026-11-23T08:00:00.000000Z" } }, [publicKey]).ShouldNotBeNull();
        SealFiles.CheckSignature(seal with { Signature = "not base64!" }, [publicKey]).ShouldNotBeNull().ShouldContain("not base64");
        SealFiles.CheckSignature(seal with { Statement = seal.Statement with { Root = "ABC" } }, [publicKey]).ShouldNotBeNull().ShouldContain("hex");
    }

    [Fact]
    public void a_public_key_only_checks_and_a_key_off_the_p256_curve_is_refused()
    {
        using var publicKey = SealKey.FromPem(_key.PublicKeyPem);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);

        publicKey.CanSign.ShouldBeFalse();
        publicKey.KeyId.ShouldBe(_key.KeyId);
        publicKey.KeyId.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Convert.FromBase64String(
            string.Concat(_key.PublicKeyPem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)))))));
        Should.Throw<InvalidOperationException>(() => publicKey.Sign([1, 2, 3]));
        Should.Throw<SealKeyException>(() => SealKey.FromPem(p384.ExportPkcs8PrivateKeyPem())).Message.ShouldContain("P-256");
        Should.Throw<SealKeyException>(() => SealKey.FromPem(rsa.ExportPkcs8PrivateKeyPem()));
        Should.Throw<SealKeyException>(() => SealKey.FromPem("no key here"));
    }

    [Fact]
    public void each_seal_extends_the_one_before_and_a_replaced_or_shrunk_one_does_not()
    {
        var seals = Seals(3, 8, 13);
        using var publicKey = _key.PublicOnly();

        SealFiles.CheckExtends(seals[0], seals[1]).ShouldBeNull();
        SealFiles.CheckExtends(seals[1], seals[2]).ShouldBeNull();
        SealFiles.CheckExtends(seals[0], seals[2]).ShouldNotBeNull().ShouldContain("not consecutive");
        var replaced = seals[0] with { Statement = seals[0].Statement with { Root = new string('c', 64) } };
        SealFiles.CheckExtends(replaced, seals[1]).ShouldNotBeNull().ShouldContain("was replaced");
        var shrunk = seals[1] with { Statement = seals[1].Statement with { TreeSize = 2 } };
        SealFiles.CheckExtends(seals[0], shrunk).ShouldNotBeNull().ShouldContain("sealed history was removed");
        var check = SealFiles.CheckChain(seals, [publicKey]);
        check.Valid.ShouldBeTrue(string.Join("; ", check.Problems));
        check.Latest.ShouldBe(seals[2].Statement);
    }

    [Fact]
    public void a_set_of_seal_files_with_a_restarted_log_or_a_forged_proof_does_not_check_out()
    {
        var seals = Seals(3, 8);
        var restarted = SealFile.Sign(seals[1].Statement with { Previous = null }, _key, []);
        var forgedProof = seals[1] with { Consistency = [.. seals[1].Consistency.Select(_ => new string('d', 64))] };

        SealFiles.CheckChain([seals[0], restarted], [_key]).Problems.ShouldHaveSingleItem().ShouldContain("starts a new log");
        SealFiles.CheckChain([seals[0], forgedProof], [_key]).Problems.ShouldHaveSingleItem().ShouldContain("does not extend seal 1");
        SealFiles.CheckChain([.. seals, Seals(3)[0] with { Statement = seals[0].Statement with { District = "kaifu" } }], [_key]).Valid.ShouldBeFalse();
    }

    [Fact]
    public void a_seal_file_reads_back_as_written_and_one_with_a_missing_member_is_not_a_seal()
    {
        var seal = Seals(4)[0];

        var (read, problem) = SealFile.Parse(seal.ToJson());
        var (missing, why) = SealFile.Parse("{\"statement\":{\"format\":\"caseledger-seal-v2\"},\"signature\":\"\",\"consistency\":[]}");

        problem.ShouldBeNull();
        read!.Statement.ShouldBe(seal.Statement);
        read.Signature.ShouldBe(seal.Signature);
        missing.ShouldBeNull();
        why.ShouldNotBeNull().ShouldStartWith("it is not a seal file");
    }

    [Fact]
    public void the_witness_folder_writes_a_seal_once_and_refuses_a_different_one_under_its_number()
    {
        var witness = new SealWitnessFolder(_folder);
        var seals = Seals(3, 8);
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(_folder, "yuelu")).FullName, "notes.txt"), "not a seal");

        var path = witness.Publish(seals[0]);
        witness.Publish(seals[0]).ShouldBe(path);
        witness.Publish(seals[1]);

        path.ShouldBe(Path.Combine(_folder, "yuelu", "1.json"));
        witness.List("yuelu").Select(f => f.Number).ShouldBe([1, 2]);
        Should.Throw<SealsDivergedException>(() => witness.Publish(SealFile.Sign(seals[0].Statement with { SealedAt = "2027-01-01T00:00:00.000000Z" }, _key, [])));
        SealWitnessFolder.Read(path).Seal!.Signature.ShouldBe(seals[0].Signature);
        Should.Throw<ArgumentException>(() => witness.PathFor("../etc", 1));
    }

    [Fact]
    public void sealing_reads_its_key_folder_and_interval_from_configuration()
    {
        using var earlier = SealKey.Generate();
        using var secret = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var fromSecretStore = SealKey.FromPem(secret.ExportPkcs8PrivateKeyPem());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CaseLedger:Sealing:Interval"] = "00:00:05",
            ["CaseLedger:Sealing:EarlierPublicKeys:0"] = earlier.PublicKeyPem,
        }).Build();

        var sealing = Sealing.From(configuration, _folder);
        var again = Sealing.From(configuration, _folder);
        var fromPem = Sealing.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CaseLedger:Sealing:Key"] = secret.ExportPkcs8PrivateKeyPem(),
            ["CaseLedger:Sealing:WitnessFolder"] = Path.Combine(_folder, "elsewhere"),
        }).Build(), dataFolder: null);

        sealing.Interval.ShouldBe(TimeSpan.FromSeconds(5));
        sealing.KeyFile.ShouldBe(Path.Combine(_folder, "sealing", "seal-key.pem"));
        again.Key.KeyId.ShouldBe(sealing.Key.KeyId, "the key made on first use is kept and used again");
        sealing.Trusted.Select(k => k.KeyId).ShouldBe([sealing.Key.KeyId, earlier.KeyId]);
        sealing.Witness.Folder.ShouldBe(Path.Combine(_folder, "seals"));
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(sealing.KeyFile!).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        fromPem.Key.KeyId.ShouldBe(fromSecretStore.KeyId);
        fromPem.Key.CanSign.ShouldBeTrue();
        fromPem.KeyFile.ShouldBeNull();
        fromPem.Interval.ShouldBe(Sealing.DefaultInterval);
        Should.Throw<InvalidOperationException>(() => Sealing.From(new ConfigurationBuilder().Build(), dataFolder: null)).Message.ShouldContain("CaseLedger:DataFolder");
        Should.Throw<InvalidOperationException>(() => Sealing.From(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["CaseLedger:Sealing:Interval"] = "hourly" }).Build(), _folder)).Message.ShouldContain("00:00:30");
    }
}

internal static class TestExtensions
{
    public static T Tap<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
