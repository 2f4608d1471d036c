using CaseLedger.Audit;
using CaseLedger.Host;
using CaseLedger.Http.Identity;
using CaseLedger.LocalPostgres;
using Microsoft.Extensions.Configuration;

namespace CaseLedger.IntegrationTests.Host;

// Where a host keeps its keys and its witness folder of seals follows the data folder it was given: two hosts
// on one machine with clusters in different folders never share a key or a witness folder. The keys are made
// as a host makes them on its first start, in a folder of the test's own.
public sealed class when_hosts_are_given_their_own_data_folders : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("caseledger-folders-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void the_data_folder_is_the_one_above_the_clusters_data_folder()
    {
        HostIdentity.DataFolder(Settings(("CaseLedger:LocalPostgres:DataDirectory", Path.Combine(root, "a", "postgres"))))
            .ShouldBe(Path.Combine(root, "a"));
        HostIdentity.DataFolder(Settings(("CaseLedger:LocalPostgres:DataDirectory", Path.Combine(root, "a", "postgres") + "/")))
            .ShouldBe(Path.Combine(root, "a"));
    }

    [Fact]
    public void a_configured_data_folder_comes_before_the_clusters()
    {
        var settings = Settings(
            ("CaseLedger:DataFolder", Path.Combine(root, "keys")),
            ("CaseLedger:LocalPostgres:DataDirectory", Path.Combine(root, "a", "postgres")));

        HostIdentity.DataFolder(settings).ShouldBe(Path.Combine(root, "keys"));
    }

    [Fact]
    public void with_neither_it_is_the_one_above_the_default_cluster()
    {
        HostIdentity.DataFolder(Settings()).ShouldBe(Path.GetDirectoryName(LocalPostgresCluster.DefaultDataDirectory()));
    }

    [Fact]
    public void two_hosts_with_different_cluster_folders_share_no_key_file_and_no_witness_folder()
    {
        var first = Place(Settings(("CaseLedger:LocalPostgres:DataDirectory", Path.Combine(root, "first", "postgres"))));
        var second = Place(Settings(("CaseLedger:LocalPostgres:DataDirectory", Path.Combine(root, "second", "postgres"))));

        foreach (var (mine, theirs) in new[] { (first, second), (second, first) })
        {
            mine.Paths.ShouldAllBe(path => path.StartsWith(mine.DataFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal));
            mine.Paths.ShouldAllBe(path => !path.StartsWith(theirs.DataFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        }

        File.ReadAllText(first.SigningKey).ShouldNotBe(File.ReadAllText(second.SigningKey));
        File.ReadAllText(first.SealKey).ShouldNotBe(File.ReadAllText(second.SealKey));
    }

    /// <summary>Where a host with these settings keeps its token signing key, its seal key and its witness folder, as it makes them.</summary>
    private static Placed Place(IConfiguration settings)
    {
        var folder = HostIdentity.DataFolder(settings);
        var tokens = TokenKeys.From(settings, folder);
        var sealing = Sealing.From(settings, folder);
        return new Placed(folder, tokens.KeyFile!, sealing.KeyFile!, sealing.Witness.Folder);
    }

    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    private sealed record Placed(string DataFolder, string SigningKey, string SealKey, string WitnessFolder)
    {
        public IReadOnlyList<string> Paths => [SigningKey, SealKey, WitnessFolder];
    }
}
