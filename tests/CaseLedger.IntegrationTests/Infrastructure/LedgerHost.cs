using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CaseLedger.Core;
using CaseLedger.Http;
using CaseLedger.Http.Identity;
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
        Client = new HttpClient(new SignedInAsStaff { InnerHandler = new HttpClientHandler() }) { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(2) };
    }

    /// <summary>
    /// A client of the host that signs every request in as the district's staff (a clerk, auditor and
    /// administrator of the districts its URL names), unless the request carries its own token or was
    /// made with <see cref="Anonymous"/>.
    /// </summary>
    public HttpClient Client { get; }

    /// <summary>Marks a request to be sent with no token at all.</summary>
    public static readonly HttpRequestOptionsKey<bool> Anonymous = new("caseledger-anonymous");

    /// <summary>The staff roles <see cref="Client"/> signs in with, in the order a command picks its role from.</summary>
    public static readonly Role[] StaffRoles = [Role.Clerk, Role.Auditor, Role.Administrator];

    /// <summary>Where the host listens, e.g. http://127.0.0.1:40123/.</summary>
    public Uri Address { get; }

    public TestClock Clock { get; }

    public IServiceProvider Services { get; }

    public IDocumentStore Store => Services.GetRequiredService<IDocumentStore>();

    /// <param name="connectionString">The database the host keeps its store in.</param>
    /// <param name="seeds">Whether the demo seeds are loaded into an empty store on start.</param>
    /// <param name="now">Where the host's clock starts.</param>
    /// <param name="settings">Further configuration, e.g. a rule file of promised times short enough to wait for.</param>
    public static async Task<LedgerHost> StartAsync(string connectionString, bool seeds = true, DateTimeOffset? now = null,
        IReadOnlyDictionary<string, string>? settings = null)
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
            web.UseSetting("CaseLedger:Idempotency:PurgeInterval", "00:00:00");
            // Tests sweep for deadlines past due when they mean to (DeadlineSweep), with the clock they moved.
            web.UseSetting("CaseLedger:Deadlines:SweepInterval", "00:00:00");
            // The auditor page's tests sign in as a developer would; switched on by name, whatever the environment.
            web.UseSetting("CaseLedger:Identity:DevelopmentSignIn", "true");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                web.UseSetting(key, value);
            }

            web.UseSetting("CaseLedger:Seeds:Path", Path.Combine(RepositoryRoot(), "seeds"));
            web.UseSetting("CaseLedger:DataFolder", DataFolder);
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

    /// <summary>
    /// The data folder every test host of this run shares, so they share one signing key and one seal
    /// key and witness folder (made on the first start, as the embedded default makes its own), and
    /// never the machine's own. New for each run: a witness folder left by an earlier run would hold
    /// seals of districts this run's fresh database never had.
    /// </summary>
    public static readonly string DataFolder = Path.Combine(Path.GetTempPath(), $"caseledger-tests-{Guid.NewGuid():N}");

    /// <summary>The hosts' signing key: tests sign in with real tokens, as a client of the embedded default would.</summary>
    public static TokenKeys Keys { get; } = TokenKeys.From(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), DataFolder);

    /// <summary>
    /// A token for <paramref name="actor"/> in <paramref name="roles"/> and <paramref name="districts"/>,
    /// signed in through <paramref name="channel"/>.
    /// </summary>
    public static string Token(string actor, IReadOnlyCollection<Role> roles, IReadOnlyCollection<string> districts, Channel channel,
        string? institution = null) =>
        Keys.Mint(actor, roles, districts, channel, TimeSpan.FromHours(1), DateTimeOffset.UtcNow, institution: institution);

    /// <summary>
    /// A request as a clerk (or whoever <paramref name="actor"/> is) would send it, signed in with a
    /// real token: for the districts the URL names, in <paramref name="role"/> (when not given: a
    /// resident for an online channel, proxy staff for the proxy channel, else a clerk), through
    /// <paramref name="channel"/> (a service window unless given). No actor: no token at all.
    /// </summary>
    public static HttpRequestMessage Request(HttpMethod method, string url, object? body = null, string? actor = "clerk-1",
        string? channel = null, string? onBehalfOf = null, long? ifMatch = null, Role? role = null, IReadOnlyCollection<string>? districts = null)
    {
        var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        if (actor is null)
        {
            request.Options.Set(Anonymous, true);
        }
        else
        {
            var signedInThrough = channel is null ? Channel.ServiceWindow
                : Channels.TryParse(channel, out var named) ? named : throw new ArgumentException($"'{channel}' is not a channel.", nameof(channel));
            var acting = role ?? (signedInThrough switch
            {
                Channel.Proxy => Role.Proxy,
                Channel.ServiceWindow => Role.Clerk,
                _ => Role.Resident,
            });
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(actor, [acting], districts ?? DistrictsIn(url), signedInThrough));
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

    /// <summary>The districts a URL names: its <c>/districts/{d}/</c> segment and its <c>district=</c> query values.</summary>
    public static IReadOnlyList<string> DistrictsIn(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var found = new List<string>();
        var path = url.Split('?')[0].Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (path is ["districts", var district, ..])
        {
            found.Add(Uri.UnescapeDataString(district));
        }

        foreach (var pair in url.Contains('?', StringComparison.Ordinal) ? url.Split('?', 2)[1].Split('&') : [])
        {
            if (pair.StartsWith("district=", StringComparison.Ordinal))
            {
                found.Add(Uri.UnescapeDataString(pair["district=".Length..]));
            }
        }

        return found;
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        return JsonSerializer.Deserialize<T>(body, Json) ?? throw new InvalidOperationException($"Empty body: {body}");
    }

    /// <summary>The items of one page of a list (the first, unless the request named a cursor).</summary>
    public static async Task<List<T>> ReadItemsAsync<T>(HttpResponseMessage response) =>
        [.. (await ReadAsync<Core.ListPage<T>>(response)).Items];

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

/// <summary>Signs a request in as the staff of the districts its URL names, unless it says otherwise.</summary>
internal sealed class SignedInAsStaff : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is null && !(request.Options.TryGetValue(LedgerHost.Anonymous, out var anonymous) && anonymous)
            && request.RequestUri is { } uri)
        {
            var url = uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString;
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
                LedgerHost.Token("office-staff-1", LedgerHost.StaffRoles, LedgerHost.DistrictsIn(url), Channel.ServiceWindow));
        }

        return base.SendAsync(request, cancellationToken);
    }
}
