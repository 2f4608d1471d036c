using System.Net;
using System.Net.Http.Json;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;

namespace CaseLedger.IntegrationTests.Host;

// A host on the embedded default is killed (its cluster keeps running, as after a crash); the next
// host started on the same folder adopts that cluster, serves what the first one wrote, and stops
// the cluster when it exits instead of leaving it running for good.
public sealed class when_a_host_crashes_and_another_starts_on_its_cluster(when_a_host_crashes_and_another_starts_on_its_cluster.CrashAndRestart run)
    : IClassFixture<when_a_host_crashes_and_another_starts_on_its_cluster.CrashAndRestart>
{
    [Fact]
    public void the_crash_leaves_the_cluster_running()
    {
        run.PostmasterRanAfterTheCrash.ShouldBeTrue();
    }

    [Fact]
    public void the_next_host_adopts_the_running_cluster_rather_than_starting_another()
    {
        run.SecondOutput.ShouldContain("Adopting the PostgreSQL server already running");
        run.PostmasterServingTheSecond.ShouldBe(run.PostmasterOfTheFirst);
    }

    [Fact]
    public void it_serves_what_the_first_host_wrote()
    {
        run.ReadThroughTheSecond.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public void it_stops_the_adopted_cluster_when_it_exits()
    {
        run.SecondExitCode.ShouldBe(0);
        run.PostmasterRunsAfterTheSecondExited.ShouldBeFalse();
        run.SecondOutput.ShouldContain("Stopped PostgreSQL");
    }

    /// <summary>Runs the whole story once; the facts above read what happened.</summary>
    public sealed class CrashAndRestart : IAsyncLifetime
    {
        private const string District = "crashed";
        private HostProcess? _first;
        private HostProcess? _second;
        private string _dataDirectory = "";

        public int PostmasterOfTheFirst { get; private set; }

        public bool PostmasterRanAfterTheCrash { get; private set; }

        public int? PostmasterServingTheSecond { get; private set; }

        public HttpStatusCode ReadThroughTheSecond { get; private set; }

        public int SecondExitCode { get; private set; }

        public bool PostmasterRunsAfterTheSecondExited { get; private set; }

        public string SecondOutput { get; private set; } = "";

        public async Task InitializeAsync()
        {
            _first = await HostProcess.StartAsync([District]);
            _dataDirectory = _first.DataDirectory;
            using var open = HostProcess.Request(HttpMethod.Post, $"/districts/{District}/renovation-votes", District,
                JsonContent.Create(Votes.Open(DateTimeOffset.UtcNow.AddMinutes(-1)), options: CaseJson.Options));
            using var opened = await _first.Client.SendAsync(open);
            opened.StatusCode.ShouldBe(HttpStatusCode.Created, await opened.Content.ReadAsStringAsync());
            var vote = (await LedgerHost.ReadAsync<CommandOutcome>(opened)).CaseId;
            PostmasterOfTheFirst = _first.PostmasterId ?? throw new InvalidOperationException("The first host's cluster has no postmaster.pid.");

            await _first.CrashAsync();
            PostmasterRanAfterTheCrash = HostProcess.Runs(PostmasterOfTheFirst);

            _second = await HostProcess.StartAsync([District], _dataDirectory);
            PostmasterServingTheSecond = _second.PostmasterId;
            using var read = await _second.Client.SendAsync(HostProcess.Request(HttpMethod.Get, $"/districts/{District}/renovation-votes/{vote}", District));
            ReadThroughTheSecond = read.StatusCode;

            await _second.StopAsync();
            SecondExitCode = _second.ExitCode;
            PostmasterRunsAfterTheSecondExited = HostProcess.Runs(PostmasterOfTheFirst);
            SecondOutput = _second.Output;
        }

        public async Task DisposeAsync()
        {
            // The second stops the cluster and deletes its folders; the first, already gone, only lets go of its client.
            foreach (var host in new[] { _second, _first })
            {
                if (host is not null)
                {
                    await host.DisposeAsync();
                }
            }
        }
    }
}
