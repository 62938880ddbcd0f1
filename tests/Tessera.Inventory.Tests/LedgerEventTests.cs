using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Messaging.Inbox;
using Tessera.Orders.Contracts;
using Tessera.Procurement.Contracts;
using Tessera.Testing;

namespace Tessera.Inventory.Tests;

/// <summary>What procurement and logistics tell inventory, and what inventory answers.</summary>
public sealed class LedgerEventTests(InventoryFactory factory) : IClassFixture<InventoryFactory>
{
    private readonly LedgerApi _api = new(factory);

    private async Task DeliverAsync<TEvent>(string producer, Guid aggregate, TEvent @event, Guid? messageId = null) where TEvent : class
    {
        await factory.DeliverAsync(producer, _api.Tenant, aggregate.ToString(), @event, messageId);
        await factory.WaitForInboxAsync();
    }

    private async Task<Guid> ReservedOrderAsync(string sku, decimal quantity)
    {
        var order = Guid.CreateVersion7();
        await DeliverAsync("orders", order, new OrderPlaced(order, 7, "web", [new OrderedLine(1, sku, quantity)], DateTimeOffset.UtcNow));
        return order;
    }

    private static GoodsReceived Receipt(Guid receipt, Guid po, string warehouse, params ReceivedLine[] lines) =>
        new(receipt, "GR-000001", po, "PO-000001", Guid.NewGuid(), warehouse, "VND", lines, DateTimeOffset.UtcNow);

    [Fact]
    public async Task A_goods_receipt_posts_its_accepted_quantities_as_purchase_in_once_and_answers_StockReceived()
    {
        var warehouse = await _api.WarehouseAsync();
        var (tea, rice) = (_api.Sku(), _api.Sku());
        var (receipt, po) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var received = Receipt(receipt, po, warehouse.ToLowerInvariant(),
            new ReceivedLine(1, tea, 8, 2, 100), new ReceivedLine(2, rice, 0, 5, 20), new ReceivedLine(3, tea, 2, 0, 130));

        await DeliverAsync("procurement", po, received);
        await DeliverAsync("procurement", po, received); // the same receipt again, as another message

        (await _api.StockAsync(tea, warehouse)).ShouldSatisfyAllConditions(s => s.OnHand.ShouldBe(10m), s => s.Value.ShouldBe(1060m), s => s.AverageCost.ShouldBe(106m));
        (await _api.StockAsync(rice)).ShouldBeEmpty();
        (await _api.HistoryAsync(tea)).ShouldAllBe(m => m.Type == "purchase-in" && m.SourceType == "goods-receipt" && m.SourceId == receipt.ToString());
        var answer = (await factory.PublishedAsync<StockReceived>()).Where(e => e.ReceiptId == receipt).ShouldHaveSingleItem();
        answer.ShouldSatisfyAllConditions(
            e => e.SourceType.ShouldBe("goods-receipt"), e => e.PurchaseOrderId.ShouldBe(po), e => e.Warehouse.ShouldBe(warehouse),
            e => e.Lines.ShouldBe([new ReceiptLineDto(tea, 8, 100), new ReceiptLineDto(tea, 2, 130)]));
    }

    [Fact]
    public async Task A_goods_receipt_into_a_warehouse_inventory_does_not_have_is_parked_with_its_reason_and_moves_nothing()
    {
        var sku = _api.Sku();
        var (receipt, po) = (Guid.CreateVersion7(), Guid.CreateVersion7());

        await DeliverAsync("procurement", po, Receipt(receipt, po, "NOWHERE", new ReceivedLine(1, sku, 1, 0, 1)));

        var inbox = await factory.QueryAsync(null, db => db.Set<InboxMessage>().SingleAsync(m => m.AggregateKey == po.ToString()));
        inbox.Status.ShouldBe(InboxStatus.Parked);
        inbox.LastError!.ShouldContain("NOWHERE");
        (await _api.StockAsync(sku)).ShouldBeEmpty();
        (await factory.PublishedAsync<StockReceived>()).ShouldNotContain(e => e.ReceiptId == receipt);
    }

