namespace CaseLedger.Core;

/// <summary>How a case or a step of it reached the service.</summary>
public enum Channel
{
    ServiceWindow,
    OnlinePlatform,
    WeChatMiniProgram,
    AlipayMiniProgram,
    /// <summary>"Help-and-handle" staff acting for someone who cannot come; the acting context then names both.</summary>
    Proxy,
    /// <summary>A telephone line staffed around the clock (the water company's 24-hour hotline): the operator enters the caller's request.</summary>
    Hotline,
    /// <summary>A partner institution's own system (a bank's counter, a notary's office), through which its clerks act on a shared case.</summary>
    Partner,
    /// <summary>CaseLedger itself, e.g. the periodic sealing of districts; never a person's channel.</summary>
    System,
}

/// <summary>Reads channels by their names only: never numbers, never lists of names.</summary>
public static class Channels
{
    /// <summary>The channel named (ignoring case), or false; "1" or "OnlinePlatform,Proxy" are not channels.</summary>
    public static bool TryParse(string? text, out Channel channel) => ByName.TryGetValue(text?.Trim() ?? "", out channel);

    // Looked up by name, not by listing the names at every call: verification reads the channel of every decision it decides again.
    private static readonly Dictionary<string, Channel> ByName = Enum.GetValues<Channel>().ToDictionary(c => c.ToString(), StringComparer.OrdinalIgnoreCase);

    /// <summary>The channels a person may act through (all but <see cref="Channel.System"/>).</summary>
    public static IReadOnlyList<Channel> OfPeople { get; } = Enum.GetValues<Channel>().Where(c => c != Channel.System).ToList();
}
