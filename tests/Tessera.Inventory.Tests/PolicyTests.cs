using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Inventory.Domain;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Inventory.Tests;

/// <summary>The tenant's stock policy, reorder points and reservation holds.</summary>
public sealed class PolicyTests(InventoryFactory factory) : IClassFixture<InventoryFactory>
{
    private async Task<Guid> PlaceAsync(LedgerApi api, string sku, decimal quantity)
    {
        var order = Guid.CreateVersion7();
        await factory.DeliverAsync("orders", api.Tenant, order.ToString(), new OrderPlaced(order, 1, "web", [new OrderedLine(1, sku, quantity)], DateTimeOffset.UtcNow));
        await factory.WaitForInboxAsync();
        return order;
    }

    private Task<HttpResponseMessage> PointAsync(LedgerApi api, string sku, string warehouse, decimal reorderPoint, decimal reorderQuantity = 50) =>
        api.Client.PutAsJsonAsync("/api/inventory/reorder-points", new { sku, warehouse, reorderPoint, reorderQuantity }, TesseraJson.Options);

    private async Task<List<StockBelowReorderPoint>> BelowAsync(string sku) =>
        (await factory.PublishedAsync<StockBelowReorderPoint>()).Where(e => e.Sku == sku).ToList();

    [Fact]
    public async Task Negative_stock_is_forbidden_by_default_and_a_short_issue_names_its_line_and_moves_nothing()
    {
        var api = new LedgerApi(factory, LedgerApi.NewTenant("policy"));
        var warehouse = await api.WarehouseAsync();
        var (plenty, scarce) = (api.Sku(), api.Sku());
        await api.ReceiveAsync(warehouse, plenty, 10, 1);
        await api.ReceiveAsync(warehouse, scarce, 2, 1);

        var settings = await api.Client.GetFromJsonAsync<InventorySettingsDto>("/api/inventory/settings", TesseraJson.Options);
        var refused = await api.Client.PostJsonAsync("/api/inventory/issues", new
        {
            warehouse,
            type = "supplier-return-out",
            lines = new[] { new { sku = plenty, quantity = 4m }, new { sku = scarce, quantity = 3m } },
        });

        settings!.ShouldSatisfyAllConditions(s => s.NegativeStockAllowed.ShouldBeFalse(), s => s.ReservationHoldMinutes.ShouldBeNull());
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var problem = await refused.ProblemAsync();
        problem.ErrorFields().ShouldBe(["lines[1].quantity"]);
        problem.GetProperty("errors").GetProperty("lines[1].quantity")[0].GetString()!.ShouldContain("Only 2");
        (await api.StockAsync(plenty, warehouse)).OnHand.ShouldBe(10m);
        (await api.HistoryAsync(plenty)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Settings_are_changed_by_administrators_only_conditionally_on_the_version_read_and_validated()
    {
        var api = new LedgerApi(factory, LedgerApi.NewTenant("settings"));
        var first = await api.Client.GetAsync("/api/inventory/settings");
        var etag = first.Headers.ETag!.Tag;

        var byWarehouse = await factory.ClientFor(api.Tenant, "warehouse").PutAsJsonAsync("/api/inventory/settings", new { negativeStockAllowed = true });
        var invalid = await api.Client.PutAsJsonAsync("/api/inventory/settings", new { reservationHoldMinutes = 0 });
        var changed = await Put(api, etag, new { negativeStockAllowed = true, reservationHoldMinutes = 30 });
        var stale = await Put(api, etag, new { negativeStockAllowed = false });

        byWarehouse.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await invalid.ProblemAsync()).ErrorFields().ShouldBe(["negativeStockAllowed", "reservationHoldMinutes"], ignoreOrder: true);
        (await changed.ReadAsync<InventorySettingsDto>()).ShouldSatisfyAllConditions(
            s => s.NegativeStockAllowed.ShouldBeTrue(), s => s.ReservationHoldMinutes.ShouldBe(30), s => s.Version.ShouldBe(1));
        stale.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        (await api.Client.GetFromJsonAsync<InventorySettingsDto>("/api/inventory/settings", TesseraJson.Options))!.NegativeStockAllowed.ShouldBeTrue();
        (await factory.ClientFor(LedgerApi.NewTenant("elsewhere")).GetFromJsonAsync<InventorySettingsDto>("/api/inventory/settings", TesseraJson.Options))!
            .NegativeStockAllowed.ShouldBeFalse();
    }

    private static Task<HttpResponseMessage> Put(LedgerApi api, string etag, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/inventory/settings") { Content = JsonContent.Create(body, options: TesseraJson.Options) };
        request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(etag));
        return api.Client.SendAsync(request);
    }

