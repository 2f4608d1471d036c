using System.Text.Json.Nodes;
using CaseLedger.Audit;

namespace CaseLedger.Tests.Audit;

// An auditor checks a copy of one district's witness folder with no database (verify-seals): gaps in
// the numbers, files whose name is not the seal they hold, seals there twice, forged seals.
public sealed class when_checking_a_copy_of_the_witness_folder : IDisposable
{
    private readonly SealKey _key = SealKey.Generate();
    private readonly SealKey _publicKey;
    private readonly string _copy = Path.Combine(Path.GetTempPath(), $"caseledger-copy-tests-{Guid.NewGuid():N}");
    private readonly List<SealFile> _seals;

    public when_checking_a_copy_of_the_witness_folder()
    {
        _publicKey = _key.PublicOnly();
        _seals = SampleSeals.Make(_key, "yuelu", 3, 5, 8, 9);
        Directory.CreateDirectory(_copy);
        foreach (var seal in _seals)
        {
            File.WriteAllText(FileOf(seal.Statement.Number), seal.ToJson());
        }
    }

    public void Dispose()
    {
        _key.Dispose();
        _publicKey.Dispose();
        Directory.Delete(_copy, recursive: true);
    }

    private string FileOf(long number) => Path.Combine(_copy, SealWitnessFolder.FileName(number));

    private WitnessCopyCheck Check() => WitnessCopyChecks.CheckFolder(_copy, [_publicKey]);

    [Fact]
    public void a_whole_copy_verifies()
    {
        var check = Check();

        check.Valid.ShouldBeTrue(string.Join("; ", check.Problems));
        check.Files.ShouldBe(4);
        check.Latest!.Number.ShouldBe(4);
        check.Notes.ShouldBeEmpty();
    }

    [Fact]
    public void a_gap_in_the_numbers_is_reported_by_the_missing_files()
    {
        File.Delete(FileOf(2));
        File.Delete(FileOf(3));

        var check = Check();

        check.Valid.ShouldBeFalse();
        check.Problems.ShouldBe(["seal files 2.json to 3.json are missing from the folder, which holds seals up to 4: the files were deleted, or the copy is incomplete"]);
        check.Notes.ShouldHaveSingleItem().ShouldContain("seal 4 is checked by its signature alone");
    }

    [Fact]
    public void a_missing_first_file_is_a_gap_too()
    {
        File.Delete(FileOf(1));

        Check().Problems.ShouldBe(["seal file 1.json is missing from the folder, which holds seals up to 4: the files were deleted, or the copy is incomplete"]);
    }

    [Fact]
    public void a_file_whose_name_is_not_the_seal_it_holds_is_reported()
    {
        File.Move(FileOf(4), FileOf(7));
        File.Move(FileOf(1), Path.Combine(_copy, "first.json"));

        var check = Check();

        check.Problems.ShouldBe([
            "7.json holds seal 4, not seal 7: seal files were renamed or put out of sequence",
            "first.json holds seal 1 under a name that is not a seal file's (1.json): it was renamed or copied",
        ]);
    }

    [Fact]
    public void a_seal_there_twice_is_a_duplicate_and_two_different_seals_of_one_number_are_named_as_such()
    {
        File.Copy(FileOf(2), Path.Combine(_copy, "2 copy.json"));
        var other = SealFile.Sign(_seals[2].Statement with { SealedAt = "2027-01-01T00:00:00.000000Z" }, _key, _seals[2].Consistency);
        File.WriteAllText(Path.Combine(_copy, "3-again.json"), other.ToJson());

        var problems = Check().Problems;

        problems.ShouldContain("seal 2 is in the folder more than once (2 copy.json, 2.json)");
        problems.ShouldContain("3-again.json, 3.json are different seals numbered 3: at most one of them is the seal that was published");
    }

    [Fact]
    public void an_altered_or_unreadable_file_is_reported()
    {
        var altered = JsonNode.Parse(File.ReadAllText(FileOf(2)))!;
        altered["statement"]!["treeSize"] = 4;
        File.WriteAllText(FileOf(2), altered.ToJsonString());
        File.WriteAllText(FileOf(3), "not json");

        var problems = Check().Problems;

        problems.ShouldContain(p => p.StartsWith("3.json cannot be read as a seal file", StringComparison.Ordinal));
        problems.ShouldContain("seal 2: the signature does not match the statement (the seal was forged or altered)");
    }
}
