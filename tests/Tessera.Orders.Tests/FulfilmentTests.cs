using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Orders.Tests;

public sealed class FulfilmentTests(OrdersFactory factory) : IClassFixture<OrdersFactory>
{
    private const string Tenant = "fulfil";
    private readonly HttpClient _sales = factory.ClientFor(Tenant, "sales");

    private Task<FulfilmentScenario> Place(params (string Sku, decimal Quantity)[] lines) => FulfilmentScenario.PlaceAsync(factory, _sales, Tenant, lines);

    private static List<ShippedLine> Lines(params (string Sku, decimal Quantity)[] lines) => lines.Select(l => new ShippedLine(l.Sku, l.Quantity)).ToList();

    [Fact]
    public async Task Confirmation_requests_one_shipment_per_warehouse_of_the_reservation_in_the_same_transaction()
    {
        var (tea, rice) = (factory.Catalog.Add("Tea"), factory.Catalog.Add("Rice"));
        var order = await FulfilmentScenario.PlaceAsync(factory, _sales, Tenant, [(tea, 5m), (rice, 2m)], "express", new DateOnly(2026, 12, 24));

        var request = await order.ReserveAsync(new ReservedLine(tea, "HCM", 3m), new ReservedLine(tea, "HN", 2m), new ReservedLine(rice, "HN", 2m));

        request.Shipments.Select(s => s.Warehouse).ShouldBe(["HCM", "HN"]);
        request.Shipments[0].Lines.ShouldBe([new OrderedLine(1, tea, 3m)]);
        request.Shipments[1].Lines.ShouldBe([new OrderedLine(1, tea, 2m), new OrderedLine(2, rice, 2m)]);
        (request.Number, request.ServiceLevel, request.RequestedDeliveryDate).ShouldBe((order.Order.Number, "express", new DateOnly(2026, 12, 24)));
        request.RequestId.ShouldNotBe(Guid.Empty);

        // OrderConfirmed and ShipmentsRequested were committed together, in that order.
        var published = await factory.QueryAsync(null, db => db.Set<OutboxMessage>().Where(m => m.AggregateId == order.Id.ToString())
            .OrderBy(m => m.Position).Select(m => m.Type).ToListAsync());
        published.ShouldBe(["OrderPlaced", "OrderConfirmed", "ShipmentsRequested"]);

        var dto = await order.GetAsync();
        dto.Status.ShouldBe(OrderStatus.Confirmed);
        var fulfilment = dto.Fulfilment!;
        fulfilment.State.ShouldBe(FulfilmentState.ShipmentRequested);
        fulfilment.RequestId.ShouldBe(request.RequestId);
        fulfilment.ServiceLevel.ShouldBe("express");
        fulfilment.DispatchDueAt.ShouldBe(fulfilment.RequestedAt!.Value.AddHours(24));
        fulfilment.Allocation.ShouldBe([new AllocationDto(tea, "HCM", 3m), new AllocationDto(rice, "HN", 2m), new AllocationDto(tea, "HN", 2m)], ignoreOrder: true);
        fulfilment.Shipments.ShouldBeEmpty();
        dto.Timeline![^1].ShouldSatisfyAllConditions(
            t => t.Kind.ShouldBe("fulfilment"),
            t => t.By.ShouldBe("fulfilment"),
            t => t.Summary.ShouldBe($"Shipments requested: HCM ({tea} × 3); HN ({tea} × 2, {rice} × 2); express service, to be dispatched within 24 h"));
    }

