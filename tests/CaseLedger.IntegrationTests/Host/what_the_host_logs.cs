using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;

namespace CaseLedger.IntegrationTests.Host;

// The host as it runs by default (its own log levels, its console), its output read while people's
// data goes through it the ways that used to fill the log: concurrent openings of one case (all but
// one lose the race), contended ballots, stale writes, refusals and malformed bodies, each carrying an
// applicant's name and date of birth or owners' names. Part of an embedded host's life (EmbeddedHostLife).
[Collection(EmbeddedHostCollection.Name)]
public sealed partial class what_the_host_logs(EmbeddedHostLife life, Xunit.Abstractions.ITestOutputHelper output)
{
    private readonly Traffic traffic = life.Traffic;

    [Fact]
    public void the_traffic_lost_races_met_stale_versions_and_was_refused()
    {
        output.WriteLine($"{traffic.Requests} requests, {traffic.Log.Length} bytes of log: {string.Join(", ", traffic.Answers.CountBy(a => a))}");
        traffic.Answers.ShouldContain("409 case.already_exists");
        traffic.Answers.ShouldContain("412 case.version_mismatch");
        traffic.Answers.ShouldContain("422 renovation_vote.not_owner");
        traffic.Answers.ShouldContain("400 request.body_invalid");
        traffic.Answers.ShouldContain("403 auth.not_your_own");
        traffic.Answers.ShouldContain("200");
    }

    [Fact]
    public void it_says_at_start_where_it_listens_where_the_page_is_and_how_to_get_a_token()
    {
        var address = life.First.Address.ToString().TrimEnd('/');
        life.First.Output.ShouldContain($"CaseLedger listens on {address}: the auditor's page is {address}/audit/");
        life.First.Output.ShouldContain("A token to sign in with: the token command");
        // And where its own PostgreSQL listens: on the port it was told to use.
        life.First.Output.ShouldContain($"(127.0.0.1:{life.First.PostgresPort}, started now");
    }

    [Fact]
    public void no_name_or_date_of_birth_appears()
    {
        foreach (var personal in Traffic.PersonalData)
        {
            traffic.Log.ShouldNotContain(personal, Case.Insensitive);
        }
    }

    [Fact]
    public void no_sql_parameter_or_event_appears()
    {
        // Marten listed a failed command's parameters one to a line, each after a colon.
        ParameterLine().IsMatch(traffic.Log).ShouldBeFalse();
        traffic.Log.ShouldNotContain("insert into", Case.Insensitive);
        traffic.Log.ShouldNotContain("\"applicant\"");
        traffic.Log.ShouldNotContain("Exception");
    }

    [Fact]
    public void a_lost_race_is_one_short_line_and_refusals_none()
    {
        // An opening that finds the case already there is refused before it writes; only those that
        // find out at the commit lost a race in the database.
        var refusedOpenings = traffic.Answers.Count(a => a == "409 case.already_exists");
        Regex.Count(traffic.Log, "met another one first").ShouldBeLessThanOrEqualTo(refusedOpenings);
        traffic.Log.Split('\n').ShouldAllBe(line => line.Length <= 200);
        traffic.Log.ShouldNotContain("fail:");
    }

    [Fact]
    public void the_log_stays_under_two_hundred_bytes_a_request()
    {
        (traffic.Log.Length / (double)traffic.Requests).ShouldBeLessThan(200);
    }

    [GeneratedRegex(@"^\s+: ", RegexOptions.Multiline)]
    private static partial Regex ParameterLine();

    /// <summary>Sends the traffic once and keeps what the host logged meanwhile.</summary>
    public sealed class Traffic
    {
        public const string District = "logged";
        private const int Contenders = 30;
        private const string Applicant = "Huang Yuexin";
        private const string Stranger = "Zhou Meiling";

        public static readonly string[] PersonalData =
            [Applicant, "1991-07-19", "07/19/1991", "19/07/1991", Stranger, .. Owners().Select(o => o.OwnerId)];

        private HostProcess _host = null!;

        public List<string> Answers { get; } = [];

        public int Requests => Answers.Count;

        public string Log { get; private set; } = "";

