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
    /// <summary>CaseLedger itself, e.g. the periodic sealing of districts; never a person's channel.</summary>
    System,
}