    [Fact]
    public async Task A_supplier_return_leaves_at_the_average_or_fails_whole_when_the_stock_is_not_there()
    {
        var warehouse = await _api.WarehouseAsync();
        var (kept, short_) = (_api.Sku(), _api.Sku());
        await _api.ReceiveAsync(warehouse, kept, 10, 100);
        await _api.ReceiveAsync(warehouse, kept, 10, 130);
        await _api.ReceiveAsync(warehouse, short_, 1, 10);
        var (returned, refused, po) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());

        await DeliverAsync("procurement", po, new SupplierReturnShipped(returned, "SR-1", Guid.NewGuid(), po, warehouse, "VND",
            [new SupplierReturnLine(kept, 4, 100)], "Damaged in transit", DateTimeOffset.UtcNow));
        await DeliverAsync("procurement", refused, new SupplierReturnShipped(refused, "SR-2", Guid.NewGuid(), null, warehouse, "VND",
            [new SupplierReturnLine(kept, 1, 100), new SupplierReturnLine(short_, 2, 10)], "Wrong item", DateTimeOffset.UtcNow));

        var issued = (await factory.PublishedAsync<StockIssued>()).Single(e => e.SourceId == returned.ToString());
        issued.ShouldSatisfyAllConditions(e => e.MovementType.ShouldBe("supplier-return-out"), e => e.SourceType.ShouldBe("supplier-return"),
            e => e.OrderId.ShouldBeNull(), e => e.Lines.ShouldBe([new MovedLine(kept, 4, 115, 460)]));
        var failed = (await factory.PublishedAsync<StockIssueFailed>()).Single(e => e.SourceId == refused.ToString());
        failed.ShouldSatisfyAllConditions(e => e.MovementType.ShouldBe("supplier-return-out"), e => e.ShortLines.ShouldBe([new ShortLine(short_, 2, 1)]));
        (await _api.StockAsync(kept, warehouse)).OnHand.ShouldBe(16m);
        (await _api.StockAsync(short_, warehouse)).OnHand.ShouldBe(1m);
        var totals = await _api.Client.GetFromJsonAsync<List<SourceTotalDto>>(
            $"/api/inventory/source-totals?sourceType=supplier-return&sourceIds={returned},{refused}", Tessera.ServiceDefaults.Json.TesseraJson.Options);
        totals!.ShouldBe([new SourceTotalDto("supplier-return", returned.ToString(), kept, "supplier-return-out", -4, -460)]);
    }

    [Fact]
    public async Task A_dispatched_shipment_consumes_the_orders_reservation_as_a_sales_out()
    {
        var warehouse = await _api.WarehouseAsync();
        var sku = _api.Sku();
        await _api.ReceiveAsync(warehouse, sku, 10, 40);
        var order = await ReservedOrderAsync(sku, 5);
        var (first, second) = (Guid.CreateVersion7(), Guid.CreateVersion7());

        await DeliverAsync("logistics", order, new ShipmentDispatched(first, order, warehouse, "GHN", "W1", [new ShippedLine(sku, 3)], DateTimeOffset.UtcNow));
        var afterFirst = await _api.StockAsync(sku, warehouse);
        var reservations = await _api.ReservationsAsync(order);
        await DeliverAsync("logistics", order, new ShipmentDispatched(second, order, warehouse, "GHN", "W2", [new ShippedLine(sku, 2)], DateTimeOffset.UtcNow));
        await DeliverAsync("logistics", order, new ShipmentDispatched(second, order, warehouse, "GHN", "W2", [new ShippedLine(sku, 2)], DateTimeOffset.UtcNow));

        (afterFirst.OnHand, afterFirst.Reserved, afterFirst.Available).ShouldBe((7m, 2m, 5m));
        reservations.Select(r => (r.Status, r.Quantity)).OrderBy(r => r.Status).ShouldBe([("Active", 2m), ("Consumed", 3m)]);
        var stock = await _api.StockAsync(sku, warehouse);
        (stock.OnHand, stock.Reserved, stock.Available, stock.Value).ShouldBe((5m, 0m, 5m, 200m));
        (await _api.ReservationsAsync(order)).ShouldAllBe(r => r.Status == "Consumed");
        var issued = (await factory.PublishedAsync<StockIssued>()).Where(e => e.OrderId == order).ToList();
        issued.Select(e => (e.SourceId, e.MovementType, e.SourceType, e.Lines.Single().Quantity, e.Lines.Single().Value))
            .ShouldBe([(first.ToString(), "sales-out", "shipment", 3m, 120m), (second.ToString(), "sales-out", "shipment", 2m, 80m)]);
        (await _api.HistoryAsync(sku, warehouse)).Where(m => m.Type == "sales-out").ShouldAllBe(m => m.OrderId == order);
        (await _api.ConsistencyAsync()).Holds.ShouldBeTrue();
    }

    [Fact]
    public async Task A_completed_order_releases_what_its_shipments_did_not_consume()
    {
        var warehouse = await _api.WarehouseAsync();
        var sku = _api.Sku();
        await _api.ReceiveAsync(warehouse, sku, 10, 1);
        var order = await ReservedOrderAsync(sku, 5);
        await DeliverAsync("logistics", order, new ShipmentDispatched(Guid.CreateVersion7(), order, warehouse, null, null, [new ShippedLine(sku, 3)], DateTimeOffset.UtcNow));

        await DeliverAsync("orders", order, new OrderCompleted(order, 7, DateTimeOffset.UtcNow));

        (await _api.StockAsync(sku, warehouse)).ShouldSatisfyAllConditions(s => s.OnHand.ShouldBe(7m), s => s.Reserved.ShouldBe(0m));
        (await factory.PublishedAsync<StockReleased>()).Single(e => e.OrderId == order).Lines.ShouldBe([new ReservedLine(sku, warehouse, 2)]);
        (await _api.ReservationsAsync(order)).Select(r => r.Status).Order().ShouldBe(["Consumed", "Released"]);
    }

    [Fact]
    public async Task A_dispatch_after_a_cancellation_issues_from_available_stock_or_fails_when_even_that_is_short()
    {
        var api = new LedgerApi(factory, LedgerApi.NewTenant("raced"));
        var warehouse = await api.WarehouseAsync();
        var sku = api.Sku();
        await api.ReceiveAsync(warehouse, sku, 4, 10);
        var (cancelled, late) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await factory.DeliverAsync("orders", api.Tenant, cancelled.ToString(), new OrderPlaced(cancelled, 1, "web", [new OrderedLine(1, sku, 3)], DateTimeOffset.UtcNow));
        await factory.DeliverAsync("orders", api.Tenant, cancelled.ToString(), new OrderCancelled(cancelled, 1, "changed mind", OrderStatus.Confirmed));
        await factory.WaitForInboxAsync();
        var (covered, uncovered) = (Guid.CreateVersion7(), Guid.CreateVersion7());

        await factory.DeliverAsync("logistics", api.Tenant, cancelled.ToString(),
            new ShipmentDispatched(covered, cancelled, warehouse, null, null, [new ShippedLine(sku, 3)], DateTimeOffset.UtcNow));
        await factory.DeliverAsync("logistics", api.Tenant, late.ToString(),
            new ShipmentDispatched(uncovered, late, warehouse, null, null, [new ShippedLine(sku, 2)], DateTimeOffset.UtcNow));
        await factory.WaitForInboxAsync();

        (await factory.PublishedAsync<StockIssued>()).Single(e => e.SourceId == covered.ToString()).Lines.Single().Quantity.ShouldBe(3m);
        var failed = (await factory.PublishedAsync<StockIssueFailed>()).Single(e => e.SourceId == uncovered.ToString());
        failed.ShouldSatisfyAllConditions(e => e.MovementType.ShouldBe("sales-out"), e => e.SourceType.ShouldBe("shipment"),
            e => e.ShortLines.ShouldBe([new ShortLine(sku, 2, 1)]));
        (await api.StockAsync(sku, warehouse)).ShouldSatisfyAllConditions(s => s.OnHand.ShouldBe(1m), s => s.Reserved.ShouldBe(0m));
        (await api.ConsistencyAsync()).Holds.ShouldBeTrue();
    }

    [Fact]
    public async Task Goods_returned_to_origin_come_back_at_the_cost_the_shipment_took_them_out_at()
    {
        var warehouse = await _api.WarehouseAsync();
        var sku = _api.Sku();
        await _api.ReceiveAsync(warehouse, sku, 10, 100);
        var order = await ReservedOrderAsync(sku, 4);
        var shipment = Guid.CreateVersion7();
        await DeliverAsync("logistics", order, new ShipmentDispatched(shipment, order, warehouse, "GHN", "W1", [new ShippedLine(sku, 4)], DateTimeOffset.UtcNow));
        await _api.ReceiveAsync(warehouse, sku, 6, 200); // the average moves on: 6 @ 100 + 6 @ 200

        await DeliverAsync("logistics", order, new ReturnToOriginReceived(shipment, order, warehouse, [new ShippedLine(sku, 4), new ShippedLine("NEVER-SHIPPED", 1)], DateTimeOffset.UtcNow));
        await DeliverAsync("logistics", order, new ReturnToOriginReceived(shipment, order, warehouse, [new ShippedLine(sku, 4)], DateTimeOffset.UtcNow));

        var stock = await _api.StockAsync(sku, warehouse);
        (stock.OnHand, stock.Value).ShouldBe((16m, 600m + 1200m + 400m));
        var returned = (await factory.PublishedAsync<StockReturned>()).Where(e => e.OrderId == order).ShouldHaveSingleItem();
        returned.ShouldSatisfyAllConditions(e => e.MovementType.ShouldBe("customer-return-in"), e => e.SourceType.ShouldBe("shipment"),
            e => e.SourceId.ShouldBe(shipment.ToString()), e => e.Lines.ShouldBe([new MovedLine(sku, 4, 100, 400)]));
    }

    [Fact]
    public async Task A_customer_return_restocks_restockable_lines_at_the_orders_cost_and_leaves_damaged_ones_out()
    {
        var (shipped, back) = (await _api.WarehouseAsync(), await _api.WarehouseAsync());
        var (good, broken) = (_api.Sku(), _api.Sku());
        await _api.ReceiveAsync(shipped, good, 10, 60);
        await _api.ReceiveAsync(shipped, broken, 10, 9);
        await _api.ReceiveAsync(back, good, 1, 90);
        var order = Guid.CreateVersion7();
        await DeliverAsync("logistics", order, new ShipmentDispatched(Guid.CreateVersion7(), order, shipped, null, null,
            [new ShippedLine(good, 3), new ShippedLine(broken, 2)], DateTimeOffset.UtcNow));
        var returnId = Guid.CreateVersion7();

        await DeliverAsync("logistics", order, new ReturnReceived(returnId, "RMA-1", order, back,
            [new ReturnedLine(good, 2, "restock"), new ReturnedLine(broken, 2, "damaged")], DateTimeOffset.UtcNow));

        (await _api.StockAsync(good, back)).ShouldSatisfyAllConditions(s => s.OnHand.ShouldBe(3m), s => s.Value.ShouldBe(90m + 120m), s => s.AverageCost.ShouldBe(70m));
        (await _api.StockAsync(broken)).Single().OnHand.ShouldBe(8m);
        var returned = (await factory.PublishedAsync<StockReturned>()).Single(e => e.SourceId == returnId.ToString());
        returned.ShouldSatisfyAllConditions(e => e.SourceType.ShouldBe("customer-return"), e => e.Warehouse.ShouldBe(back), e => e.OrderId.ShouldBe(order),
            e => e.Lines.ShouldBe([new MovedLine(good, 2, 60, 120)]));
        (await _api.HistoryAsync(good, back))[0].ShouldSatisfyAllConditions(m => m.Type.ShouldBe("customer-return-in"), m => m.OrderId.ShouldBe(order));
    }
}
