using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using CaseLedger.IntegrationTests.Infrastructure;

namespace CaseLedger.IntegrationTests.Host;

// The host on its embedded default, with its own cluster (never the run's shared one). Clients keep
// applying for certificates while the postmaster is killed (kill -9), and keep on until the host has
// brought PostgreSQL back and acknowledged more writes: no write that got a 2xx may be missing, no
// request may fail with anything but 503 database.unavailable, and the same host process serves on.
// Part of an embedded host's life (EmbeddedHostLife).
[Collection(EmbeddedHostCollection.Name)]
public sealed class when_the_embedded_database_is_killed_under_load(EmbeddedHostLife life, Xunit.Abstractions.ITestOutputHelper output)
{
    private readonly KilledUnderLoad run = life.Kill;

    [Fact]
    public void writes_were_acknowledged_before_the_kill_and_after_the_recovery()
    {
        output.WriteLine($"{run.Acknowledged.Count} writes acknowledged ({run.AcknowledgedBeforeKill} before the kill, " +
                         $"{run.AcknowledgedAfterRecovery} after the recovery); refused: {string.Join(", ", run.Failures.CountBy(f => f))}");
        run.AcknowledgedBeforeKill.ShouldBeGreaterThanOrEqualTo(KilledUnderLoad.Batch);
        run.AcknowledgedAfterRecovery.ShouldBeGreaterThanOrEqualTo(KilledUnderLoad.Batch);
    }

    [Fact]
    public void every_acknowledged_write_is_in_the_store()
    {
        run.Acknowledged.Count.ShouldBeGreaterThanOrEqualTo(2 * KilledUnderLoad.Batch);
        run.MissingAfterRecovery.ShouldBeEmpty();
    }

    [Fact]
    public void the_district_verifies_intact_after_the_crash_with_no_finding_and_no_broken_case()
    {
        // Writes cut short by the kill left Marten's tombstones and nothing else: no false alarm.
        run.Verification.ShouldNotBeNull(run.Output);
        run.Verification.RootElement.GetProperty("allIntact").GetBoolean().ShouldBeTrue(run.Verification.RootElement.GetRawText());
        run.Verification.RootElement.GetProperty("broken").GetArrayLength().ShouldBe(0);
        run.Verification.RootElement.GetProperty("recordedFindingCount").GetInt32().ShouldBe(0);
    }

    [Fact]
    public void a_write_that_failed_was_answered_503_database_unavailable_never_500()
    {
        run.Failures.ShouldAllBe(f => f == "503 database.unavailable");
    }

    [Fact]
    public void the_same_host_process_serves_again_on_a_new_postmaster()
    {
        run.HostStillRuns.ShouldBeTrue();
        run.PostmasterAfter.ShouldNotBeNull();
        run.PostmasterAfter.ShouldNotBe(run.KilledPostmaster);
        run.Output.ShouldContain("PostgreSQL was started again");
    }

    [Fact]
    public void its_log_names_no_applicant_and_holds_no_event()
    {
        run.Output.ShouldNotContain(KilledUnderLoad.ApplicantName);
        run.Output.ShouldNotContain("1979-02-28");
        run.Output.ShouldNotContain("02/28/1979");
        run.Output.ShouldNotContain("\"applicant\"");
    }

    /// <summary>Runs the whole story once; the facts above read what happened.</summary>
    public sealed class KilledUnderLoad
    {
        public const int Batch = 20;
        public const string ApplicantName = "Ouyang Xiaoling";
        public const string District = "killed";
        private const int Writers = 4;
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

        private readonly ConcurrentQueue<(Guid Id, DateTimeOffset At)> _acknowledged = new();
        private readonly ConcurrentQueue<string> _failures = new();
        private HostProcess _host = null!;

        public IReadOnlyList<Guid> Acknowledged => _acknowledged.Select(a => a.Id).ToList();

        public IReadOnlyList<string> Failures => [.. _failures];

        public int AcknowledgedBeforeKill { get; private set; }

        public int AcknowledgedAfterRecovery { get; private set; }

        public int KilledPostmaster { get; private set; }

        public int? PostmasterAfter { get; private set; }

        public bool HostStillRuns { get; private set; }

        public IReadOnlyList<Guid> MissingAfterRecovery { get; private set; } = [];

