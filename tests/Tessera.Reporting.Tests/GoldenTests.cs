using System.Text.Json;

namespace Tessera.Reporting.Tests;

/// <summary>Golden figures, worked out by hand, that a change of a model must not move.</summary>
public sealed class GoldenTests(ReportingFactory factory) : IClassFixture<ReportingFactory>
{
    [Fact]
    public async Task The_moving_average_of_each_customer_references_last_three_orders()
    {
        var shop = new Shop(factory);
        var day = new DateOnly(2026, 7, 1);
        await shop.ProductAsync("TEA", "Green tea", "Beverages", Shop.At(day, 0));
        // Totals 100, 200, 600, 300 for CRM-7 over four days (and a cancelled order, which is not hers), 50 for CRM-8,
        // an order without a reference.
        foreach (var (offset, total, customer) in new[] { (0, 100m, "CRM-7"), (1, 200m, "CRM-7"), (1, 50m, "CRM-8"), (2, 600m, "CRM-7"), (3, 300m, "CRM-7") })
            await shop.PlaceAsync(Shop.At(day.AddDays(offset), 10 + offset), "web", [new("TEA", 1m, total)], customer: customer);
        var cancelled = await shop.PlaceAsync(Shop.At(day.AddDays(2), 11), "web", [new("TEA", 1m, 9999m)], customer: "CRM-7");
        await shop.CancelAsync(cancelled, Shop.At(day.AddDays(2), 12));
        await shop.PlaceAsync(Shop.At(day, 15), "pos", [new("TEA", 1m, 70m)]);
        await factory.WaitForOdsAsync();
        await shop.RunAsync(factory, new { from = day, to = day.AddDays(3) });

        var rows = (await shop.MetricAsync("/api/reporting/metrics/customer_order_moving_avg?from=2026-07-01&to=2026-07-31")).GetProperty("rows")
            .EnumerateArray().Select(r => (r.GetProperty("customerRef").GetString(), r.GetProperty("orderSeq").GetInt64(),
                r.GetProperty("grandTotal").GetDecimal(), r.GetProperty("movingAvg3").GetDecimal()))
            .OrderBy(r => r.Item1).ThenBy(r => r.Item2).ToList();

        rows.ShouldBe([
            ("CRM-7", 1L, 100m, 100m),
            ("CRM-7", 2L, 200m, 150m),
            ("CRM-7", 3L, 600m, 300m),
            ("CRM-7", 4L, 300m, 366.6667m),
            ("CRM-8", 1L, 50m, 50m),
        ], JsonSerializer.Serialize(rows));
    }
}
