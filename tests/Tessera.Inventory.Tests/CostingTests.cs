using System.Net;
using Tessera.Inventory.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Testing;

namespace Tessera.Inventory.Tests;

/// <summary>Moving-average costing through the API and the events, movement type by movement type.</summary>
public sealed class CostingTests(InventoryFactory factory) : IClassFixture<InventoryFactory>
{
    private readonly LedgerApi _api = new(factory);

    [Fact]
    public async Task Receive_10_at_100_and_10_at_130_average_115_issue_5_worth_575_receive_5_at_160_leaves_20_worth_2525_at_126_25()
    {
        var warehouse = await _api.WarehouseAsync();
        var sku = _api.Sku();

        await _api.ReceiveAsync(warehouse, sku, 10, 100);
        await _api.ReceiveAsync(warehouse, sku, 10, 130);
        var averaged = await _api.StockAsync(sku, warehouse);
        var issued = await (await _api.IssueAsync(warehouse, sku, 5)).ReadAsync<IssueDto>();
        await _api.ReceiveAsync(warehouse, sku, 5, 160);

        (averaged.OnHand, averaged.Value, averaged.AverageCost).ShouldBe((20m, 2300m, 115m));
        issued.Lines.ShouldBe([new MovedLine(sku, 5, 115, 575)]);
        var stock = await _api.StockAsync(sku, warehouse);
        (stock.OnHand, stock.Value, stock.AverageCost).ShouldBe((20m, 2525m, 126.25m));
        var history = (await _api.HistoryAsync(sku, warehouse)).AsEnumerable().Reverse()
            .Select(m => (m.Type, m.Quantity, m.UnitCost, m.Value, m.BalanceQuantity, m.BalanceValue, m.BalanceAverageCost)).ToList();
        history.ShouldBe([
            ("purchase-in", 10m, 100m, 1000m, 10m, 1000m, 100m),
            ("purchase-in", 10m, 130m, 1300m, 20m, 2300m, 115m),
            ("sales-out", -5m, 115m, -575m, 15m, 1725m, 115m),
            ("purchase-in", 5m, 160m, 800m, 20m, 2525m, 126.25m),
        ]);
        (await factory.PublishedAsync<StockIssued>()).Single(e => e.SourceId == issued.Id.ToString())
            .ShouldSatisfyAllConditions(e => e.MovementType.ShouldBe("sales-out"), e => e.SourceType.ShouldBe("issue"), e => e.Lines.ShouldBe(issued.Lines));
    }