        public string Output { get; private set; } = "";

        /// <summary>The district's verification after the recovery, as GET /districts/{d}/verification answered it.</summary>
        public JsonDocument? Verification { get; private set; }

        public async Task RunAsync(HostProcess host)
        {
            _host = host;
            var startedAt = _host.Output.Length;
            var hostId = _host.ProcessId;
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, Writers).Select(_ => Task.Run(() => WriteUntilAsync(stop.Token))).ToList();
            try
            {
                (await HostProcess.EventuallyAsync(() => Task.FromResult(_acknowledged.Count >= Batch), Patience))
                    .ShouldBeTrue("the host acknowledged writes before the kill");
                KilledPostmaster = _host.PostmasterId ?? throw new InvalidOperationException("The cluster has no postmaster.pid.");
                AcknowledgedBeforeKill = _acknowledged.Count;
                HostProcess.Kill(KilledPostmaster);

                (await HostProcess.EventuallyAsync(
                        async () => _host.PostmasterId is { } now && now != KilledPostmaster && await _host.AnswersAsync("/health/ready"), Patience))
                    .ShouldBeTrue("the host brought PostgreSQL back:\n" + _host.Output);
                var recoveredAt = DateTimeOffset.UtcNow;
                (await HostProcess.EventuallyAsync(
                        () => Task.FromResult(_acknowledged.Count(a => a.At > recoveredAt) >= Batch), Patience))
                    .ShouldBeTrue("the host acknowledged writes after the recovery");
                await stop.CancelAsync();
                await Task.WhenAll(writers);

                AcknowledgedAfterRecovery = _acknowledged.Count(a => a.At > recoveredAt);
                PostmasterAfter = _host.PostmasterId;
                HostStillRuns = !_host.HasExited && _host.ProcessId == hostId;
                var missing = new List<Guid>();
                foreach (var (id, _) in _acknowledged)
                {
                    using var read = await _host.Client.SendAsync(HostProcess.Request(HttpMethod.Get, $"/districts/{District}/certificates/{id}", District));
                    if (read.StatusCode != HttpStatusCode.OK)
                    {
                        missing.Add(id);
                    }
                }

                MissingAfterRecovery = missing;
                using (var verify = await _host.Client.SendAsync(HostProcess.Request(HttpMethod.Get, $"/districts/{District}/verification", District,
                           role: CaseLedger.Core.Role.Auditor, actor: "auditor-1")))
                {
                    Verification = verify.IsSuccessStatusCode ? JsonDocument.Parse(await verify.Content.ReadAsStringAsync()) : null;
                }

                Output = _host.Output[startedAt..];
            }
            finally
            {
                await stop.CancelAsync();
                await Task.WhenAll(writers.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));
            }
        }

        /// <summary>One client: applications under ids it chooses, one after another, each remembered with its answer.</summary>
        private async Task WriteUntilAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                var id = Guid.NewGuid();
                var body = $$$"""
                    {"documentType":"OrdinaryPassport","applicant":{"id":"A-{{{id:N}}}","name":"{{{ApplicantName}}}","dateOfBirth":"1979-02-28",
                     "householdCity":"Changsha","fingerprintsOnFile":true},"existingDocument":{"expiresOn":"2025-05-01","damaged":false,"lostOrStolen":false,"visaPagesUsedUp":false}}
                    """;
                using var request = HostProcess.Request(HttpMethod.Put, $"/districts/{District}/certificates/{id}", District,
                    new StringContent(body, Encoding.UTF8, "application/json"));
                HttpResponseMessage response;
                try
                {
                    response = await _host.Client.SendAsync(request, CancellationToken.None);
                }
                catch (HttpRequestException e)
                {
                    _failures.Enqueue($"no answer: {e.Message}");
                    continue;
                }

                using (response)
                {
                    if (response.IsSuccessStatusCode)
                    {
                        _acknowledged.Enqueue((id, DateTimeOffset.UtcNow));
                        continue;
                    }

                    var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
                    var code = text.StartsWith('{') && JsonDocument.Parse(text).RootElement.TryGetProperty("code", out var c) ? c.GetString() : text;
                    _failures.Enqueue($"{(int)response.StatusCode} {code}");
                }
            }
        }
    }
}