        private static IEnumerable<RollEntry> Owners() =>
            Enumerable.Range(1, Contenders).Select(i => new RollEntry($"U{i}", $"Li Guoqiang {i:00}", 80m));

        public async Task RunAsync(HostProcess host)
        {
            _host = host;
            var startedUp = _host.Output.Length;

            // Openings of one case under one id, all at once: one wins, the others lose the race.
            var certificate = Guid.NewGuid();
            await SendAllAsync(Enumerable.Range(0, Contenders).Select(_ =>
                Send(HttpMethod.Put, $"certificates/{certificate}", Application(expiresOn: "\"2025-05-01\""))));

            // A vote whose owners all cast ballots at once, as clerks enter them; then each once more
            // against the version they read, so all but one are stale.
            var opened = await _host.Client.SendAsync(Send(HttpMethod.Post, "renovation-votes",
                Json(new OpenVote("compound-9", "Test Compound", new Proposal("Lifts", 300_000m), Owners().ToList(),
                    DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(7)))));
            opened.StatusCode.ShouldBe(HttpStatusCode.Created);
            var vote = (await LedgerHost.ReadAsync<CommandOutcome>(opened)).CaseId;
            await SendAllAsync(Owners().Select(o => Send(HttpMethod.Post, $"renovation-votes/{vote}/ballots", Json(new CastBallot(o.UnitId, o.OwnerId, BallotChoice.Yes)))));
            using var read = await _host.Client.SendAsync(HostProcess.Request(HttpMethod.Get, $"/districts/{District}/renovation-votes/{vote}", District));
            var version = long.Parse(read.Headers.ETag!.Tag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture);
            await SendAllAsync(Owners().Select(o => WithIfMatch(Send(HttpMethod.Post, $"renovation-votes/{vote}/ballots",
                Json(new CastBallot(o.UnitId, o.OwnerId, BallotChoice.No))), version)));

            // Refusals that carry people's data: a ballot by someone not on the roll, an application with
            // a malformed date, and a resident applying in another person's name.
            await SendAllAsync(Enumerable.Range(0, 10).SelectMany(_ => new[]
            {
                Send(HttpMethod.Post, $"renovation-votes/{vote}/ballots", Json(new CastBallot("U1", Stranger, BallotChoice.Yes))),
                Send(HttpMethod.Post, "certificates", Application(expiresOn: "\"2025-05-01\"", dateOfBirth: "\"19/07/1991\"")),
                Send(HttpMethod.Post, "certificates", Application(expiresOn: "\"2025-05-01\""), Role.Resident, actor: Stranger),
            }));

            Log = _host.Output[startedUp..];
        }

        private static StringContent Application(string expiresOn, string dateOfBirth = "\"1991-07-19\"") => new(
            $$$"""
            {"documentType":"OrdinaryPassport","applicant":{"id":"{{{Applicant}}}","name":"{{{Applicant}}}","dateOfBirth":{{{dateOfBirth}}},
             "householdCity":"Changsha","fingerprintsOnFile":true},"existingDocument":{"expiresOn":{{{expiresOn}}},"damaged":false,"lostOrStolen":false,"visaPagesUsedUp":false}}
            """, Encoding.UTF8, "application/json");

        private static JsonContent Json<T>(T body) => JsonContent.Create(body, options: CaseJson.Options);

        private static HttpRequestMessage Send(HttpMethod method, string path, HttpContent content, Role role = Role.Clerk, string actor = "clerk-1") =>
            HostProcess.Request(method, $"/districts/{District}/{path}", District, content, role, actor);

        private static HttpRequestMessage WithIfMatch(HttpRequestMessage request, long version)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
            return request;
        }

        private async Task SendAllAsync(IEnumerable<HttpRequestMessage> requests)
        {
            var answers = await Task.WhenAll(requests.Select(async request =>
            {
                using (request)
                {
                    using var response = await _host.Client.SendAsync(request);
                    if (response.IsSuccessStatusCode)
                    {
                        return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }

                    var problem = await LedgerHost.ReadAsync<System.Text.Json.JsonElement>(response);
                    return $"{(int)response.StatusCode} {problem.GetProperty("code").GetString()}";
                }
            }));
            lock (Answers)
            {
                Answers.AddRange(answers);
            }
        }
    }
}