    [Fact]
    public async Task Every_movement_type_moves_quantity_and_value_as_the_moving_average_says()
    {
        var (a, b) = (await _api.WarehouseAsync(), await _api.WarehouseAsync());
        var sku = _api.Sku();
        await _api.ReceiveAsync(a, sku, 10, 100);
        await _api.ReceiveAsync(a, sku, 10, 130);
        (await _api.IssueAsync(a, sku, 5)).StatusCode.ShouldBe(HttpStatusCode.Created);
        await _api.ReceiveAsync(a, sku, 5, 160);
        (await _api.IssueAsync(a, sku, 2, "supplier-return-out")).StatusCode.ShouldBe(HttpStatusCode.Created);

        var transfer = await (await _api.Client.PostJsonAsync("/api/inventory/transfers",
            new { fromWarehouse = a, toWarehouse = b, lines = new[] { new { sku, quantity = 4m } } })).ReadAsync<TransferDto>();
        await (await _api.Client.PostJsonAsync($"/api/inventory/transfers/{transfer.Id}/ship", new { })).ReadAsync<TransferDto>();
        await (await _api.Client.PostJsonAsync($"/api/inventory/transfers/{transfer.Id}/receive", new { })).ReadAsync<TransferDto>();

        await CountAsync(a, sku, 13);
        await CountAsync(b, sku, 5);

        var (order, shipment) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await factory.DeliverAsync("logistics", _api.Tenant, order.ToString(),
            new ShipmentDispatched(shipment, order, a, "GHN", "WB-1", [new ShippedLine(sku, 3)], DateTimeOffset.UtcNow));
        await factory.WaitForInboxAsync();
        await factory.DeliverAsync("logistics", _api.Tenant, order.ToString(),
            new ReturnToOriginReceived(shipment, order, a, [new ShippedLine(sku, 3)], DateTimeOffset.UtcNow));
        await factory.WaitForInboxAsync();

        (await Moves(sku, a)).ShouldBe([
            ("purchase-in", 10m, 1000m, 10m, 1000m),
            ("purchase-in", 10m, 1300m, 20m, 2300m),
            ("sales-out", -5m, -575m, 15m, 1725m),
            ("purchase-in", 5m, 800m, 20m, 2525m),
            ("supplier-return-out", -2m, -252.5m, 18m, 2272.5m),
            ("transfer-out", -4m, -505m, 14m, 1767.5m),
            ("count-adjust-out", -1m, -126.25m, 13m, 1641.25m),
            ("sales-out", -3m, -378.75m, 10m, 1262.5m),
            ("customer-return-in", 3m, 378.75m, 13m, 1641.25m),
        ]);
        (await Moves(sku, b)).ShouldBe([
            ("transfer-in", 4m, 505m, 4m, 505m),
            ("count-adjust-in", 1m, 126.25m, 5m, 631.25m),
        ]);
        (await _api.StockAsync(sku, a)).ShouldSatisfyAllConditions(s => s.OnHand.ShouldBe(13m), s => s.Value.ShouldBe(1641.25m), s => s.AverageCost.ShouldBe(126.25m));
        (await _api.StockAsync(sku, b)).ShouldSatisfyAllConditions(s => s.OnHand.ShouldBe(5m), s => s.Value.ShouldBe(631.25m), s => s.AverageCost.ShouldBe(126.25m));
        (await _api.ConsistencyAsync()).Holds.ShouldBeTrue();
    }

    [Fact]
    public async Task Issuing_everything_leaves_zero_worth_zero_and_the_next_receipt_sets_a_fresh_average()
    {
        var warehouse = await _api.WarehouseAsync();
        var sku = _api.Sku();
        await _api.ReceiveAsync(warehouse, sku, 3, 33.3333m);
        await _api.ReceiveAsync(warehouse, sku, 0.0001m, 7);

        (await _api.IssueAsync(warehouse, sku, 1)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await _api.IssueAsync(warehouse, sku, 2.0001m)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var empty = await _api.StockAsync(sku, warehouse);
        await _api.ReceiveAsync(warehouse, sku, 4, 12.5m);

        (empty.OnHand, empty.Value).ShouldBe((0m, 0m));
        var stock = await _api.StockAsync(sku, warehouse);
        (stock.OnHand, stock.Value, stock.AverageCost).ShouldBe((4m, 50m, 12.5m));
        (await _api.HistoryAsync(sku, warehouse)).Sum(m => m.Value).ShouldBe(50m);
    }

    private async Task CountAsync(string warehouse, string sku, decimal counted)
    {
        var count = await (await _api.Client.PostJsonAsync("/api/inventory/counts", new { warehouse, skus = new[] { sku } })).ReadAsync<CountDto>();
        (await _api.Client.PostJsonAsync($"/api/inventory/counts/{count.Id}/entries", new { lines = new[] { new { sku, counted } } }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _api.Client.PostJsonAsync($"/api/inventory/counts/{count.Id}/post", new { reason = "Cycle count" })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private async Task<List<(string, decimal, decimal, decimal, decimal)>> Moves(string sku, string warehouse) =>
        (await _api.HistoryAsync(sku, warehouse)).AsEnumerable().Reverse()
        .Select(m => (m.Type, m.Quantity, m.Value, m.BalanceQuantity, m.BalanceValue)).ToList();
}
