using System.Net;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace CaseLedger.IntegrationTests.Browser;

/// <summary>
/// Debian's chromium, driven by Playwright, pointed at the run's one host (which listens on a
/// loopback port and holds the seeded demo district). One browser per test class; each test opens
/// its own tab (<see cref="AuditTab"/>) and signs in through the page.
/// </summary>
public sealed class AuditWebSite : IAsyncLifetime, IAsyncDisposable
{
    public const string District = Ledger.SeededDistrict;

    private readonly Lock _gate = new();
    private Task? _started;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Where the host listens, e.g. http://127.0.0.1:40123/.</summary>
    public Uri Address { get; private set; } = null!;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Call StartAsync first.");

    /// <summary>Starts the browser once for the class; later calls wait for the first.</summary>
    public Task StartAsync(Ledger ledger)
    {
        lock (_gate)
        {
            return _started ??= StartOnceAsync(ledger);
        }
    }

    private async Task StartOnceAsync(Ledger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        await DebianChromium.EnsureInstalledAsync();
        Address = ledger.Host.Address;

        // A seal over the seeded district, as the hourly sealing would make, so the badge can name it:
        // sealing is for administrators, signed in with a real token.
        using (var seal = LedgerHost.Request(HttpMethod.Post, $"/districts/{District}/seals", actor: "administrator-1", role: Role.Administrator))
        {
            using var response = await ledger.Client.SendAsync(seal);
            response.StatusCode.ShouldBeOneOf(HttpStatusCode.OK, HttpStatusCode.UnprocessableEntity);
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

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <summary>Closes the browser; safe to call more than once.</summary>
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
    }
}
