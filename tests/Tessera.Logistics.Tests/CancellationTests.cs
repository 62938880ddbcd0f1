using System.Net;
using Tessera.Logistics.Contracts;
using Tessera.Orders.Contracts;
using Tessera.Testing;

namespace Tessera.Logistics.Tests;

/// <summary>An order cancelled by the orders service: shipments that have not left are cancelled, those that left cannot be.</summary>
public sealed class CancellationTests(LogisticsFactory factory) : IClassFixture<LogisticsFactory>
{
    [Fact]
    public async Task Cancelling_the_order_before_dispatch_cancels_its_shipments_once()
    {
        var logistics = new Logistics(factory);
        var orderId = Guid.CreateVersion7();
        await logistics.DeliverAsync(orderId, Logistics.Request(orderId, Guid.CreateVersion7(), ("HCM", [("TEA-1", 1m)]), ("HN", [("TEA-1", 2m)])));
        var shipments = await logistics.ShipmentsOfAsync(orderId);
        await logistics.ActAsync(shipments[0].Id, "pick");
        await logistics.ActAsync(shipments[0].Id, "pack", Logistics.OnePackage);
        var cancelled = new OrderCancelled(orderId, 42, "Customer changed their mind", OrderStatus.Confirmed);

        await logistics.DeliverAsync(orderId, cancelled);
        await logistics.DeliverAsync(orderId, cancelled);

        (await logistics.ShipmentsOfAsync(orderId)).ShouldAllBe(s => s.Status == ShipmentStatus.Cancelled);
        var events = (await logistics.Factory.PublishedAsync<ShipmentCancelled>()).Where(e => e.OrderId == orderId).ToList();
        events.Select(e => e.ShipmentId).ShouldBe(shipments.Select(s => s.Id), ignoreOrder: true);
        events.ShouldAllBe(e => e.Reason == "Order 42 was cancelled: Customer changed their mind");
        (await logistics.GetAsync(shipments[0].Id)).CancelReason.ShouldBe("Order 42 was cancelled: Customer changed their mind");
    }

    [Fact]
    public async Task Cancelling_the_order_after_dispatch_reports_the_shipment_that_left_and_cancels_the_rest()
    {
        var logistics = new Logistics(factory);
        await logistics.CarrierAsync("GHN");
        var orderId = Guid.CreateVersion7();
        await logistics.DeliverAsync(orderId, Logistics.Request(orderId, Guid.CreateVersion7(), ("HCM", [("TEA-1", 1m)]), ("HN", [("TEA-1", 2m)])));
        var shipments = await logistics.ShipmentsOfAsync(orderId);
        var left = await logistics.DispatchAsync(shipments[0].Id, "GHN");

        await logistics.DeliverAsync(orderId, new OrderCancelled(orderId, 42, "Fraud suspected", OrderStatus.Confirmed));

        var after = await logistics.ShipmentsOfAsync(orderId);
        after.Select(s => s.Status).ShouldBe([ShipmentStatus.Dispatched, ShipmentStatus.Cancelled]);
        var failed = (await logistics.Factory.PublishedAsync<ShipmentCancellationFailed>()).Single(e => e.OrderId == orderId);
        (failed.ShipmentId, failed.Status).ShouldBe((left.Id, "Dispatched"));
        failed.Reason.ShouldContain(left.WaybillNumber!);
        (await logistics.Factory.PublishedAsync<ShipmentCancelled>()).Where(e => e.OrderId == orderId).Select(e => e.ShipmentId).ShouldBe([shipments[1].Id]);
    }

    [Fact]
    public async Task A_cancelled_shipment_cannot_be_dispatched_and_the_refusal_gives_the_reason()
    {
        var logistics = new Logistics(factory);
        await logistics.CarrierAsync("GHN");
        var shipment = await logistics.ShipmentAsync();
        await logistics.ActAsync(shipment.Id, "pick");
        await logistics.ActAsync(shipment.Id, "pack", Logistics.OnePackage);
        await logistics.DeliverAsync(shipment.OrderId, new OrderCancelled(shipment.OrderId, 42, "Out of budget", OrderStatus.Confirmed));

        var response = await logistics.ActAsync(shipment.Id, "dispatch", new { carrier = "GHN" });

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var problem = await response.ProblemAsync();
        problem.GetProperty("detail").GetString()!.ShouldContain("Out of budget");
        problem.GetProperty("currentStatus").GetString().ShouldBe("Cancelled");
        (await logistics.EventTypesAsync(shipment.OrderId)).ShouldNotContain(nameof(ShipmentDispatched));
    }

    [Fact]
    public async Task A_warehouse_cancels_a_shipment_that_has_not_left_but_not_one_that_has()
    {
        var logistics = new Logistics(factory);
        await logistics.CarrierAsync("GHN");
        var waiting = await logistics.ShipmentAsync();
        var gone = await logistics.ShipmentAsync();
        await logistics.DispatchAsync(gone.Id, "GHN");

        var cancelled = await (await logistics.ActAsync(waiting.Id, "cancel", new { reason = "Damaged in the warehouse" })).ReadAsync<ShipmentDto>();
        var refused = await logistics.ActAsync(gone.Id, "cancel", new { reason = "Too late" });
        var noReason = await logistics.ActAsync(waiting.Id, "cancel", new { reason = "" });

        (cancelled.Status, cancelled.CancelReason).ShouldBe((ShipmentStatus.Cancelled, "Damaged in the warehouse"));
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await refused.ProblemAsync()).GetProperty("detail").GetString()!.ShouldContain("has left the warehouse with GHN");
        (await noReason.ProblemAsync()).ErrorFields().ShouldBe(["reason"]);
    }
}
