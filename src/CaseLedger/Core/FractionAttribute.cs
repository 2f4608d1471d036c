namespace CaseLedger.Core;

/// <summary>
/// Marks a decimal member that is a fraction (a rate, a share), not an amount. Every other decimal
/// CaseLedger reads or writes is an amount in hundredths (yuan with fen, m² with two decimals), and the
/// API description says so (a multiple of 0.01); a fraction may have more decimal places.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class FractionAttribute : Attribute;
