using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Identity;

// Tokens signed with the host's own key, so they check out, but that leave out who acts or the channel, or
// claim CaseLedger's own System channel or system role: each is refused as invalid on every route that takes a
// token, reads and commands alike, and a refused command appends nothing. The same token with nothing taken out
// is served, so what is refused is the claim, not the way the test makes tokens.
[Collection(LedgerCollection.Name)]
public sealed class when_a_token_leaves_out_who_acts_or_claims_what_is_caseledgers(Ledger ledger) : IAsyncLifetime
{
    private readonly string _district = ledger.NewDistrict("claims");
    private Guid _vote;

    public static TheoryData<string, string> Refusals()
    {
        var data = new TheoryData<string, string>();
        foreach (var what in new[] { "no sub", "a blank sub", "no channel", "two channels", "the System channel", "the system role", "the system role beside clerk" })
        {
            foreach (var route in Routes)
            {
                data.Add(what, route);
            }
        }

        return data;
    }

    private static readonly string[] Routes = ["read a case", "read a case's history", "list the kinds", "open a case", "cast a ballot"];

    public async Task InitializeAsync()
    {
        ledger.Clock.Set(Votes.Start);
        var opened = await ledger.Client.SendAsync(Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes", OpeningAVote()));
        opened.StatusCode.ShouldBe(HttpStatusCode.Created);
        _vote = (await ReadAsync<CommandOutcome>(opened)).CaseId;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task it_is_refused_as_invalid_and_nothing_is_appended(string what, string route)
    {
        var before = await EventsInDistrictAsync();

        var response = await SendAsync(route, TokenWith(what));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var problem = await ReadAsync<JsonElement>(response);
        problem.GetProperty("code").GetString().ShouldBe("auth.token_invalid");
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await EventsInDistrictAsync()).ShouldBe(before);
    }

    [Theory]
    [InlineData("read a case", HttpStatusCode.OK)]
    [InlineData("read a case's history", HttpStatusCode.OK)]
    [InlineData("list the kinds", HttpStatusCode.OK)]
    [InlineData("open a case", HttpStatusCode.Created)]
    [InlineData("cast a ballot", HttpStatusCode.OK)]
    public async Task the_same_token_with_nothing_taken_out_is_served(string route, HttpStatusCode served)
    {
        var response = await SendAsync(route, TokenWith("nothing wrong"));

        response.StatusCode.ShouldBe(served, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task the_refusal_says_what_is_wrong_without_repeating_the_claims()
    {
        var response = await SendAsync("read a case", TokenWith("the system role beside clerk"));

        var detail = (await ReadAsync<JsonElement>(response)).GetProperty("detail").GetString();
        detail.ShouldBe("The bearer token was not accepted: it claims the system role, which is CaseLedger's own.");
    }

    private Task<HttpResponseMessage> SendAsync(string route, string token)
    {
        var (method, url, body) = route switch
        {
            "read a case" => (HttpMethod.Get, $"/districts/{_district}/renovation-votes/{_vote}", (object?)null),
            "read a case's history" => (HttpMethod.Get, $"/districts/{_district}/cases/{_vote}/events", null),
            "list the kinds" => (HttpMethod.Get, "/kinds", null),
            "open a case" => (HttpMethod.Post, $"/districts/{_district}/renovation-votes", OpeningAVote()),
            "cast a ballot" => (HttpMethod.Post, $"/districts/{_district}/renovation-votes/{_vote}/ballots",
                new { unitId = "U1", voterId = "O1", choice = "Yes" }),
            _ => throw new ArgumentOutOfRangeException(nameof(route), route, null),
        };
        var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return ledger.Client.SendAsync(request);
    }

    /// <summary>A clerk's token of the district, signed with the hosts' key, with <paramref name="what"/> done to its claims.</summary>
    private string TokenWith(string what)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = "clerk-claims-1",
            ["role"] = new[] { "clerk" },
            ["district"] = new[] { _district },
            ["channel"] = "ServiceWindow",
        };
        switch (what)
        {
            case "no sub":
                claims.Remove("sub");
                break;
            case "a blank sub":
                claims["sub"] = " ";
                break;
            case "no channel":
                claims.Remove("channel");
                break;
            case "two channels":
                claims["channel"] = new[] { "ServiceWindow", "OnlinePlatform" };
                break;
            case "the System channel":
                claims["channel"] = "System";
                break;
            case "the system role":
                claims["role"] = new[] { "system" };
                break;
            case "the system role beside clerk":
                claims["role"] = new[] { "clerk", "System" };
                break;
            case "nothing wrong":
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(what), what, null);
        }

        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Keys.Issuer,
            Audience = Keys.Audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(Keys.SigningKey, SecurityAlgorithms.EcdsaSha256),
        });
    }

    private static object OpeningAVote() => new
    {
        compoundId = "compound-1", compoundName = "Test Compound", proposal = new { description = "Roof", amount = 120_000m },
        roll = Votes.SixUnits().Select(u => new { unitId = u.UnitId, ownerId = u.OwnerId, area = u.Area }),
        opensAt = Votes.Start, closesAt = Votes.Start.AddDays(7),
    };

    private async Task<long> EventsInDistrictAsync()
    {
        await using var connection = new NpgsqlConnection(ledger.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from caseledger.mt_events where tenant_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = _district });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
