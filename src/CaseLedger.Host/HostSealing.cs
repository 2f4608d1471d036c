using CaseLedger.Audit;

namespace CaseLedger.Host;

/// <summary>
/// The host's sealing: its key and witness folder live in its data folder unless configured
/// (<c>CaseLedger:Sealing</c>, see docs/tamper-evidence.md), never in the database.
/// </summary>
internal static class HostSealing
{
    public static WebApplicationBuilder AddHostSealing(this WebApplicationBuilder builder)
    {
        // Made when first needed (the periodic sealer needs it at start), so verbs that never seal
        // or verify make no key.
        builder.Services.AddSingleton(sp => Sealing.From(builder.Configuration, HostIdentity.DataFolder(builder.Configuration)));
        return builder;
    }
}
