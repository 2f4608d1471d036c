using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CaseLedger.Http;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Wolverine;

namespace CaseLedger.IntegrationTests.Infrastructure;

/// <summary>The real host, in memory, on a fresh database of the shared test server, with a clock the test moves.</summary>
public sealed class LedgerHost : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = CaseLedgerJson.Options;

    private readonly WebApplicationFactory<Program> _factory;

    private LedgerHost(WebApplicationFactory<Program> factory, TestClock clock)
    {
        _factory = factory;
        Clock = clock;
        Client = factory.CreateClient();
    }

    public HttpClient Client { get; }

    public TestClock Clock { get; }

    public IServiceProvider Services => _factory.Services;

    public static async Task<LedgerHost> StartAsync(PostgresServer server, bool seeds = false, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        JasperFxEnvironment.AutoStartHost = true;
        var connection = await server.CreateDatabaseAsync("host");
        var clock = new TestClock(now ?? Votes.Start);
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:CaseLedger", connection);
            web.UseSetting("CaseLedger:Seeds:Enabled", seeds ? "true" : "false");
            // Tests seal when they mean to; a background seal would add events they do not expect.
            web.UseSetting("CaseLedger:Sealing:Interval", "00:00:00");
            web.UseSetting("CaseLedger:Seeds:Path", Path.Combine(RepositoryRoot(), "seeds"));
            web.ConfigureServices(services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(clock);
                services.RunWolverineInSoloMode();
            });
        });
        var host = new LedgerHost(factory, clock);
        return host;
    }

    /// <summary>A request as a clerk (or whoever <paramref name="actor"/> is) would send it.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string url, object? body = null, string? actor = "clerk-1",
        string? channel = null, string? onBehalfOf = null, long? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        if (actor is not null)
        {
            request.Headers.Add(CaseHttp.ActorHeader, actor);
        }

        if (channel is not null)
        {
            request.Headers.Add(CaseHttp.ChannelHeader, channel);
        }

        if (onBehalfOf is not null)
        {
            request.Headers.Add(CaseHttp.OnBehalfOfHeader, onBehalfOf);
        }

        if (ifMatch is { } version)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        }

        return request;
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        return JsonSerializer.Deserialize<T>(body, Json) ?? throw new InvalidOperationException($"Empty body: {body}");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CaseLedger.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("The tests run outside the CaseLedger repository.");
    }
}
