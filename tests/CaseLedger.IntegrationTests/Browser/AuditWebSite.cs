using System.Net;
using CaseLedger.IntegrationTests.Infrastructure;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;
using Wolverine;

namespace CaseLedger.IntegrationTests.Browser;

/// <summary>
/// The real host with the seeded demo data on a fresh database, listening on a free loopback port
/// (a browser needs real HTTP, which the in-memory test server does not give), and Debian's chromium
/// driven by Playwright. One per test class: seeding the 702-household vote is the slow part.
/// </summary>
public sealed class AuditWebSite : IAsyncLifetime, IAsyncDisposable
{
    public const string District = "yuelu";

    private readonly Lock _gate = new();
    private Task? _started;
    /// <summary>The factory the host was made from; disposing it stops the host.</summary>
    private WebApplicationFactory<Program>? _host;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Where the host listens, e.g. http://127.0.0.1:40123/.</summary>
    public Uri Address { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Call StartAsync first.");

    /// <summary>Starts the host and the browser once for the class; later calls wait for the first.</summary>
    public Task StartAsync(PostgresServer server)
    {
        lock (_gate)
        {
            return _started ??= StartOnceAsync(server);
        }
    }

    private async Task StartOnceAsync(PostgresServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        await DebianChromium.EnsureInstalledAsync();

        JasperFxEnvironment.AutoStartHost = true;
        ConnectionString = await server.CreateDatabaseAsync("browser");
        var root = new WebApplicationFactory<Program>();
        _host = root;
        var factory = root.WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:CaseLedger", ConnectionString);
            web.UseSetting("CaseLedger:Seeds:Enabled", "true");
            web.UseSetting("CaseLedger:Seeds:Path", Path.Combine(LedgerHost.RepositoryRoot(), "seeds"));
            // The tests seal once, below; a background seal would change what the page says.
            web.UseSetting("CaseLedger:Sealing:Interval", "00:00:00");
            web.ConfigureServices(services => services.RunWolverineInSoloMode());
        });
        // Port 0: the operating system picks a free one; the server tells which below.
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();

        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        Address = new Uri(addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The host listens on no HTTP address ({string.Join(", ", addresses)})."));

        // One seal over the seeded district, as the hourly sealing would make, so the badge can name it.
        using (var http = new HttpClient { BaseAddress = Address })
        {
            using var response = await http.PostAsync(new Uri($"/districts/{District}/seals", UriKind.Relative), null);
            response.EnsureSuccessStatusCode();
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(DebianChromium.LaunchOptions());
    }

    /// <summary>A fresh browser context (no shared cookies or cache) with a page on the host.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Address.ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
            Locale = "en-GB",
            TimezoneId = "Asia/Shanghai",
        });
        return await context.NewPageAsync();
    }

    /// <summary>Changes stored event rows behind CaseLedger's back, as someone with database access could.</summary>
    public async Task<int> ExecuteSqlAsync(string sql, Guid caseId)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", caseId);
        command.Parameters.AddWithValue("district", District);
        return await command.ExecuteNonQueryAsync();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <summary>Closes the browser and stops the host; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_browser is { } browser)
        {
            _browser = null;
            await browser.DisposeAsync();
        }

        if (_playwright is { } playwright)
        {
            _playwright = null;
            playwright.Dispose();
        }

        if (_host is { } host)
        {
            _host = null;
            await host.DisposeAsync();
        }
    }
}
