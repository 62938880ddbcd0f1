using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tessera.Inventory.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.System.Tests;

/// <summary>An order from Confirmed to the customer and back, across orders, inventory and logistics as processes.</summary>
[Collection(SystemCollection.Name)]
public sealed class FulfilmentTests(SystemFixture fixture) : IAsyncLifetime
{
    private Shipping _shipping = null!;
    private Api Api => fixture.Api;

    public async Task InitializeAsync() => _shipping = await new Shipping(fixture.Admin, fixture.System.PublicUrl).WithCarrierAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(string Sku, string Warehouse, OrderDto Order, ShipmentSummaryDto Shipment)> ConfirmedOrderAsync(decimal stock = 10m, decimal quantity = 3m)
    {
        var sku = await Api.ProductAsync();
        var warehouse = await Api.WarehouseAsync();
        await Api.ReceiveAsync(warehouse, sku, stock, unitCost: 80000m);
        var placed = await Api.PlaceAsync(sku, quantity);
        var order = await Api.SettledAsync(placed.Id);
        order.Status.ShouldBe(OrderStatus.Confirmed);
        var shipment = (await _shipping.ShipmentsCreatedAsync(order.Id)).ShouldHaveSingleItem();
        shipment.Warehouse.ShouldBe(warehouse);
        return (sku, warehouse, order, shipment);
    }

    private Task<OrderDto> OrderInAsync(Guid id, OrderStatus status) =>
        Poll.UntilAsync(() => Api.OrderAsync(id), o => o.Status == status, $"order {id} to be {status}");

    private async Task<List<MovementDto>> MovementsAsync(string sku, string warehouse) =>
        [.. (await fixture.Admin.GetFromJsonAsync<PagedResult<MovementDto>>($"/api/inventory/movements?sku={sku}&warehouse={warehouse}", TesseraJson.Options))!.Items];

