using System.Globalization;

namespace Tessera.Orders.Fulfilment;

/// <summary>
/// Deadlines of the fulfilment process per service level (Tessera:Orders:Fulfilment). An order's service level is
/// matched without regard to case; an order without one, or with one not listed, gets the default level's deadlines.
/// </summary>
public sealed class FulfilmentOptions
{
    public const string Section = "Tessera:Orders:Fulfilment";

    public string DefaultServiceLevel { get; set; } = "standard";

    /// <summary>How long the warehouses have, from the first shipment request, to dispatch every shipment.</summary>
    public Dictionary<string, TimeSpan> DispatchWithin { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["same-day"] = TimeSpan.FromHours(4),
        ["express"] = TimeSpan.FromHours(24),
        ["standard"] = TimeSpan.FromHours(48),
        ["economy"] = TimeSpan.FromHours(96),
        ["pickup"] = TimeSpan.FromHours(48),
    };

    /// <summary>How long the carrier (or, for pickup, the customer collecting it) has, from a shipment's dispatch, to deliver it.</summary>
    public Dictionary<string, TimeSpan> DeliverWithin { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["same-day"] = TimeSpan.FromHours(12),
        ["express"] = TimeSpan.FromDays(2),
        ["standard"] = TimeSpan.FromDays(5),
        ["economy"] = TimeSpan.FromDays(10),
        ["pickup"] = TimeSpan.FromDays(7),
    };

    /// <summary>How often the deadlines are checked.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Orders whose alerts are raised in one transaction.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>The service level as the deadlines know it: the order's own, lower-case, or the default.</summary>
    public string Level(string? serviceLevel)
    {
        var level = serviceLevel?.Trim().ToLowerInvariant();
        return level is { Length: > 0 } ? level : DefaultServiceLevel;
    }

    public TimeSpan DispatchDeadline(string level) => Deadline(DispatchWithin, level, TimeSpan.FromHours(48));

    public TimeSpan DeliveryDeadline(string? level) => Deadline(DeliverWithin, Level(level), TimeSpan.FromDays(5));

    private TimeSpan Deadline(Dictionary<string, TimeSpan> table, string level, TimeSpan fallback) =>
        table.TryGetValue(level, out var within) ? within
        : table.TryGetValue(DefaultServiceLevel, out var standard) ? standard
        : fallback;

    public static string Hours(TimeSpan span) => span.TotalHours.ToString("0.#", CultureInfo.InvariantCulture) + " h";
}
