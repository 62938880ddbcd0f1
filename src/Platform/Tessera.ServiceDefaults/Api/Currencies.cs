namespace Tessera.ServiceDefaults.Api;

/// <summary>ISO 4217 minor units: how many decimals an amount in a currency has (VND none, USD two, KWD three).</summary>
public static class Currencies
{
    private static readonly HashSet<string> NoDecimals = ["VND", "JPY", "KRW", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF", "XPF", "KMF", "GNF", "RWF", "VUV", "BIF", "DJF"];
    private static readonly HashSet<string> ThreeDecimals = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

    public static int MinorUnits(string currency) =>
        NoDecimals.Contains(currency) ? 0 : ThreeDecimals.Contains(currency) ? 3 : 2;

    public static decimal Round(decimal amount, string currency) =>
        Math.Round(amount, MinorUnits(currency), MidpointRounding.AwayFromZero);
}