    [Fact]
    public async Task An_order_goes_from_reserved_to_completed_with_every_step_in_its_timeline_in_order()
    {
        var sku = factory.Catalog.Add("Coffee");
        var order = await Place((sku, 2m));
        var request = await order.ReserveAsync(new ReservedLine(sku, "HCM", 2m));
        var shipment = await order.CreatedAsync(request, "HCM", "SH-1001");
        await order.LogisticsAsync(new ShipmentPicked(shipment, order.Id, DateTimeOffset.UtcNow));
        await order.LogisticsAsync(new ShipmentPacked(shipment, order.Id, 2, DateTimeOffset.UtcNow));
        await order.DispatchedAsync(shipment, "HCM", Lines((sku, 2m)), "GHN-555");

        (await order.GetAsync()).Status.ShouldBe(OrderStatus.Dispatched);

        await order.InventoryAsync(new StockIssued("sales-out", "shipment", shipment.ToString(), "HCM", order.Id, [new MovedLine(sku, 2m, 7000m, 14000m)], DateTimeOffset.UtcNow));
        await order.LogisticsAsync(new ShipmentTransitStarted(shipment, order.Id, "Thủ Đức hub", DateTimeOffset.UtcNow));
        await order.DeliveredAsync(shipment, "HCM", Lines((sku, 2m)));

        var dto = await order.GetAsync();
        dto.Status.ShouldBe(OrderStatus.Completed);
        dto.Fulfilment!.State.ShouldBe(FulfilmentState.Completed);
        var shipped = dto.Fulfilment.Shipments.ShouldHaveSingleItem();
        (shipped.Id, shipped.Number, shipped.Warehouse, shipped.Status, shipped.Carrier, shipped.WaybillNumber, shipped.Packages, shipped.Superseded)
            .ShouldBe((shipment, "SH-1001", "HCM", FulfilmentShipmentStatus.Delivered, "GHN", "GHN-555", 2, false));
        new[] { shipped.CreatedAt, shipped.PickedAt, shipped.PackedAt, shipped.DispatchedAt, shipped.InTransitAt, shipped.DeliveredAt, shipped.StockIssuedAt }
            .ShouldAllBe(t => t != null);
        shipped.Lines.ShouldBe([new FulfilmentLineDto(sku, 2m)]);
        (await order.PublishedAsync<OrderCompleted>(e => e.OrderId)).ShouldHaveSingleItem();
        (await order.PublishedAsync<OrderDispatched>(e => e.OrderId)).ShouldHaveSingleItem();
        dto.History.Select(h => h.Status).ShouldBe([OrderStatus.Pending, OrderStatus.Confirmed, OrderStatus.Dispatched, OrderStatus.Completed]);

        dto.Timeline!.Select(t => (t.Kind, t.By, t.Summary)).ShouldBe(
        [
            ("status", "tester", "Pending: Placed via web"),
            ("status", "inventory", "Confirmed: Reserved in HCM"),
            ("fulfilment", "fulfilment", $"Shipments requested: HCM ({sku} × 2); standard service, to be dispatched within 48 h"),
            ("report", "logistics", $"Shipment SH-1001 created in HCM: {sku} × 2"),
            ("report", "logistics", "Shipment SH-1001 picked"),
            ("report", "logistics", "Shipment SH-1001 packed in 2 packages"),
            ("status", "logistics", "Dispatched: Dispatched from HCM with GHN, waybill GHN-555"),
            ("report", "inventory", $"Inventory issued {sku} × 2 from HCM (sales-out of shipment SH-1001)"),
            ("report", "logistics", "Shipment SH-1001 is in transit (Thủ Đức hub)"),
            ("report", "logistics", "Shipment SH-1001 delivered"),
            ("fulfilment", "fulfilment", "Fulfilment Delivered: 1 of 1 shipments dispatched, 1 delivered"),
            ("status", "fulfilment", "Completed: All shipments delivered"),
        ]);
        dto.Timeline!.Select(t => t.At).ShouldBeInOrder();
    }