    [Fact]
    public async Task Crossing_under_the_reorder_point_is_published_once_per_crossing_by_issues_and_reservations_alike()
    {
        var api = new LedgerApi(factory, LedgerApi.NewTenant("reorder"));
        var warehouse = await api.WarehouseAsync();
        var sku = api.Sku();
        await api.ReceiveAsync(warehouse, sku, 20, 5);
        (await PointAsync(api, sku, warehouse, 10, 40)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await api.IssueAsync(warehouse, sku, 10); // available 10: at the point, not under it
        (await BelowAsync(sku)).ShouldBeEmpty();
        await api.IssueAsync(warehouse, sku, 1); // 9: crossed
        await api.IssueAsync(warehouse, sku, 1); // 8: still under, nothing new
        (await BelowAsync(sku)).ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            e => e.Available.ShouldBe(9m), e => e.ReorderPoint.ShouldBe(10m), e => e.ReorderQuantity.ShouldBe(40m), e => e.Warehouse.ShouldBe(warehouse));

        await api.ReceiveAsync(warehouse, sku, 12, 5); // back to 20: re-armed
        var order = await PlaceAsync(api, sku, 11); // a reservation takes available to 9: crossed again
        (await BelowAsync(sku)).Select(e => e.Available).ShouldBe([9m, 9m]);

        await factory.DeliverAsync("orders", api.Tenant, order.ToString(), new OrderCancelled(order, 1, "changed mind", OrderStatus.Confirmed));
        await factory.WaitForInboxAsync();
        await PlaceAsync(api, sku, 15); // released to 20, then 5 available: a third crossing
        (await BelowAsync(sku)).Select(e => e.Available).ShouldBe([9m, 9m, 5m]);

        var points = await api.Client.GetFromJsonAsync<List<ReorderPointDto>>($"/api/inventory/reorder-points?warehouse={warehouse}&below=true", TesseraJson.Options);
        points!.ShouldHaveSingleItem().ShouldSatisfyAllConditions(p => p.Sku.ShouldBe(sku), p => p.Available.ShouldBe(5m), p => p.Below.ShouldBeTrue());
    }

    [Fact]
    public async Task A_new_point_above_what_is_available_is_a_crossing_and_a_removed_point_publishes_nothing_more()
    {
        var api = new LedgerApi(factory, LedgerApi.NewTenant("points"));
        var warehouse = await api.WarehouseAsync();
        var (stocked, never) = (api.Sku(), api.Sku());
        await api.ReceiveAsync(warehouse, stocked, 3, 5);

        (await PointAsync(api, stocked, warehouse, 5)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var fresh = await (await PointAsync(api, never, warehouse, 2)).ReadAsync<ReorderPointDto>();
        (await api.Client.DeleteAsync($"/api/inventory/reorder-points?sku={stocked}&warehouse={warehouse}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await api.IssueAsync(warehouse, stocked, 1);

        (await BelowAsync(stocked)).ShouldHaveSingleItem().Available.ShouldBe(3m);
        (await BelowAsync(never)).ShouldHaveSingleItem().Available.ShouldBe(0m);
        fresh.ShouldSatisfyAllConditions(p => p.OnHand.ShouldBe(0m), p => p.Below.ShouldBeTrue());
        (await api.StockAsync(stocked, warehouse)).ReorderPoint.ShouldBeNull();
        var invalid = await api.Client.PutAsJsonAsync("/api/inventory/reorder-points", new { sku = "GHOST", warehouse, reorderPoint = -1m, reorderQuantity = 0m });
        (await invalid.ProblemAsync()).ErrorFields().ShouldBe(["reorderPoint", "reorderQuantity"], ignoreOrder: true);
        var ghost = await api.Client.PutAsJsonAsync("/api/inventory/reorder-points", new { sku = "GHOST", warehouse, reorderPoint = 1m, reorderQuantity = 1m });
        (await ghost.ProblemAsync()).ErrorFields().ShouldBe(["sku"]);
        (await api.Client.DeleteAsync($"/api/inventory/reorder-points?sku={stocked}&warehouse={warehouse}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Reservations_carry_the_tenants_hold_and_lapsed_ones_are_released_with_ReservationExpired_per_order()
    {
        var api = new LedgerApi(factory, LedgerApi.NewTenant("hold"));
        var warehouse = await api.WarehouseAsync();
        var sku = api.Sku();
        await api.ReceiveAsync(warehouse, sku, 10, 5);
        var unlimited = await PlaceAsync(api, sku, 1);
        await api.SettingsAsync(negativeStockAllowed: false, reservationHoldMinutes: 45);
        var before = DateTimeOffset.UtcNow;
        var held = await PlaceAsync(api, sku, 3);
        var other = await PlaceAsync(api, sku, 2);

        (await api.ReservationsAsync(unlimited)).Single().ExpiresAt.ShouldBeNull();
        (await api.ReservationsAsync(held)).Single().ExpiresAt!.Value.ShouldBeInRange(before.AddMinutes(45).AddSeconds(-5), DateTimeOffset.UtcNow.AddMinutes(45));
        await Task.Delay(1000);
        (await api.ReservationsAsync(held)).Single().Status.ShouldBe("Active");

        // Three quarters of an hour pass for this order.
        await factory.QueryAsync(api.Tenant, db => db.Reservations.Where(r => r.OrderId == held)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1))));
        await Poll.UntilAsync(async () => (await api.ReservationsAsync(held)).Single().Status, s => s == "Expired", "the lapsed reservation to be released");

        (await factory.PublishedAsync<ReservationExpired>()).Where(e => e.OrderId == held).ShouldHaveSingleItem()
            .Lines.ShouldBe([new ReservedLine(sku, warehouse, 3)]);
        (await api.ReservationsAsync(other)).Single().Status.ShouldBe("Active");
        (await api.StockAsync(sku, warehouse)).ShouldSatisfyAllConditions(s => s.Reserved.ShouldBe(3m), s => s.Available.ShouldBe(7m));
        (await factory.PublishedAsync<ReservationExpired>()).ShouldNotContain(e => e.OrderId == other || e.OrderId == unlimited);
        (await api.ConsistencyAsync()).Holds.ShouldBeTrue();
    }
}
