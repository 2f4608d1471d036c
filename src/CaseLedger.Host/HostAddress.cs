namespace CaseLedger.Host;

/// <summary>Where the host listens when nothing else is configured (ASPNETCORE_URLS, --urls, Urls).</summary>
internal static class HostAddress
{
    public const string Default = "http://127.0.0.1:5080";
}
