using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CaseLedger.Core;
using CaseLedger.Http;
using JasperFx.CommandLine;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Wolverine;

namespace CaseLedger.IntegrationTests.Infrastructure;

/// <summary>
/// The real host on the test database, with a clock the tests move, listening on a free loopback
/// port (a browser needs real HTTP) and seeded with the demo data on start.
/// </summary>
public sealed class LedgerHost : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = CaseJson.Options;

    private readonly WebApplicationFactory<Program> _root;

    private LedgerHost(WebApplicationFactory<Program> root, WebApplicationFactory<Program> factory, TestClock clock)
    {
        _root = root;
        Clock = clock;
        Services = factory.Services;
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        Address = new Uri(addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The host listens on no HTTP address ({string.Join(", ", addresses)})."));
        Client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(2) };
    }

    public HttpClient Client { get; }

    /// <summary>Where the host listens, e.g. http://127.0.0.1:40123/.</summary>
    public Uri Address { get; }

    public TestClock Clock { get; }

    public IServiceProvider Services { get; }

    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();

    public static async Task<LedgerHost> StartAsync(string connectionString, bool seeds = true, DateTimeOffset? now = null)
    {
        JasperFxEnvironment.AutoStartHost = true;
        var clock = new TestClock(now ?? Votes.Start);
        var root = new WebApplicationFactory<Program>();
        var factory = root.WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:CaseLedger", connectionString);
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
        // Port 0: the operating system picks a free one; the server says which.
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        await Task.Run(factory.StartServer);
        return new LedgerHost(root, factory, clock);
    }

    /// <summary>A request as a clerk (or whoever <paramref name="actor"/> is) would send it.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string url, object? body = null, string? actor = "clerk-1",
        string? channel = null, string? onBehalfOf = null, long? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
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
        await _root.DisposeAsync();
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
