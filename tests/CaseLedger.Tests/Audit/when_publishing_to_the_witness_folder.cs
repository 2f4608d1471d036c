using CaseLedger.Audit;

namespace CaseLedger.Tests.Audit;

// Writing seal files: once, under the seal's number, and a failure to write is one kind of exception
// that says what could not be written, never a half-written file.
public sealed class when_publishing_to_the_witness_folder : IDisposable
{
    private readonly SealKey _key = SealKey.Generate();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"caseledger-publish-tests-{Guid.NewGuid():N}");

    public void Dispose()
    {
        _key.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public void a_configured_folder_that_is_not_there_is_not_made_and_nothing_is_published()
    {
        var witness = new SealWitnessFolder(_folder);

        var failure = Should.Throw<SealNotPublishedException>(() => witness.Publish(SampleSeals.Make(_key, "yuelu", 2)[0]));

        failure.Message.ShouldContain("does not exist (is it mounted?)");
        Directory.Exists(_folder).ShouldBeFalse();
    }

    [Fact]
    public void the_host_s_own_folder_is_made_on_first_use()
    {
        var witness = new SealWitnessFolder(_folder, create: true);

        var path = witness.Publish(SampleSeals.Make(_key, "yuelu", 2)[0]);

        path.ShouldBe(Path.Combine(_folder, "yuelu", "1.json"));
        File.Exists(path).ShouldBeTrue();
    }

    [Fact]
    public void a_folder_that_cannot_be_written_is_a_failure_to_publish_naming_the_file_and_leaves_nothing_behind()
    {
        Directory.CreateDirectory(_folder);
        // Where the district's folder belongs stands a file: nothing can be written under it (root ignores permissions; this it cannot ignore).
        File.WriteAllText(Path.Combine(_folder, "yuelu"), "in the way");
        var witness = new SealWitnessFolder(_folder);

        var failure = Should.Throw<SealNotPublishedException>(() => witness.Publish(SampleSeals.Make(_key, "yuelu", 2)[0]));

        failure.Message.ShouldStartWith("yuelu/1.json could not be written to the witness folder");
        failure.InnerException.ShouldBeAssignableTo<IOException>();
        Directory.EnumerateFileSystemEntries(_folder).ShouldBe([Path.Combine(_folder, "yuelu")]);
    }

    [Theory]
    [InlineData("1.json", 1L)]
    [InlineData("42.json", 42L)]
    [InlineData("07.json", null)]
    [InlineData("0.json", null)]
    [InlineData("-1.json", null)]
    [InlineData("1.JSON", null)]
    [InlineData("1.json.tmp", null)]
    [InlineData("seal-1.json", null)]
    [InlineData("9999999999999999999.json", null)]
    public void only_a_number_without_leading_zeros_names_a_seal_file(string name, long? number) =>
        SealWitnessFolder.NumberOf(name).ShouldBe(number);
}
