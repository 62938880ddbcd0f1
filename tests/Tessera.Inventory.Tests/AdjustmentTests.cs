using System.Net.Http.Json;
using Tessera.Inventory.Contracts;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Inventory.Tests;

/// <summary>A confirmed order's lines change: its reservation moves by exactly the difference, or not at all.</summary>
public sealed class AdjustmentTests(InventoryFactory factory) : IClassFixture<InventoryFactory>
{
    private const string Tenant = "acme";
    private readonly HttpClient _admin = factory.ClientFor(Tenant);

    private async Task<string> Warehouse()
    {
        var code = "W" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        await _admin.PostJsonAsync("/api/inventory/warehouses", new { code, name = code });
        return code;
    }

    private async Task<string> Stocked(string warehouse, decimal quantity)
    {
        var sku = factory.Catalog.Add();
        await _admin.PostJsonAsync("/api/inventory/receipts", new { warehouse, lines = new[] { new { sku, quantity, unitCost = 10m } } });
        return sku;
    }

    private async Task<Guid> Reserved(params (string Sku, decimal Quantity)[] lines)
    {
        var id = Guid.CreateVersion7();
        await factory.DeliverAsync("orders", Tenant, id.ToString(),
            new OrderPlaced(id, 1, "web", lines.Select((l, i) => new OrderedLine(i + 1, l.Sku, l.Quantity)).ToList(), DateTimeOffset.UtcNow));
        await factory.WaitForInboxAsync();
        return id;
    }

    private async Task<Guid> Change(Guid order, params (string Sku, decimal Quantity)[] lines)
    {
        var changeId = Guid.CreateVersion7();
        await factory.DeliverAsync("orders", Tenant, order.ToString(), new OrderChanged(order, 1, 2, ["lines"],
            new LineChangeDto(changeId, lines.Select((l, i) => new OrderedLine(i + 1, l.Sku, l.Quantity)).ToList())));
        await factory.WaitForInboxAsync();
        return changeId;
    }

    private async Task<decimal> ReservedOf(string sku, string warehouse) =>
        (await _admin.GetFromJsonAsync<List<StockDto>>($"/api/inventory/stock?sku={sku}&warehouse={warehouse}", TesseraJson.Options))!.Single().Reserved;

    private async Task<decimal> ReservedFor(Guid order, string sku) =>
        (await _admin.GetFromJsonAsync<List<ReservationDto>>($"/api/inventory/reservations?orderId={order}", TesseraJson.Options))!
            .Where(r => r.Sku == sku && r.Status == "Active").Sum(r => r.Quantity);

    [Fact]
    public async Task More_of_one_line_less_of_another_and_a_removed_line_move_the_reservation_by_exactly_the_difference()
    {
        var warehouse = await Warehouse();
        var (a, b, c) = (await Stocked(warehouse, 20), await Stocked(warehouse, 20), await Stocked(warehouse, 20));
        var order = await Reserved((a, 3), (b, 5), (c, 2));

        var changeId = await Change(order, (a, 7), (b, 1));

        (await ReservedOf(a, warehouse), await ReservedOf(b, warehouse), await ReservedOf(c, warehouse)).ShouldBe((7m, 1m, 0m));
        (await ReservedFor(order, a), await ReservedFor(order, b), await ReservedFor(order, c)).ShouldBe((7m, 1m, 0m));
        var adjusted = (await factory.PublishedAsync<ReservationAdjusted>()).Single(e => e.ChangeId == changeId);
        adjusted.Reserved.ShouldBe([new ReservedLine(a, warehouse, 4m)]);
        adjusted.Released.ShouldBe([new ReservedLine(b, warehouse, 4m), new ReservedLine(c, warehouse, 2m)], ignoreOrder: true);
    }

    [Fact]
    public async Task An_increase_that_cannot_be_reserved_moves_nothing_and_names_the_short_line()
    {
        var warehouse = await Warehouse();
        var (a, b) = (await Stocked(warehouse, 5), await Stocked(warehouse, 20));
        var order = await Reserved((a, 3), (b, 5));

        var changeId = await Change(order, (a, 9), (b, 1));

        (await ReservedOf(a, warehouse), await ReservedOf(b, warehouse)).ShouldBe((3m, 5m));
        var failed = (await factory.PublishedAsync<ReservationAdjustmentFailed>()).Single(e => e.ChangeId == changeId);
        failed.ShortLines.ShouldBe([new ShortLine(a, 6m, 2m)]);
    }

    [Fact]
    public async Task A_change_to_an_order_with_nothing_reserved_is_refused()
    {
        var warehouse = await Warehouse();
        var a = await Stocked(warehouse, 1);
        var order = await Reserved((a, 5));

        var changeId = await Change(order, (a, 1));

        (await factory.PublishedAsync<ReservationAdjustmentFailed>()).Single(e => e.ChangeId == changeId).Reason.ShouldContain("Nothing is reserved");
        (await ReservedOf(a, warehouse)).ShouldBe(0m);
    }

    [Fact]
    public async Task Cancelling_after_a_decrease_releases_only_what_is_still_reserved()
    {
        var warehouse = await Warehouse();
        var a = await Stocked(warehouse, 10);
        var order = await Reserved((a, 6));
        await Change(order, (a, 2));

        await factory.DeliverAsync("orders", Tenant, order.ToString(), new OrderCancelled(order, 1, "changed mind", OrderStatus.Confirmed));
        await factory.WaitForInboxAsync();

        (await ReservedOf(a, warehouse)).ShouldBe(0m);
        (await factory.PublishedAsync<StockReleased>()).Single(e => e.OrderId == order).Lines.ShouldBe([new ReservedLine(a, warehouse, 2m)]);
    }
}