    [Fact]
    public async Task Placed_confirmed_shipped_dispatched_delivered_and_completed_with_every_step_in_the_timeline()
    {
        var (sku, warehouse, order, shipment) = await ConfirmedOrderAsync();
        (await Api.StockAsync(sku, warehouse)).Reserved.ShouldBe(3m);

        var dispatched = await _shipping.DispatchAsync(shipment.Id);

        dispatched.Status.ShouldBe(ShipmentStatus.Dispatched);
        var stock = await Poll.UntilAsync(() => Api.StockAsync(sku, warehouse), s => s.OnHand == 7m, "the sales-out of the dispatch");
        stock.Reserved.ShouldBe(0m);
        stock.Available.ShouldBe(7m);
        var salesOut = (await MovementsAsync(sku, warehouse)).Where(m => m.Type == "sales-out").ShouldHaveSingleItem();
        (salesOut.Quantity, salesOut.UnitCost, salesOut.SourceType, salesOut.SourceId).ShouldBe((-3m, 80000m, "shipment", shipment.Id.ToString()));
        (await OrderInAsync(order.Id, OrderStatus.Dispatched)).Fulfilment!.Shipments.Single().WaybillNumber.ShouldBe(dispatched.WaybillNumber);

        (await _shipping.TrackAsync(dispatched.WaybillNumber!, "InTransit")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var delivered = Guid.NewGuid().ToString("N");
        (await _shipping.TrackAsync(dispatched.WaybillNumber!, "Delivered", delivered)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var completed = await OrderInAsync(order.Id, OrderStatus.Completed);

        completed.Fulfilment!.State.ShouldBe(FulfilmentState.Completed);
        completed.History.Select(h => h.Status).ShouldBe([OrderStatus.Pending, OrderStatus.Confirmed, OrderStatus.Dispatched, OrderStatus.Completed]);
        var timeline = completed.Timeline!;
        timeline.Select(t => t.At).ShouldBeInOrder();
        var story = string.Join("\n", timeline.Select(t => $"{t.By}: {t.Summary}"));
        foreach (var step in new[] { "picked", "packed", "dispatched", "delivered" })
            timeline.ShouldContain(t => t.By == "logistics" && t.Summary.Contains(step, StringComparison.OrdinalIgnoreCase), $"no '{step}' in\n{story}");
        timeline.ShouldContain(t => t.By == "inventory" && t.Summary.Contains("sales-out", StringComparison.OrdinalIgnoreCase), story);

        // The carrier repeats itself and sends an older update late: nothing moves.
        var again = await _shipping.TrackAsync(dispatched.WaybillNumber!, "Delivered", delivered);
        (await again.ReadAsync<TrackingReceiptDto>()).Duplicates.ShouldBe(1);
        var late = await _shipping.TrackAsync(dispatched.WaybillNumber!, "InTransit", at: DateTimeOffset.UtcNow.AddHours(-1));
        (await late.ReadAsync<TrackingReceiptDto>()).Applied.ShouldBe(0);
        (await _shipping.ShipmentAsync(shipment.Id)).Status.ShouldBe(ShipmentStatus.Delivered);
        (await Api.OrderAsync(order.Id)).Status.ShouldBe(OrderStatus.Completed);
        (await Api.StockAsync(sku, warehouse)).OnHand.ShouldBe(7m);
    }

    [Fact]
    public async Task Cancelling_before_dispatch_releases_the_stock_and_cancels_the_shipment_and_after_dispatch_it_is_refused_with_the_reason()
    {
        var (sku, warehouse, order, shipment) = await ConfirmedOrderAsync();
        (await _shipping.StepAsync(shipment.Id, "pick")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var cancel = await fixture.Admin.PostJsonAsync($"/api/orders/{order.Id}/cancel", new { reason = "The customer found it cheaper" });

        cancel.StatusCode.ShouldBe(HttpStatusCode.OK, await cancel.Content.ReadAsStringAsync());
        await Poll.UntilAsync(() => _shipping.ShipmentAsync(shipment.Id), s => s.Status == ShipmentStatus.Cancelled, "the shipment to be cancelled");
        var stock = await Poll.UntilAsync(() => Api.StockAsync(sku, warehouse), s => s.Reserved == 0m, "the reservation to be released");
        (stock.OnHand, stock.Available).ShouldBe((10m, 10m));
        var cancelled = await Poll.UntilAsync(() => Api.OrderAsync(order.Id),
            o => o.Fulfilment!.Compensations.Count > 0 && o.Fulfilment.Compensations.All(c => c.Status == "Done"), "both compensations to be done");
        cancelled.Fulfilment!.Compensations.Select(c => c.Kind).ShouldBe(["release-reservation", "cancel-shipment"], ignoreOrder: true);
        (await _shipping.StepAsync(shipment.Id, "pack", new { packages = new[] { new { weightKg = 1m, lengthCm = 10m, widthCm = 10m, heightCm = 10m } } }))
            .StatusCode.ShouldBe(HttpStatusCode.Conflict);

        var (_, _, shipped, second) = await ConfirmedOrderAsync();
        var dispatched = await _shipping.DispatchAsync(second.Id);
        await OrderInAsync(shipped.Id, OrderStatus.Dispatched);
        var refused = await fixture.Admin.PostJsonAsync($"/api/orders/{shipped.Id}/cancel", new { reason = "Too late" });

        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var problem = await refused.ProblemAsync();
        problem.GetProperty("detail").GetString()!.ShouldContain(dispatched.WaybillNumber!);
        (await Api.OrderAsync(shipped.Id)).Status.ShouldBe(OrderStatus.Dispatched);
    }

    [Fact]
    public async Task A_failed_delivery_comes_back_to_stock_and_a_customer_return_restocks_what_is_sound_and_records_what_is_damaged()
    {
        var (sku, warehouse, order, shipment) = await ConfirmedOrderAsync();
        var dispatched = await _shipping.DispatchAsync(shipment.Id);
        await Poll.UntilAsync(() => Api.StockAsync(sku, warehouse), s => s.OnHand == 7m, "the sales-out of the dispatch");

        (await _shipping.TrackAsync(dispatched.WaybillNumber!, "DeliveryFailed", reason: "Nobody at the address")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _shipping.StepAsync(shipment.Id, "return-to-origin", new { note = "Back on the shelf" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var stock = await Poll.UntilAsync(() => Api.StockAsync(sku, warehouse), s => s.OnHand == 10m, "the goods to come back to stock");
        (stock.Value, stock.Reserved).ShouldBe((800000m, 0m));
        (await MovementsAsync(sku, warehouse)).Where(m => m.Type == "customer-return-in").ShouldHaveSingleItem().Quantity.ShouldBe(3m);
        (await OrderInAsync(order.Id, OrderStatus.Returned)).Fulfilment!.State.ShouldBe(FulfilmentState.ReturnedToOrigin);

        // Another order is delivered; the customer sends two back, one sound and one broken.
        var (sku2, warehouse2, delivered, shipment2) = await ConfirmedOrderAsync();
        var waybill = (await _shipping.DispatchAsync(shipment2.Id)).WaybillNumber!;
        (await _shipping.TrackAsync(waybill, "Delivered")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await OrderInAsync(delivered.Id, OrderStatus.Completed);
        var authorized = await fixture.Admin.PostJsonAsync("/api/logistics/returns",
            new { orderId = delivered.Id, lines = new[] { new { sku = sku2, quantity = 2m } }, reason = "Not as described" }, Guid.NewGuid().ToString());
        authorized.StatusCode.ShouldBe(HttpStatusCode.Created, await authorized.Content.ReadAsStringAsync());
        var rma = await authorized.ReadAsync<ReturnDto>();
        var received = await fixture.Admin.PostJsonAsync($"/api/logistics/returns/{rma.Id}/receive", new
        {
            warehouse = warehouse2,
            lines = new[] { new { sku = sku2, quantity = 1m, condition = "restock" }, new { sku = sku2, quantity = 1m, condition = "damaged" } },
        });
        received.StatusCode.ShouldBe(HttpStatusCode.OK, await received.Content.ReadAsStringAsync());

        stock = await Poll.UntilAsync(() => Api.StockAsync(sku2, warehouse2), s => s.OnHand == 8m, "the sound unit to be restocked");
        stock.Value.ShouldBe(640000m);
        var returned = await OrderInAsync(delivered.Id, OrderStatus.PartiallyReturned);
        returned.Fulfilment!.Returns.Single().Received.Select(r => (r.Quantity, r.Condition)).ShouldBe([(1m, "restock"), (1m, "damaged")], ignoreOrder: true);
        (await MovementsAsync(sku2, warehouse2)).Where(m => m.Type == "customer-return-in").ShouldHaveSingleItem().Quantity.ShouldBe(1m);
        var check = (await fixture.Admin.GetFromJsonAsync<ConsistencyReportDto>("/api/inventory/consistency", TesseraJson.Options))!;
        check.Holds.ShouldBeTrue(JsonSerializer.Serialize(check));
    }
}
