using System.Net;
using System.Net.Http.Json;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;

namespace CaseLedger.IntegrationTests.Host;

// A host on the embedded default is killed (its cluster keeps running, as after a crash); the next
// host started on the same folder adopts that cluster, serves what the first one wrote, and stops
// the cluster when it exits instead of leaving it running for good. The end of an embedded host's
// life (EmbeddedHostLife).
[Collection(EmbeddedHostCollection.Name)]
public sealed class when_a_host_crashes_and_another_starts_on_its_cluster(EmbeddedHostLife life)
{
    private readonly CrashAndRestart run = life.Crash;

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
    public sealed class CrashAndRestart
    {
        public const string District = "crashed";

        public int PostmasterOfTheFirst { get; private set; }

        public bool PostmasterRanAfterTheCrash { get; private set; }

        public int? PostmasterServingTheSecond { get; private set; }

        public HttpStatusCode ReadThroughTheSecond { get; private set; }

        public int SecondExitCode { get; private set; }

        public bool PostmasterRunsAfterTheSecondExited { get; private set; }

        public string SecondOutput { get; private set; } = "";

        /// <summary>The host started after the crash, once there is one.</summary>
        public HostProcess? Second { get; private set; }

        /// <summary>Crashes <paramref name="first"/>, starts <see cref="Second"/> on its cluster, and stops it.</summary>
        public async Task RunAsync(HostProcess first)
        {
            using var open = HostProcess.Request(HttpMethod.Post, $"/districts/{District}/renovation-votes", District,
                JsonContent.Create(Votes.Open(DateTimeOffset.UtcNow.AddMinutes(-1)), options: CaseJson.Options));
            using var opened = await first.Client.SendAsync(open);
            opened.StatusCode.ShouldBe(HttpStatusCode.Created, await opened.Content.ReadAsStringAsync());
            var vote = (await LedgerHost.ReadAsync<CommandOutcome>(opened)).CaseId;
            PostmasterOfTheFirst = first.PostmasterId ?? throw new InvalidOperationException("The first host's cluster has no postmaster.pid.");

            await first.CrashAsync();
            PostmasterRanAfterTheCrash = HostProcess.Runs(PostmasterOfTheFirst);

            var second = Second = await HostProcess.StartAsync(EmbeddedHostLife.Districts, first.DataDirectory);
            PostmasterServingTheSecond = second.PostmasterId;
            using var read = await second.Client.SendAsync(HostProcess.Request(HttpMethod.Get, $"/districts/{District}/renovation-votes/{vote}", District));
            ReadThroughTheSecond = read.StatusCode;

            await second.StopAsync();
            SecondExitCode = second.ExitCode;
            PostmasterRunsAfterTheSecondExited = HostProcess.Runs(PostmasterOfTheFirst);
            SecondOutput = second.Output;
        }
    }
}
