using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CaseLedger.Host;

/// <summary>Where the host listens, and the line that tells its user so.</summary>
internal static class HostAddress
{
    /// <summary>Where the host listens when nothing else is configured (ASPNETCORE_URLS, --urls, Urls).</summary>
    public const string Default = "http://127.0.0.1:5080";

    /// <summary>Once the host listens: its addresses, the auditor's page, the API description, and how to get a token.</summary>
    public static void AnnounceAddresses(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CaseLedger.Host");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
            if (addresses.Count == 0)
            {
                return;
            }

            var first = addresses[0].TrimEnd('/');
            logger.LogInformation("CaseLedger listens on {Addresses}: the auditor's page is {Page}, the API {Try} (description: {Api}).",
                string.Join(", ", addresses), first + "/audit/", first + "/api/", first + "/openapi/v1.json");
            logger.LogInformation("A token to sign in with: the token command (from the repository, `dotnet run --project src/CaseLedger.Host -- help token`), " +
                "or POST /dev/tokens where the development sign-in is on.");
        });
    }
}