    [Fact]
    public async Task Shipments_from_two_warehouses_pass_through_the_partial_states()
    {
        var (tea, rice) = (factory.Catalog.Add(), factory.Catalog.Add());
        var order = await Place((tea, 1m), (rice, 1m));
        var request = await order.ReserveAsync(new ReservedLine(tea, "HCM", 1m), new ReservedLine(rice, "HN", 1m));
        var south = await order.CreatedAsync(request, "HCM", "SH-S");
        var north = await order.CreatedAsync(request, "HN", "SH-N");

        await order.DispatchedAsync(south, "HCM", Lines((tea, 1m)), "W-S");
        (await order.FulfilmentAsync()).State.ShouldBe(FulfilmentState.PartiallyDispatched);
        (await order.GetAsync()).Status.ShouldBe(OrderStatus.Dispatched);
        await order.DispatchedAsync(north, "HN", Lines((rice, 1m)), "W-N");
        (await order.FulfilmentAsync()).State.ShouldBe(FulfilmentState.Dispatched);
        await order.DeliveredAsync(north, "HN", Lines((rice, 1m)));
        (await order.FulfilmentAsync()).State.ShouldBe(FulfilmentState.PartiallyDelivered);
        (await order.PublishedAsync<OrderCompleted>(e => e.OrderId)).ShouldBeEmpty();
        await order.DeliveredAsync(south, "HCM", Lines((tea, 1m)));

        var dto = await order.GetAsync();
        (dto.Status, dto.Fulfilment!.State).ShouldBe((OrderStatus.Completed, FulfilmentState.Completed));
        dto.Timeline!.Where(t => t.Kind == "fulfilment").Select(t => t.Summary.Split(':')[0]).ShouldBe(
            ["Shipments requested", "Fulfilment PartiallyDispatched", "Fulfilment Dispatched", "Fulfilment PartiallyDelivered", "Fulfilment Delivered"]);
        (await order.PublishedAsync<OrderCompleted>(e => e.OrderId)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_line_change_before_dispatch_requests_the_shipments_again_under_a_new_request_id()
    {
        var (tea, extra) = (factory.Catalog.Add(), factory.Catalog.Add());
        var order = await Place((tea, 2m));
        var first = await order.ReserveAsync(new ReservedLine(tea, "HCM", 2m));
        var oldShipment = await order.CreatedAsync(first, "HCM", "SH-OLD");
        var current = await _sales.GetAsync($"/api/orders/{order.Id}");
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/orders/{order.Id}")
        {
            Content = JsonContent.Create(new { lines = new object[] { new { sku = tea, quantity = 3m, unitPrice = 10000m }, new { sku = extra, quantity = 1m, unitPrice = 500m } } }),
        };
        patch.Headers.IfMatch.Add(current.Headers.ETag!);
        (await _sales.SendAsync(patch)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var change = (await factory.PublishedAsync<OrderChanged>()).Single(e => e.OrderId == order.Id).LineChange!;

        await order.InventoryAsync(new ReservationAdjusted(order.Id, change.ChangeId, [new ReservedLine(tea, "HCM", 1m), new ReservedLine(extra, "HN", 1m)], []));

        var requests = await order.PublishedAsync<ShipmentsRequested>(e => e.OrderId);
        requests.Count.ShouldBe(2);
        var second = requests[1];
        second.RequestId.ShouldNotBe(first.RequestId);
        second.Shipments.Select(s => (s.Warehouse, string.Join(",", s.Lines.Select(l => $"{l.LineNo}:{l.Sku}:{l.Quantity}"))))
            .ShouldBe([("HCM", $"1:{tea}:3"), ("HN", $"2:{extra}:1")]);

        // Logistics supersedes the first request: its shipment is cancelled, the new ones are created.
        await order.LogisticsAsync(new ShipmentCancelled(oldShipment, order.Id, "superseded by a newer request", DateTimeOffset.UtcNow));
        await order.CreatedAsync(second, "HCM", "SH-NEW-S");
        await order.CreatedAsync(second, "HN", "SH-NEW-N");

        var fulfilment = await order.FulfilmentAsync();
        fulfilment.State.ShouldBe(FulfilmentState.ShipmentRequested);
        fulfilment.RequestId.ShouldBe(second.RequestId);
        fulfilment.Allocation.ShouldBe([new AllocationDto(tea, "HCM", 3m), new AllocationDto(extra, "HN", 1m)]);
        fulfilment.Shipments.Select(s => (s.Number, s.Status)).ShouldBe(
            [("SH-NEW-S", FulfilmentShipmentStatus.Created), ("SH-NEW-N", FulfilmentShipmentStatus.Created), ("SH-OLD", FulfilmentShipmentStatus.Cancelled)]);
        fulfilment.DispatchDueAt!.Value.ShouldBe(first.RequestedAt.AddHours(48), TimeSpan.FromSeconds(1));
        fulfilment.Alerts.ShouldBeEmpty();
        (await order.GetAsync()).Timeline!.ShouldContain(t => t.Summary.StartsWith("Shipments requested again for the changed lines", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_shipment_of_a_superseded_request_reported_late_is_noted_and_does_not_count()
    {
        var sku = factory.Catalog.Add();
        var order = await Place((sku, 2m));
        var first = await order.ReserveAsync(new ReservedLine(sku, "HCM", 2m));
        var (_, etag) = (0, (await _sales.GetAsync($"/api/orders/{order.Id}")).Headers.ETag!);
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/orders/{order.Id}") { Content = JsonContent.Create(new { lines = new[] { new { sku, quantity = 1m, unitPrice = 1m } } }) };
        patch.Headers.IfMatch.Add(etag);
        await _sales.SendAsync(patch);
        var change = (await factory.PublishedAsync<OrderChanged>()).Single(e => e.OrderId == order.Id).LineChange!;
        await order.InventoryAsync(new ReservationAdjusted(order.Id, change.ChangeId, [], [new ReservedLine(sku, "HCM", 1m)]));
        var second = (await order.PublishedAsync<ShipmentsRequested>(e => e.OrderId))[^1];

        // The first request's shipment arrives only now (logistics processed the requests in order).
        var stale = await order.CreatedAsync(first, "HCM", "SH-STALE");
        var fresh = await order.CreatedAsync(second, "HCM", "SH-FRESH");
        await order.LogisticsAsync(new ShipmentCancelled(stale, order.Id, "superseded", DateTimeOffset.UtcNow));
        await order.DispatchedAsync(fresh, "HCM", Lines((sku, 1m)), "W-1");

        var dto = await order.GetAsync();
        dto.Fulfilment!.State.ShouldBe(FulfilmentState.Dispatched);
        dto.Fulfilment.Shipments.Single(s => s.Id == stale).ShouldSatisfyAllConditions(s => s.Superseded.ShouldBeTrue(), s => s.Status.ShouldBe(FulfilmentShipmentStatus.Cancelled));
        dto.Timeline!.ShouldContain(t => t.Summary == $"Shipment SH-STALE created in HCM: {sku} × 2 — it answers a superseded request, so logistics cancels it");
        dto.Fulfilment.Alerts.ShouldBeEmpty();
    }

    [Fact]
    public async Task When_the_old_shipment_left_before_logistics_saw_the_new_request_the_order_goes_on_with_it_and_a_person_is_alerted()
    {
        var sku = factory.Catalog.Add();
        var order = await Place((sku, 2m));
        var first = await order.ReserveAsync(new ReservedLine(sku, "HCM", 2m));
        var shipment = await order.CreatedAsync(first, "HCM", "SH-EARLY");
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/orders/{order.Id}") { Content = JsonContent.Create(new { lines = new[] { new { sku, quantity = 3m, unitPrice = 1m } } }) };
        patch.Headers.IfMatch.Add((await _sales.GetAsync($"/api/orders/{order.Id}")).Headers.ETag!);
        (await _sales.SendAsync(patch)).EnsureSuccessStatusCode();
        var change = (await factory.PublishedAsync<OrderChanged>()).Single(e => e.OrderId == order.Id).LineChange!;
        await order.InventoryAsync(new ReservationAdjusted(order.Id, change.ChangeId, [new ReservedLine(sku, "HCM", 1m)], []));

        // Logistics had dispatched the first request's shipment; it refuses to supersede it and creates nothing new.
        await order.DispatchedAsync(shipment, "HCM", Lines((sku, 2m)), "W-EARLY");
        await order.LogisticsAsync(new ShipmentCancellationFailed(shipment, order.Id, "Dispatched", "the shipment has left"));

        var dispatched = await order.GetAsync();
        (dispatched.Status, dispatched.Fulfilment!.State, dispatched.Fulfilment.RequestId).ShouldBe((OrderStatus.Dispatched, FulfilmentState.Dispatched, first.RequestId));
        dispatched.Fulfilment.Alerts.ShouldHaveSingleItem().Message.ShouldContain($"the lines of order {order.Order.Number} changed");
        await order.DeliveredAsync(shipment, "HCM", Lines((sku, 2m)));
        (await order.GetAsync()).Status.ShouldBe(OrderStatus.Completed);
    }

    [Fact]
    public async Task Cancelling_before_dispatch_announces_it_and_records_each_compensation_until_it_is_done()
    {
        var sku = factory.Catalog.Add();
        var order = await Place((sku, 4m));
        var request = await order.ReserveAsync(new ReservedLine(sku, "HCM", 4m));
        var shipment = await order.CreatedAsync(request, "HCM", "SH-C1");
        await order.LogisticsAsync(new ShipmentPicked(shipment, order.Id, DateTimeOffset.UtcNow));

        var response = await _sales.PostJsonAsync($"/api/orders/{order.Id}/cancel", new { reason = "Customer found it cheaper" });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var cancelled = await response.ReadAsync<OrderDto>();
        cancelled.Status.ShouldBe(OrderStatus.Cancelled);
        cancelled.Fulfilment!.State.ShouldBe(FulfilmentState.Cancelled);
        cancelled.Fulfilment.Compensations.Select(c => (c.Kind, c.Subject, c.Service, c.Status)).ShouldBe(
            [("release-reservation", "reservation", "inventory", "Awaited"), ("cancel-shipment", "HCM", "logistics", "Awaited")]);
        (await order.PublishedAsync<OrderCancelled>(e => e.OrderId)).ShouldHaveSingleItem()
            .ShouldSatisfyAllConditions(e => e.PreviousStatus.ShouldBe(OrderStatus.Confirmed), e => e.Reason.ShouldBe("Customer found it cheaper"));

        await order.InventoryAsync(new StockReleased(order.Id, [new ReservedLine(sku, "HCM", 4m)]));
        var halfway = await order.FulfilmentAsync();
        halfway.Compensations.Select(c => c.Status).ShouldBe(["Done", "Awaited"]);
        halfway.Allocation.ShouldBeEmpty();

        await order.LogisticsAsync(new ShipmentCancelled(shipment, order.Id, "order cancelled", DateTimeOffset.UtcNow));
        var dto = await order.GetAsync();
        dto.Fulfilment!.Compensations.ShouldAllBe(c => c.Status == "Done" && c.SettledAt != null);
        dto.Fulfilment.Shipments.Single().Status.ShouldBe(FulfilmentShipmentStatus.Cancelled);
        dto.Timeline!.SkipWhile(t => !t.Summary.StartsWith("Cancelled", StringComparison.Ordinal)).Select(t => t.Summary).ShouldBe(
        [
            "Cancelled: Customer found it cheaper",
            "Compensations awaited: inventory releases the reserved stock; logistics cancels the shipment from HCM",
            $"Inventory released {sku} × 4 in HCM",
            "Compensation done: the reserved stock is released",
            "Shipment SH-C1 cancelled: order cancelled",
            "Compensation done: the shipment from HCM is cancelled",
        ]);
    }

    [Fact]
    public async Task A_cancellation_the_goods_outran_raises_an_alert_that_a_person_resolves()
    {
        var sku = factory.Catalog.Add();
        var order = await Place((sku, 1m));
        var request = await order.ReserveAsync(new ReservedLine(sku, "HCM", 1m));
        var shipment = await order.CreatedAsync(request, "HCM", "SH-RACE");
        (await _sales.PostJsonAsync($"/api/orders/{order.Id}/cancel", new { reason = "too late?" })).EnsureSuccessStatusCode();

        // Logistics had dispatched before it saw the cancellation.
        await order.DispatchedAsync(shipment, "HCM", Lines((sku, 1m)), "W-RACE");
        await order.LogisticsAsync(new ShipmentCancellationFailed(shipment, order.Id, "Dispatched", "the shipment has left"));

        var dto = await order.GetAsync();
        dto.Status.ShouldBe(OrderStatus.Cancelled);
        dto.Fulfilment!.Compensations.Single(c => c.Kind == "cancel-shipment").Status.ShouldBe("Failed");
        var alert = dto.Fulfilment.Alerts.ShouldHaveSingleItem();
        (alert.Kind, alert.ShipmentId, alert.ClearedAt).ShouldBe(("cancellation-failed", shipment, null));
        alert.Message.ShouldContain("although order");
        var open = await _sales.GetFromJsonAsync<PagedResult<FulfilmentAlertDto>>($"/api/orders/fulfilment/alerts?orderId={order.Id}", TesseraJson.Options);
        open!.Items.ShouldHaveSingleItem().Id.ShouldBe(alert.Id);

        var viewer = factory.ClientFor(Tenant, "viewer");
        (await viewer.PostJsonAsync($"/api/orders/fulfilment/alerts/{alert.Id}/resolve", new { note = "x" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await (await _sales.PostJsonAsync($"/api/orders/fulfilment/alerts/{alert.Id}/resolve", new { note = "" })).ProblemAsync()).ErrorFields().ShouldBe(["note"]);
        var resolved = await (await _sales.PostJsonAsync($"/api/orders/fulfilment/alerts/{alert.Id}/resolve", new { note = "Carrier will bring it back" }))
            .ReadAsync<FulfilmentAlertDto>();

        (resolved.ClearedBy, resolved.ClearedBecause).ShouldBe(("tester", "resolved by tester: Carrier will bring it back"));
        (await _sales.GetFromJsonAsync<PagedResult<FulfilmentAlertDto>>($"/api/orders/fulfilment/alerts?orderId={order.Id}", TesseraJson.Options))!.Items.ShouldBeEmpty();
        (await order.GetAsync()).Timeline![^1].Summary.ShouldBe("Alert cleared (cancellation-failed): resolved by tester: Carrier will bring it back");
        (await factory.ClientFor("other-tenant", "sales").PostJsonAsync($"/api/orders/fulfilment/alerts/{alert.Id}/resolve", new { note = "x" }))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_order_cancelled_while_pending_awaits_the_release_of_what_inventory_reserved_meanwhile()
    {
        var sku = factory.Catalog.Add();
        var order = await Place((sku, 2m));
        (await _sales.PostJsonAsync($"/api/orders/{order.Id}/cancel", new { reason = "ordered twice" })).EnsureSuccessStatusCode();
        (await order.GetAsync()).Fulfilment.ShouldBeNull();

        // Inventory reserved before it saw the cancellation, then releases.
        await order.InventoryAsync(new StockReserved(order.Id, [new ReservedLine(sku, "HCM", 2m)]));
        var waiting = await order.FulfilmentAsync();
        (waiting.State, waiting.Compensations.Single().Status).ShouldBe((FulfilmentState.Cancelled, "Awaited"));
        (await order.PublishedAsync<ShipmentsRequested>(e => e.OrderId)).ShouldBeEmpty();

        await order.InventoryAsync(new StockReleased(order.Id, [new ReservedLine(sku, "HCM", 2m)]));
        var done = await order.GetAsync();
        done.Status.ShouldBe(OrderStatus.Cancelled);
        done.Fulfilment!.Compensations.Single().Status.ShouldBe("Done");
        done.Fulfilment.Allocation.ShouldBeEmpty();
    }

    [Fact]
    public async Task Shipments_wait_for_a_line_change_pending_at_the_confirmation_and_are_requested_for_the_new_lines()
    {
        var sku = factory.Catalog.Add();
        var order = await Place((sku, 1m));
        var current = await _sales.GetAsync($"/api/orders/{order.Id}");
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/orders/{order.Id}") { Content = JsonContent.Create(new { lines = new[] { new { sku, quantity = 4m, unitPrice = 1m } } }) };
        patch.Headers.IfMatch.Add(current.Headers.ETag!);
        (await _sales.SendAsync(patch)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var change = (await factory.PublishedAsync<OrderChanged>()).Single(e => e.OrderId == order.Id).LineChange!;

        await order.InventoryAsync(new StockReserved(order.Id, [new ReservedLine(sku, "HCM", 1m)]));
        var held = await order.GetAsync();
        (held.Status, held.Fulfilment!.State, held.Fulfilment.RequestId).ShouldBe((OrderStatus.Confirmed, FulfilmentState.Reserved, null));
        (await order.PublishedAsync<ShipmentsRequested>(e => e.OrderId)).ShouldBeEmpty();

        await order.InventoryAsync(new ReservationAdjusted(order.Id, change.ChangeId, [new ReservedLine(sku, "HCM", 3m)], []));

        var request = (await order.PublishedAsync<ShipmentsRequested>(e => e.OrderId)).ShouldHaveSingleItem();
        request.Shipments.ShouldHaveSingleItem().Lines.ShouldBe([new OrderedLine(1, sku, 4m)]);
        (await order.FulfilmentAsync()).State.ShouldBe(FulfilmentState.ShipmentRequested);
    }

    [Fact]
    public async Task Cancelling_after_dispatch_is_refused_naming_the_status_and_where_the_goods_went()
    {
        var sku = factory.Catalog.Add();
        var order = await Place((sku, 1m));
        var request = await order.ReserveAsync(new ReservedLine(sku, "HCM", 1m));
        var shipment = await order.CreatedAsync(request, "HCM", "SH-GONE");
        await order.DispatchedAsync(shipment, "HCM", Lines((sku, 1m)), "GHN-9");
        var before = await order.GetAsync();

        var response = await _sales.PostJsonAsync($"/api/orders/{order.Id}/cancel", new { reason = "changed my mind" });

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var problem = await response.ProblemAsync();
        problem.GetProperty("detail").GetString().ShouldBe(
            $"Order {order.Order.Number} is Dispatched: it has left the warehouse and the goods went with the carrier (shipment SH-GONE with GHN, waybill GHN-9), " +
            "so it can no longer be cancelled. Arrange a customer return instead.");
        problem.GetProperty("orderStatus").GetString().ShouldBe("Dispatched");
        problem.GetProperty("suggestion").GetString().ShouldBe("customer-return");
        var after = await order.GetAsync();
        (after.Status, after.Version, after.Timeline!.Count).ShouldBe((OrderStatus.Dispatched, before.Version, before.Timeline!.Count));
        (await order.PublishedAsync<OrderCancelled>(e => e.OrderId)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_failed_delivery_alerts_and_the_order_is_returned_when_the_goods_are_back_at_origin()
    {
        var sku = factory.Catalog.Add();
        var order = await Place((sku, 3m));
        var request = await order.ReserveAsync(new ReservedLine(sku, "HCM", 3m));
        var shipment = await order.CreatedAsync(request, "HCM", "SH-RTO");
        await order.DispatchedAsync(shipment, "HCM", Lines((sku, 3m)), "W-RTO");

        await order.LogisticsAsync(new DeliveryFailed(shipment, order.Id, "nobody home, three attempts", DateTimeOffset.UtcNow));
        var failed = await order.FulfilmentAsync();
        failed.State.ShouldBe(FulfilmentState.DeliveryFailed);
        failed.Shipments.Single().FailureReason.ShouldBe("nobody home, three attempts");
        failed.Alerts.ShouldHaveSingleItem().ShouldSatisfyAllConditions(a => a.Kind.ShouldBe("delivery-failed"), a => a.ClearedAt.ShouldBeNull());

        await order.LogisticsAsync(new ReturnToOriginReceived(shipment, order.Id, "HCM", Lines((sku, 3m)), DateTimeOffset.UtcNow));
        await order.InventoryAsync(new StockReturned("customer-return-in", "shipment", shipment.ToString(), "HCM", order.Id, [new MovedLine(sku, 3m, 7000m, 21000m)], DateTimeOffset.UtcNow));

        var dto = await order.GetAsync();
        (dto.Status, dto.Fulfilment!.State).ShouldBe((OrderStatus.Returned, FulfilmentState.ReturnedToOrigin));
        dto.History[^1].Reason.ShouldBe("Every shipment came back to its warehouse after failed deliveries");
        dto.Fulfilment.Alerts.Single().ClearedBecause.ShouldBe("shipment SH-RTO is back in HCM");
        (await order.PublishedAsync<OrderReturned>(e => e.OrderId)).ShouldHaveSingleItem().Fully.ShouldBeTrue();
        (await order.PublishedAsync<OrderCompleted>(e => e.OrderId)).ShouldBeEmpty();
        dto.Timeline!.ShouldContain(t => t.Summary == $"Inventory took {sku} × 3 back into HCM (customer-return-in of shipment SH-RTO)" && t.By == "inventory");
    }

    [Fact]
    public async Task A_customer_return_of_part_of_the_goods_makes_the_order_partially_returned_and_of_the_rest_returned()
    {
        var sku = factory.Catalog.Add();
        var order = await Place((sku, 2m));
        var request = await order.ReserveAsync(new ReservedLine(sku, "HCM", 2m));
        var shipment = await order.CreatedAsync(request, "HCM", "SH-RET");
        await order.ShipAsync(shipment, "HCM", Lines((sku, 2m)), "W-RET");
        (await order.GetAsync()).Status.ShouldBe(OrderStatus.Completed);

        var first = Guid.NewGuid();
        await order.LogisticsAsync(new ReturnAuthorized(first, "RMA-1", order.Id, [new ReturnLine(sku, 1m)], "wrong colour", DateTimeOffset.UtcNow));
        (await order.GetAsync()).ShouldSatisfyAllConditions(o => o.Status.ShouldBe(OrderStatus.Completed), o => o.Fulfilment!.Returns.Single().ReceivedAt.ShouldBeNull());
        await order.LogisticsAsync(new ReturnReceived(first, "RMA-1", order.Id, "HCM", [new ReturnedLine(sku, 1m, "restock")], DateTimeOffset.UtcNow));

        var partly = await order.GetAsync();
        (partly.Status, partly.Fulfilment!.State).ShouldBe((OrderStatus.PartiallyReturned, FulfilmentState.PartiallyReturned));
        (await order.PublishedAsync<OrderReturned>(e => e.OrderId)).ShouldHaveSingleItem().Fully.ShouldBeFalse();

        var second = Guid.NewGuid();
        await order.LogisticsAsync(new ReturnAuthorized(second, "RMA-2", order.Id, [new ReturnLine(sku, 1m)], "broken", DateTimeOffset.UtcNow));
        await order.LogisticsAsync(new ReturnReceived(second, "RMA-2", order.Id, "HCM", [new ReturnedLine(sku, 1m, "damaged")], DateTimeOffset.UtcNow));

        var dto = await order.GetAsync();
        (dto.Status, dto.Fulfilment!.State).ShouldBe((OrderStatus.Returned, FulfilmentState.Returned));
        dto.Fulfilment.Returns.Select(r => (r.Number, r.Received.Single().Condition)).ShouldBe([("RMA-1", "restock"), ("RMA-2", "damaged")]);
        (await order.PublishedAsync<OrderReturned>(e => e.OrderId)).Select(e => e.Fully).ShouldBe([false, true]);
        dto.History.Select(h => h.Status).ShouldBe(
            [OrderStatus.Pending, OrderStatus.Confirmed, OrderStatus.Dispatched, OrderStatus.Completed, OrderStatus.PartiallyReturned, OrderStatus.Returned]);
        dto.Timeline!.ShouldContain(t => t.Summary == $"Return RMA-2 received in HCM: {sku} × 1 (damaged)" && t.By == "logistics");
    }

    [Fact]
    public async Task An_expired_reservation_cancels_an_order_that_has_not_left_like_a_user_would()
    {
        var sku = factory.Catalog.Add();
        var order = await Place((sku, 2m));
        var request = await order.ReserveAsync(new ReservedLine(sku, "HCM", 2m));
        await order.CreatedAsync(request, "HCM", "SH-EXP");

        await order.InventoryAsync(new ReservationExpired(order.Id, [new ReservedLine(sku, "HCM", 2m)], DateTimeOffset.UtcNow));

        var dto = await order.GetAsync();
        dto.Status.ShouldBe(OrderStatus.Cancelled);
        (dto.History[^1].Reason, dto.History[^1].By).ShouldBe(("the reservation expired", "inventory"));
        (await order.PublishedAsync<OrderCancelled>(e => e.OrderId)).ShouldHaveSingleItem()
            .ShouldSatisfyAllConditions(e => e.Reason.ShouldBe("the reservation expired"), e => e.PreviousStatus.ShouldBe(OrderStatus.Confirmed));
        dto.Fulfilment!.Compensations.Select(c => (c.Kind, c.Status)).ShouldBe([("cancel-shipment", "Awaited"), ("release-reservation", "Done")]);
        dto.Fulfilment.Allocation.ShouldBeEmpty();

        // The same expiry reported again changes nothing.
        var version = dto.Version;
        await order.InventoryAsync(new ReservationExpired(order.Id, [new ReservedLine(sku, "HCM", 2m)], DateTimeOffset.UtcNow));
        (await order.GetAsync()).ShouldSatisfyAllConditions(o => o.Version.ShouldBe(version), o => o.Timeline!.Count.ShouldBe(dto.Timeline!.Count));
    }

    [Fact]
    public async Task An_expired_reservation_after_dispatch_does_not_cancel_but_alerts()
    {
        var (tea, rice) = (factory.Catalog.Add(), factory.Catalog.Add());
        var order = await Place((tea, 1m), (rice, 1m));
        var request = await order.ReserveAsync(new ReservedLine(tea, "HCM", 1m), new ReservedLine(rice, "HN", 1m));
        var south = await order.CreatedAsync(request, "HCM", "SH-A");
        await order.DispatchedAsync(south, "HCM", Lines((tea, 1m)), "W-A");

        await order.InventoryAsync(new ReservationExpired(order.Id, [new ReservedLine(rice, "HN", 1m)], DateTimeOffset.UtcNow));

        var dto = await order.GetAsync();
        dto.Status.ShouldBe(OrderStatus.Dispatched);
        dto.Fulfilment!.State.ShouldBe(FulfilmentState.PartiallyDispatched);
        dto.Fulfilment.Alerts.ShouldHaveSingleItem().Kind.ShouldBe("reservation-expired");
        (await order.PublishedAsync<OrderCancelled>(e => e.OrderId)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Repeated_reports_change_nothing_whether_redelivered_or_published_again()
    {
        var sku = factory.Catalog.Add();
        var order = await Place((sku, 1m));
        var request = await order.ReserveAsync(new ReservedLine(sku, "HCM", 1m));
        var shipment = await order.CreatedAsync(request, "HCM", "SH-DUP");
        var dispatched = new ShipmentDispatched(shipment, order.Id, "HCM", "GHN", "W-DUP", Lines((sku, 1m)), DateTimeOffset.UtcNow);
        var dispatchId = await order.LogisticsAsync(dispatched);
        var issued = new StockIssued("sales-out", "shipment", shipment.ToString(), "HCM", order.Id, [new MovedLine(sku, 1m, 5m, 5m)], DateTimeOffset.UtcNow);
        var issueId = await order.InventoryAsync(issued);
        var delivered = new ShipmentDelivered(shipment, order.Id, "HCM", Lines((sku, 1m)), DateTimeOffset.UtcNow);
        await order.LogisticsAsync(delivered);
        var before = await order.GetAsync();
        var published = await factory.QueryAsync(null, db => db.Set<OutboxMessage>().CountAsync(m => m.AggregateId == order.Id.ToString()));

        // The same message again (a transport redelivery), and the same facts under new message ids (a producer retry).
        await order.LogisticsAsync(dispatched, dispatchId);
        await order.InventoryAsync(issued, issueId);
        await order.LogisticsAsync(dispatched);
        await order.InventoryAsync(issued);
        await order.LogisticsAsync(delivered);
        await order.InventoryAsync(new StockReserved(order.Id, [new ReservedLine(sku, "HCM", 1m)]));
        await order.LogisticsAsync(new ShipmentCreated(shipment, "SH-DUP", order.Id, order.Order.Number, request.RequestId, "HCM", null, "standard",
            Lines((sku, 1m)), DateTimeOffset.UtcNow));
        // Late reports of earlier steps never move the order back.
        await order.LogisticsAsync(new ShipmentPicked(shipment, order.Id, DateTimeOffset.UtcNow));
        await order.LogisticsAsync(new ShipmentTransitStarted(shipment, order.Id, null, DateTimeOffset.UtcNow));

        var after = await order.GetAsync();
        (after.Status, after.Fulfilment!.State).ShouldBe((OrderStatus.Completed, FulfilmentState.Completed));
        after.Fulfilment.Shipments.Single().Status.ShouldBe(FulfilmentShipmentStatus.Delivered);
        after.Version.ShouldBe(before.Version);
        after.Timeline!.Count(t => t.Kind != "report").ShouldBe(before.Timeline!.Count(t => t.Kind != "report"));
        after.Timeline!.Count(t => t.Summary.StartsWith("Inventory issued", StringComparison.Ordinal)).ShouldBe(1);
        after.Timeline!.Count(t => t.Summary.Contains("delivered", StringComparison.Ordinal) && t.Kind == "report").ShouldBe(1);
        (await factory.QueryAsync(null, db => db.Set<OutboxMessage>().CountAsync(m => m.AggregateId == order.Id.ToString()))).ShouldBe(published);
    }

    [Fact]
    public async Task The_sales_out_from_inventory_may_arrive_before_or_after_logistics_reports_the_dispatch()
    {
        var sku = factory.Catalog.Add();
        var states = new List<(OrderStatus, FulfilmentState, int)>();
        foreach (var issueFirst in new[] { true, false })
        {
            var order = await Place((sku, 1m));
            var request = await order.ReserveAsync(new ReservedLine(sku, "HCM", 1m));
            var shipment = await order.CreatedAsync(request, "HCM", issueFirst ? "SH-IF" : "SH-DF");
            var issued = new StockIssued("sales-out", "shipment", shipment.ToString(), "HCM", order.Id, [new MovedLine(sku, 1m, 5m, 5m)], DateTimeOffset.UtcNow);
            if (issueFirst)
                await order.InventoryAsync(issued);
            await order.DispatchedAsync(shipment, "HCM", Lines((sku, 1m)), "W");
            if (!issueFirst)
                await order.InventoryAsync(issued);
            var dto = await order.GetAsync();
            dto.Fulfilment!.Shipments.Single().StockIssuedAt.ShouldNotBeNull();
            states.Add((dto.Status, dto.Fulfilment.State, dto.Timeline!.Count));
        }
        states.Distinct().ShouldHaveSingleItem().ShouldBe((OrderStatus.Dispatched, FulfilmentState.Dispatched, 6));
    }

    [Fact]
    public async Task The_search_read_model_knows_the_new_statuses()
    {
        var sku = factory.Catalog.Add("Searchable fulfilment product");
        var order = await Place((sku, 1m));
        var request = await order.ReserveAsync(new ReservedLine(sku, "HCM", 1m));
        var shipment = await order.CreatedAsync(request, "HCM", "SH-SEARCH");
        await order.ShipAsync(shipment, "HCM", Lines((sku, 1m)), "W-S");

        var completed = await Poll.UntilAsync(
            async () => (await _sales.GetFromJsonAsync<OrderSearchPageDto>($"/api/orders/search?sku={sku}&status=Completed", TesseraJson.Options))!.Items,
            items => items.Count == 1, "the completed order to be searchable by its status");
        completed[0].Status.ShouldBe(OrderStatus.Completed);
        var listed = await _sales.GetFromJsonAsync<PagedResult<OrderSummaryDto>>("/api/orders?status=completed", TesseraJson.Options);
        listed!.Items.ShouldContain(o => o.Id == order.Id);
    }

    [Fact]
    public async Task An_order_without_fulfilment_yet_shows_none_and_the_alert_list_is_paged()
    {
        var order = await Place((factory.Catalog.Add(), 1m));
        (await order.GetAsync()).Fulfilment.ShouldBeNull();
        (await _sales.GetAsync("/api/orders/fulfilment/alerts?pageSize=0")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var page = await factory.ClientFor(Tenant, "viewer").GetFromJsonAsync<PagedResult<FulfilmentAlertDto>>("/api/orders/fulfilment/alerts?page=1&pageSize=5", TesseraJson.Options);
        page!.PageSize.ShouldBe(5);
    }
}
