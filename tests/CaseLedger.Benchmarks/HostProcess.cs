using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CaseLedger.Benchmarks;

/// <summary>The host executable, started as its own process on a free loopback port.</summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private HostProcess(Process process, Uri address, string dataFolder)
    {
        _process = process;
        Address = address;
        DataFolder = dataFolder;
    }

    public Uri Address { get; }

    /// <summary>The host's process id, for reading its memory.</summary>
    public int Id => _process.Id;

    /// <summary>The host's own data folder, where it keeps its signing key; deleted with the host.</summary>
    public string DataFolder { get; }

    /// <summary>Starts the host on <paramref name="connection"/> with <paramref name="district"/> set up, and any further settings as environment variables.</summary>
    public static async Task<HostProcess> StartAsync(string connection, string district, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CaseLedger.Host.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ConnectionStrings__CaseLedger"] = connection;
        start.Environment["CaseLedger__Seeds__Enabled"] = "false";
        start.Environment["CaseLedger__Sealing__Interval"] = "00:00:00";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["CaseLedger__Districts__0"] = district;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var dataFolder = Path.Combine(Path.GetTempPath(), $"caseledger-bench-{Guid.NewGuid():N}");
        start.Environment["CaseLedger__DataFolder"] = dataFolder;
        var process = Process.Start(start) ?? throw new InvalidOperationException("The host did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = new Uri($"http://127.0.0.1:{port}");
        using var probe = new HttpClient { BaseAddress = address };
        for (var attempt = 0; attempt < 240; attempt++)
        {
            try
            {
                if ((await probe.GetAsync(new Uri("/health", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return new HostProcess(process, address, dataFolder);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("The host did not answer /health within a minute.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(DataFolder, recursive: true);
    }
}
