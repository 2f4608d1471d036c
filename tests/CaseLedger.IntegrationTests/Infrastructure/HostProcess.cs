using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using CaseLedger.Core;
using CaseLedger.LocalPostgres;

namespace CaseLedger.IntegrationTests.Infrastructure;

/// <summary>
/// The host executable run as its own process on the embedded default: no connection string, so it
/// starts (or adopts) its own PostgreSQL cluster in <see cref="DataDirectory"/>, a throwaway folder,
/// and looks after it. For tests that kill the database or the host, which must never touch the
/// run's shared server. Everything the process writes is kept in <see cref="Output"/>. It signs tokens
/// with the test hosts' key, so <see cref="LedgerHost.Token"/> works against it.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private int _disposed;

    private HostProcess(Process process, Uri address, string dataDirectory)
    {
        _process = process;
        Address = address;
        DataDirectory = dataDirectory;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(1) };
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    /// <summary>The embedded cluster's data folder.</summary>
    public string DataDirectory { get; }

    /// <summary>The port the host was told to start its embedded cluster on (CaseLedger:LocalPostgres:Port).</summary>
    public int PostgresPort { get; private init; }

    /// <summary>A client of the host; requests carry their own tokens (<see cref="LedgerHost.Token"/>).</summary>
    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process wrote to standard output and standard error so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The process id in the cluster's <c>postmaster.pid</c>, or null when there is none.</summary>
    public int? PostmasterId => PostmasterIdIn(DataDirectory);

    public static int? PostmasterIdIn(string dataDirectory)
    {
        try
        {
            return int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Starts the host on a free loopback port with its cluster in <paramref name="dataDirectory"/> (a new
    /// throwaway folder when not given), the districts named set up, and waits until it is ready.
    /// </summary>
    public static async Task<HostProcess> StartAsync(IReadOnlyList<string> districts, string? dataDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(districts);
        // The key is made on first use; the host must find it rather than make one of its own.
        _ = LedgerHost.Keys;
        dataDirectory ??= LocalPostgresCluster.CreateThrowawayDirectory();
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CaseLedger.Host.dll"));
        // As the README tells an operator to: the environment variable, which no settings file overrides.
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ConnectionStrings__CaseLedger"] = "";
        // As deployed: not the Development environment, whatever the test run's own is.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["CaseLedger__LocalPostgres__DataDirectory"] = dataDirectory;
        // The embedded cluster on a port of the test's choosing, as an operator may set it.
        var postgresPort = FreePort();
        start.Environment["CaseLedger__LocalPostgres__Port"] = postgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["CaseLedger__DataFolder"] = LedgerHost.DataFolder;
        start.Environment["CaseLedger__Seeds__Enabled"] = "false";
        start.Environment["CaseLedger__Sealing__Interval"] = "00:00:00";
        start.Environment["CaseLedger__Idempotency__PurgeInterval"] = "00:00:00";
        for (var i = 0; i < districts.Count; i++)
        {
            start.Environment[$"CaseLedger__Districts__{i}"] = districts[i];
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var host = new HostProcess(process, new Uri($"http://127.0.0.1:{port}"), dataDirectory) { PostgresPort = postgresPort };
        var waited = Stopwatch.StartNew();
        while (!await host.AnswersAsync("/health/ready"))
        {
            if (process.HasExited || waited.Elapsed > StartPatience)
            {
                var output = host.Output;
                await host.DisposeAsync();
                throw new InvalidOperationException($"The host did not become ready:{Environment.NewLine}{output}");
            }

            await Task.Delay(200);
        }

        return host;
    }

    /// <summary>Whether the path answers 200 now (false while the host is not listening yet).</summary>
    public async Task<bool> AnswersAsync(string path)
    {
        try
        {
            using var response = await Client.GetAsync(new Uri(path, UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, for at most <paramref name="patience"/>.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan patience)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > patience)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    public static HttpRequestMessage Request(HttpMethod method, string url, string district, HttpContent? content = null, Role role = Role.Clerk,
        string actor = "clerk-1")
    {
        var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", LedgerHost.Token(actor, [role], [district],
            role == Role.Resident ? Channel.OnlinePlatform : Channel.ServiceWindow));
        return request;
    }

    /// <summary>Kills the host at once, as a crash would: it stops nothing on its way out.</summary>
    public async Task CrashAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>Asks the host to stop (SIGTERM, as a service manager would) and waits until it has.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _process.WaitForExitAsync(patience.Token);
    }

    /// <summary>Sends SIGKILL to a process of the cluster, as the operating system's out-of-memory killer would.</summary>
    public static void Kill(int processId)
    {
        using var process = Process.GetProcessById(processId);
        process.Kill();
    }

    public static bool Runs(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            if (process.HasExited)
            {
                return false;
            }

            // A killed process that its parent has not reaped yet is a zombie, not a running one.
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException)
        {
            return false;
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops the host if it still runs (which stops the cluster it looks after), then deletes the cluster's folders.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Client.Dispose();
        if (!_process.HasExited)
        {
            await StopAsync();
        }

        _process.Dispose();
        await DeleteClusterAsync(DataDirectory);
    }

    /// <summary>Stops whatever server still runs on the folder (a test that crashed its hosts leaves one), then deletes it.</summary>
    public static async Task DeleteClusterAsync(string dataDirectory)
    {
        if (PostmasterIdIn(dataDirectory) is { } postmaster && Runs(postmaster))
        {
            await using var leftover = await LocalPostgresCluster.StartAsync(new LocalPostgresOptions { DataDirectory = dataDirectory, DeleteOnDispose = true });
            return;
        }

        foreach (var folder in new[] { dataDirectory, dataDirectory + "-socket" }.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }

        File.Delete(dataDirectory + ".lock");
        File.Delete(dataDirectory + ".password");
    }
}
