using System.Text.Json.Nodes;
using CaseLedger.Audit;

namespace CaseLedger.Tests.Audit;

// Someone edits the witness folder behind CaseLedger's back, or the database's seals no longer match
// it: each departure is its own finding, naming the file and the seal. No database: the seals the
// database would hold are given as records.
public sealed class when_checking_the_witness_folder_against_the_database : IDisposable
{
    private const string District = "yuelu";
    private readonly SealKey _key = SealKey.Generate();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"caseledger-witness-tests-{Guid.NewGuid():N}");
    private readonly Sealing _sealing;
    private readonly List<SealFile> _seals;

    public when_checking_the_witness_folder_against_the_database()
    {
        _sealing = new Sealing(_key, new SealWitnessFolder(_folder, create: true), TimeSpan.Zero);
        _seals = SampleSeals.Make(_key, District, 3, 5, 8);
        foreach (var seal in _seals)
        {
            _sealing.Witness.Publish(seal);
        }
    }

    public void Dispose()
    {
        _key.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private string FileOf(long number) => _sealing.Witness.PathFor(District, number);

    private string InFolder(string name) => Path.Combine(_folder, District, name);

    private (int Published, List<string> Problems, List<string> Notes) Check(IReadOnlyList<SealRecord>? records = null, Sealing? sealing = null)
    {
        var problems = new List<string>();
        var notes = new List<string>();
        var published = WitnessFolderChecks.Check(sealing ?? _sealing, District, records ?? SampleSeals.Records(_seals), problems, notes);
        return (published, problems, notes);
    }

    [Fact]
    public void every_seal_in_its_own_file_is_published_with_no_finding()
    {
        var (published, problems, notes) = Check();

        published.ShouldBe(3);
        problems.ShouldBeEmpty();
        notes.ShouldBeEmpty();
    }

    [Fact]
    public void a_deleted_file_in_the_middle_is_reported_by_its_number()
    {
        File.Delete(FileOf(2));

        var (published, problems, _) = Check();

        published.ShouldBe(2);
        problems.ShouldBe(["seal 2 was published, but its file yuelu/2.json is missing from the witness folder: it was deleted"]);
    }

    [Fact]
    public void a_deleted_latest_file_is_reported_as_the_latest()
    {
        File.Delete(FileOf(3));

        var (_, problems, notes) = Check();

        problems.ShouldBe(["seal 3, the latest, was published, but its file yuelu/3.json is missing from the witness folder: it was deleted"]);
        notes.ShouldBeEmpty();
    }

    [Fact]
    public void a_missing_file_of_a_seal_recorded_as_not_yet_published_is_a_note_and_does_not_count_as_published()
    {
        File.Delete(FileOf(3));

        var (published, problems, notes) = Check(SampleSeals.Records(_seals, waiting: 3));

        published.ShouldBe(2);
        problems.ShouldBeEmpty();
        notes.ShouldHaveSingleItem().ShouldStartWith("seal(s) 3 are recorded in the database but not yet published to the witness folder");
    }

    [Fact]
    public void a_seal_recorded_as_waiting_whose_file_is_there_counts_as_published()
    {
        var (published, problems, notes) = Check(SampleSeals.Records(_seals, waiting: 3));

        published.ShouldBe(3);
        problems.ShouldBeEmpty();
        notes.ShouldBeEmpty();
    }

    [Fact]
    public void an_altered_file_is_reported_as_altered()
    {
        var altered = JsonNode.Parse(File.ReadAllText(FileOf(2)))!;
        altered["statement"]!["treeSize"] = 4;
        File.WriteAllText(FileOf(2), altered.ToJsonString());
        File.WriteAllText(FileOf(3), "{ not a seal");

        var (published, problems, _) = Check();

        published.ShouldBe(1);
        problems.Count.ShouldBe(2);
        problems[0].ShouldStartWith("yuelu/2.json differs from the database's seal 2 and is not genuine (seal 2: the signature does not match the statement");
        problems[0].ShouldEndWith("the file was altered");
        problems[1].ShouldStartWith("yuelu/3.json cannot be read as seal 3: it is not a seal file");
    }

    [Fact]
    public void a_file_whose_consistency_proof_was_changed_is_reported_as_altered()
    {
        var altered = _seals[1] with { Consistency = [.. _seals[1].Consistency.Select(_ => new string('c', 64))] };
        File.WriteAllText(FileOf(2), altered.ToJson());

        Check().Problems.ShouldBe(["yuelu/2.json carries another consistency proof than the database's seal 2: the file was altered"]);
    }

    [Fact]
    public void a_genuine_seal_that_differs_from_the_database_s_says_one_of_them_was_replaced()
    {
        var records = SampleSeals.Records(_seals);
        records[1] = records[1] with { File = SealFile.Sign(_seals[1].Statement with { SealedAt = "2027-01-01T00:00:00.000000Z" }, _key, _seals[1].Consistency) };

        Check(records).Problems.ShouldBe(["the database's seal 2 differs from the one published (yuelu/2.json), and both are signed: one of them was replaced"]);
    }

    [Fact]
    public void a_published_seal_the_database_lacks_is_reported_as_seals_removed_from_it()
    {
        var (published, problems, _) = Check(SampleSeals.Records(_seals.Take(2)));

        published.ShouldBe(2);
        problems.ShouldBe(["seal 3 was published (yuelu/3.json) but is missing from the database (its latest seal is 2): seals were removed from it"]);
    }

    [Fact]
    public void an_extra_file_is_reported_whether_it_holds_a_seal_under_another_name_or_nothing_of_a_seal()
    {
        File.Copy(FileOf(1), InFolder("01.json"));
        File.Copy(FileOf(2), InFolder("seal-2 copy.json"));
        File.WriteAllText(InFolder("notes.txt"), "kept by hand");

        var (published, problems, _) = Check();

        published.ShouldBe(3);
        problems.ShouldBe([
            "yuelu/01.json holds seal 1 under a name that is not a seal file's (1.json): seal files were renamed or copied",
            "yuelu/notes.txt is not a seal file, and CaseLedger did not put it there (seal files are named {number}.json): it was added",
            "yuelu/seal-2 copy.json holds seal 2 under a name that is not a seal file's (2.json): seal files were renamed or copied",
        ], ignoreOrder: true);
    }

    [Fact]
    public void files_swapped_or_renamed_out_of_sequence_are_reported_by_name_and_seal()
    {
        File.Move(FileOf(1), InFolder("swap"));
        File.Move(FileOf(2), FileOf(1));
        File.Move(InFolder("swap"), FileOf(2));
        File.Move(FileOf(3), InFolder("5.json"));

        var (published, problems, _) = Check();

        published.ShouldBe(0);
        problems.ShouldBe([
            "yuelu/1.json holds seal 2, not seal 1: seal files were renamed or put out of sequence",
            "yuelu/2.json holds seal 1, not seal 2: seal files were renamed or put out of sequence",
            "yuelu/5.json holds seal 3, not seal 5: seal files were renamed or put out of sequence",
            "seal 3, the latest, was published, but its file yuelu/3.json is missing from the witness folder: it was deleted",
        ]);
    }

    [Fact]
    public void a_seal_of_another_district_under_a_district_s_number_is_reported()
    {
        var other = SampleSeals.Make(_key, "kaifu", 3);
        File.WriteAllText(FileOf(1), other[0].ToJson());

        Check().Problems.ShouldBe(["yuelu/1.json holds seal 1 of district kaifu, not of yuelu: it was put there"]);
    }

    [Fact]
    public void what_an_interrupted_publication_left_is_a_note_not_evidence()
    {
        File.WriteAllText(FileOf(3) + $".{Guid.NewGuid():N}.tmp", "{");

        var (_, problems, notes) = Check();

        problems.ShouldBeEmpty();
        notes.ShouldHaveSingleItem().ShouldContain("was left by a publication that was interrupted");
    }

    [Fact]
    public void a_witness_folder_that_is_not_there_is_one_problem_not_one_per_seal()
    {
        var missing = new Sealing(_key, new SealWitnessFolder(Path.Combine(_folder, "not-mounted")), TimeSpan.Zero);

        var (published, problems, _) = Check(sealing: missing);

        published.ShouldBe(0);
        problems.ShouldHaveSingleItem().ShouldEndWith("not-mounted does not exist: none of the 3 published seal(s) can be checked against it");
    }
}
