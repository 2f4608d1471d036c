using System.Diagnostics;
using Microsoft.Playwright;

namespace CaseLedger.IntegrationTests.Browser;

/// <summary>
/// The browser the page tests drive: Debian's <c>chromium</c> package, launched by Playwright from its
/// own path. Playwright's browser download does not work on these machines, and nothing here asks for
/// one: the driver Playwright needs is copied from its NuGet package into the build output (.playwright/).
/// </summary>
public static class DebianChromium
{
    public const string Package = "chromium";

    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>
    /// Headless, no sandbox (the tests run as root), and none of Chromium's own background traffic:
    /// without those flags it keeps dialling Google's hosts, which the closed network here refuses.
    /// </summary>
    public static readonly IReadOnlyList<string> Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private static readonly Lock Gate = new();
    private static Task? _installed;

    public static BrowserTypeLaunchOptions LaunchOptions() => new()
    {
        ExecutablePath = ExecutablePath,
        Headless = true,
        Args = Arguments,
    };

    /// <summary>
    /// Installs Debian's chromium when it is missing (<c>apt-get install -y chromium</c>, as root), or
    /// fails saying which package to install. CI installs it beforehand (.ci/run); this covers a fresh
    /// machine that runs the tests directly.
    /// </summary>
    public static Task EnsureInstalledAsync()
    {
        lock (Gate)
        {
            return _installed ??= InstallWhenMissingAsync();
        }
    }

    private static async Task InstallWhenMissingAsync()
    {
        if (File.Exists(ExecutablePath))
        {
            return;
        }

        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/apt-get"))
        {
            throw new InvalidOperationException(
                $"The browser tests drive Debian's Chromium at {ExecutablePath}, which is missing, and this machine has no apt-get to install it. " +
                $"Install the Debian package '{Package}' (or a Chromium at that path).");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException(
                $"The browser tests drive Debian's Chromium at {ExecutablePath}, which is missing. " +
                $"Install the Debian package '{Package}' as root: sudo apt-get install -y {Package}");
        }

        // A fresh machine may have no package lists yet; the install is tried again after an update.
        var (code, output) = await AptGetAsync($"install -y {Package}");
        if (code != 0)
        {
            await AptGetAsync("update");
            (code, output) = await AptGetAsync($"install -y {Package}");
        }

        if (code != 0 || !File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"'apt-get install -y {Package}' did not install {ExecutablePath} (exit code {code}):{Environment.NewLine}{output}");
        }
    }

    private static async Task<(int Code, string Output)> AptGetAsync(string arguments)
    {
        var start = new ProcessStartInfo("apt-get", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("apt-get did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, $"{await stdout}{await stderr}");
    }
}
