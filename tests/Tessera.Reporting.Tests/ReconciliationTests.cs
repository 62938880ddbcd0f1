using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Messaging.Outbox;
using Tessera.Reporting.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Reporting.Tests;

/// <summary>Reconciliation of the warehouse with the services' own figures, per source and business date; I9.</summary>
public sealed class ReconciliationTests(ReportingFactory factory) : IClassFixture<ReportingFactory>
{
    private static readonly DateOnly Day = new(2026, 6, 1);

    private async Task<Shop> BusinessAsync(DateOnly? on = null)
    {
        var Day = on ?? ReconciliationTests.Day;
        var shop = new Shop(factory);
        await shop.ProductAsync("TEA", "Green tea", "Beverages", Shop.At(Day, 0));
        await shop.ReceiveAsync("HCM", "TEA", 100m, 40000m, Shop.At(Day, 7));
        var shipped = await shop.PlaceAsync(Shop.At(Day, 9), "web", [new("TEA", 4m, 65000m)], shippingFee: 20000m);
        await shop.ConfirmAsync(shipped, "HCM", Shop.At(Day, 9, 1));
        await shop.ShipAsync(shipped, "HCM", Shop.At(Day, 13));
        var cancelled = await shop.PlaceAsync(Shop.At(Day, 10), "web", [new("TEA", 1m, 65000m)]);
        await shop.CancelAsync(cancelled, Shop.At(Day, 11));
        await factory.WaitForOdsAsync();
        await shop.RunAsync(factory, new { from = Day, to = Day });
        return shop;
    }

    private static async Task<List<ReconciliationDto>> ReconcileAsync(Shop shop)
    {
        var response = await shop.Client.PostAsync($"/api/reporting/reconciliation?date={Day:yyyy-MM-dd}", null);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<List<ReconciliationDto>>();
    }

    [Fact]
    public async Task The_warehouse_agrees_with_the_services_on_orders_revenue_and_every_movement_type()
    {
        var shop = await BusinessAsync();

        var results = await ReconcileAsync(shop);

        results.Select(r => (r.Source, r.Measure, r.Warehouse, r.Service, r.DiffRate, r.Ok)).ShouldBe([
            ("inventory", "documents", 2m, 2m, 0m, true),
            ("inventory", "purchase-in:quantity", 100m, 100m, 0m, true),
            ("inventory", "purchase-in:value", 4000000m, 4000000m, 0m, true),
            ("inventory", "sales-out:quantity", -4m, -4m, 0m, true),
            ("inventory", "sales-out:value", -160000m, -160000m, 0m, true),
            ("orders", "gmv:VND", 280000m, 280000m, 0m, true),
            ("orders", "orders", 2m, 2m, 0m, true),
        ]);
        (await shop.Client.GetFromJsonAsync<List<ReconciliationDto>>($"/api/reporting/reconciliation?date={Day:yyyy-MM-dd}", TesseraJson.Options))!
            .Select(r => r.Measure).ShouldBe(results.Select(r => r.Measure));
    }

    [Fact]
    public async Task A_broken_source_figure_is_flagged_with_its_diff_rate_an_alert_and_a_ReconciliationFailed_event_and_breaks_I9()
    {
        var shop = await BusinessAsync();
        factory.Sources.OrdersRevenueOffset = 28000m;
        try
        {
            var results = await ReconcileAsync(shop);

            var gmv = results.Single(r => r.Measure == "gmv:VND");
            (gmv.Warehouse, gmv.Service, gmv.DiffRate, gmv.Ok).ShouldBe((280000m, 308000m, Math.Round(28000m / 308000m, 6), false));
            results.Where(r => r.Measure != "gmv:VND").ShouldAllBe(r => r.Ok);
            var alerts = (await shop.Client.GetFromJsonAsync<List<AlertDto>>("/api/reporting/alerts", TesseraJson.Options))!;
            alerts.ShouldContain(a => a.Kind == "reconciliation" && a.Subject == "orders/gmv:VND@2026-06-01" && a.Message.Contains("diff rate 0.090909"));
            var published = await factory.QueryAsync(null, db => db.Set<OutboxMessage>().Where(m => m.Type == "ReconciliationFailed" && m.Tenant == shop.Tenant).ToListAsync());
            var failed = JsonSerializer.Deserialize<ReconciliationFailed>(published.ShouldHaveSingleItem().Payload, TesseraJson.Options)!;
            (failed.BusinessDate, failed.Source, failed.Measure, failed.Warehouse, failed.Service).ShouldBe((Day, "orders", "gmv:VND", 280000m, 308000m));

            // The same difference found again is not announced twice.
            await ReconcileAsync(shop);
            (await factory.QueryAsync(null, db => db.Set<OutboxMessage>().CountAsync(m => m.Type == "ReconciliationFailed" && m.Tenant == shop.Tenant))).ShouldBe(1);
        }
        finally
        {
            factory.Sources.OrdersRevenueOffset = 0m;
        }
        var fixedAgain = await ReconcileAsync(shop);
        fixedAgain.ShouldAllBe(r => r.Ok);
        (await shop.Client.GetFromJsonAsync<List<AlertDto>>("/api/reporting/alerts", TesseraJson.Options))!.ShouldNotContain(a => a.Kind == "reconciliation");
    }

    [Fact]
    public async Task I9_checks_the_closed_days_the_warehouse_holds()
    {
        var yesterday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shop.Zone).DateTime).AddDays(-1);
        var shop = await BusinessAsync(yesterday);
        var holds = (await shop.Client.GetFromJsonAsync<ConsistencyReportDto>("/api/reporting/consistency", TesseraJson.Options))!;
        var i9 = holds.Invariants.ShouldHaveSingleItem();
        (i9.Id, i9.Holds, holds.Holds).ShouldBe(("I9", true, true), JsonSerializer.Serialize(holds));
        i9.Checked.ShouldBe(7);

        factory.Sources.OrdersRevenueOffset = 1m;
        try
        {
            var broken = (await shop.Client.GetFromJsonAsync<ConsistencyReportDto>("/api/reporting/consistency", TesseraJson.Options))!;
            broken.Holds.ShouldBeFalse();
            broken.Invariants.Single().Violations.ShouldHaveSingleItem().Key.ShouldBe($"orders gmv:VND {yesterday:yyyy-MM-dd}");
        }
        finally
        {
            factory.Sources.OrdersRevenueOffset = 0m;
        }

        factory.Sources.OrdersHandler.Down = true;
        try
        {
            (await shop.Client.PostAsync($"/api/reporting/reconciliation?date={Day:yyyy-MM-dd}", null)).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            factory.Sources.OrdersHandler.Down = false;
        }
    }
}
