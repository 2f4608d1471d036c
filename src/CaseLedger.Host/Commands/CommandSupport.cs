using System.Globalization;
using System.Text.Json;
using CaseLedger.Core;
using CaseLedger.Http;
using JasperFx.CommandLine;

namespace CaseLedger.Host.Commands;

/// <summary>What every CaseLedger verb shares: running against the host's services, and reporting failure plainly.</summary>
internal static class CommandSupport
{
    public static readonly JsonSerializerOptions Json = new(CaseJson.Options) { WriteIndented = true };

    /// <summary>
    /// Builds the host (without starting its web server or seeding), runs the body with its services and
    /// turns any failure into one message on standard error and a non-zero exit.
    /// </summary>
    public static async Task<bool> RunAsync(NetCoreInput input, Func<IServiceProvider, Task<bool>> body)
    {
        try
        {
            using var host = input.BuildHost();
            try
            {
                return await body(host.Services);
            }
            finally
            {
                if (host.Services is IAsyncDisposable services)
                {
                    await services.DisposeAsync();
                }
            }
        }
        catch (CommandFailure failure)
        {
            return Fail(failure.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Fail($"{e.GetType().Name}: {e.Message}");
        }
    }

    public static bool Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return false;
    }

    public static string Require(string? value, string what) =>
        string.IsNullOrWhiteSpace(value) ? throw new CommandFailure($"{what} is required.") : value.Trim();

    public static Guid ParseGuid(string? text, string what) =>
        Guid.TryParse(text, out var id) ? id : throw new CommandFailure($"{what} must be a case id (a GUID), not '{text}'.");

    public static DateTimeOffset? ParseTime(string? text, string what) =>
        string.IsNullOrWhiteSpace(text)
            ? null
            : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                ? t
                : throw new CommandFailure($"{what} must be an ISO 8601 time such as 2024-04-08T09:00:00+08:00, not '{text}'.");

    public static string District(string? text)
    {
        var district = Require(text, "A district");
        return CaseHttp.CheckDistrict(district) is null
            ? district
            : throw new CommandFailure($"'{district}' is not a district id: lower-case letters, digits and dashes.");
    }

    /// <summary>
    /// A folder under the repository's <c>seeds/</c> (e.g. <c>scenarios</c>), found from the current folder
    /// upwards, so the verbs work from the repository root and through <c>dotnet run --project</c> alike.
    /// </summary>
    public static string? SeedsFolder(string name)
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "seeds", name);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static void WriteJson(object value) => Console.WriteLine(JsonSerializer.Serialize(value, value.GetType(), Json));
}

/// <summary>A failure the user can fix: reported as one line, with a non-zero exit.</summary>
internal sealed class CommandFailure(string message) : Exception(message);
