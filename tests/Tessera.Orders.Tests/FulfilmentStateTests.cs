using Tessera.Orders.Contracts;
using Tessera.Orders.Domain;

namespace Tessera.Orders.Tests;

/// <summary>The process manager's rules without I/O: how shipments split, and which state the shipments put an order in.</summary>
public sealed class FulfilmentStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);

    private static OrderFulfilment Requested(params string[] warehouses)
    {
        var fulfilment = OrderFulfilment.Start(Guid.NewGuid(), "t", 1, Now);
        fulfilment.Request(Guid.NewGuid(), warehouses.Select(w => new RequestedShipmentDto(w, [new OrderedLine(1, "A", 1m)])).ToList(), "standard",
            TimeSpan.FromHours(48), Now);
        return fulfilment;
    }

    private static FulfilmentShipment Ship(OrderFulfilment fulfilment, string warehouse, params FulfilmentShipmentStatus[] steps)
    {
        var shipment = fulfilment.Track(Guid.NewGuid(), warehouse, [new FulfilmentLineDto("A", 1m)]);
        shipment.RequestId = fulfilment.RequestId;
        foreach (var step in steps)
            shipment.Advance(step);
        return shipment;
    }

    [Fact]
    public void Lines_split_over_the_warehouses_that_hold_them_and_what_is_not_held_is_named()
    {
        var allocation = new[]
        {
            new FulfilmentAllocation { Sku = "A", Warehouse = "HN", Quantity = 2m },
            new FulfilmentAllocation { Sku = "A", Warehouse = "HCM", Quantity = 3m },
            new FulfilmentAllocation { Sku = "B", Warehouse = "HN", Quantity = 1m },
        };
        var lines = new[]
        {
            new OrderLine { LineNo = 1, Sku = "A", Quantity = 4m },
            new OrderLine { LineNo = 2, Sku = "B", Quantity = 2m },
            new OrderLine { LineNo = 3, Sku = "A", Quantity = 1m },
        };

        var split = OrderFulfilment.Split(lines, allocation, out var unallocated);

        split.Select(s => (s.Warehouse, string.Join(" ", s.Lines.Select(l => $"{l.LineNo}{l.Sku}{l.Quantity}")))).ShouldBe(
            [("HCM", "1A3"), ("HN", "1A1 2B1 3A1")]);
        unallocated.ShouldBe([new FulfilmentLineDto("B", 1m)]);
    }

    [Fact]
    public void The_state_follows_the_slowest_shipment_and_completes_only_when_every_warehouse_delivered()
    {
        var fulfilment = Requested("HCM", "HN");
        fulfilment.Derive().ShouldBe(FulfilmentState.ShipmentRequested);
        var south = Ship(fulfilment, "HCM", FulfilmentShipmentStatus.Dispatched);
        fulfilment.Derive().ShouldBe(FulfilmentState.PartiallyDispatched);
        south.Advance(FulfilmentShipmentStatus.Delivered);
        // HN has no shipment yet: delivered is not the whole order.
        fulfilment.Derive().ShouldBe(FulfilmentState.PartiallyDelivered);
        var north = Ship(fulfilment, "HN", FulfilmentShipmentStatus.Dispatched);
        fulfilment.Derive().ShouldBe(FulfilmentState.PartiallyDelivered);
        north.Advance(FulfilmentShipmentStatus.DeliveryFailed);
        fulfilment.Derive().ShouldBe(FulfilmentState.DeliveryFailed);
        north.Advance(FulfilmentShipmentStatus.ReturnedToOrigin);
        fulfilment.Derive().ShouldBe(FulfilmentState.PartiallyReturned);
    }

    [Fact]
    public void A_state_never_goes_back_and_cancelled_is_final()
    {
        var fulfilment = Requested("HCM");
        fulfilment.Advance(FulfilmentState.Dispatched, Now).ShouldBeTrue();
        fulfilment.Advance(FulfilmentState.ShipmentRequested, Now).ShouldBeFalse();
        fulfilment.Advance(FulfilmentState.Completed, Now).ShouldBeTrue();
        fulfilment.Advance(FulfilmentState.Dispatched, Now).ShouldBeFalse();
        fulfilment.State.ShouldBe(FulfilmentState.Completed);

        var cancelled = Requested("HCM");
        cancelled.Cancel(Now);
        cancelled.Advance(FulfilmentState.Dispatched, Now).ShouldBeFalse();
        cancelled.Derive().ShouldBe(FulfilmentState.Cancelled);
    }

    [Fact]
    public void A_shipment_status_only_moves_forward_and_a_shipment_that_left_cannot_be_cancelled()
    {
        var shipment = new FulfilmentShipment();
        shipment.Advance(FulfilmentShipmentStatus.Packed).ShouldBeTrue();
        shipment.Advance(FulfilmentShipmentStatus.Picked).ShouldBeFalse();
        shipment.Advance(FulfilmentShipmentStatus.Delivered).ShouldBeTrue();
        shipment.Advance(FulfilmentShipmentStatus.DeliveryFailed).ShouldBeFalse();
        shipment.Cancel("too late", Now).ShouldBeFalse();
        shipment.Status.ShouldBe(FulfilmentShipmentStatus.Delivered);
    }

    [Fact]
    public void Returns_count_every_unit_that_came_back_against_what_was_shipped()
    {
        var fulfilment = Requested("HCM");
        var shipment = fulfilment.Track(Guid.NewGuid(), "HCM", [new FulfilmentLineDto("A", 3m)]);
        shipment.RequestId = fulfilment.RequestId;
        shipment.Advance(FulfilmentShipmentStatus.Delivered);
        var first = fulfilment.TrackReturn(Guid.NewGuid(), "R1");
        first.ReceivedAt = Now;
        first.Received = """[{"sku":"A","quantity":2,"condition":"restock"}]""";
        fulfilment.Derive().ShouldBe(FulfilmentState.PartiallyReturned);
        var second = fulfilment.TrackReturn(Guid.NewGuid(), "R2");
        second.ReceivedAt = Now;
        second.Received = """[{"sku":"A","quantity":1,"condition":"damaged"}]""";
        fulfilment.Derive().ShouldBe(FulfilmentState.Returned);
    }

    [Fact]
    public void An_alert_is_raised_once_and_cleared_once()
    {
        var fulfilment = Requested("HCM");
        fulfilment.Raise(AlertKinds.DispatchOverdue, null, "late", "fulfilment", Now).ShouldBeTrue();
        fulfilment.Raise(AlertKinds.DispatchOverdue, null, "late again", "fulfilment", Now).ShouldBeFalse();
        fulfilment.Clear(AlertKinds.DispatchOverdue, null, "dispatched", "logistics", Now).ShouldBeTrue();
        fulfilment.Clear(AlertKinds.DispatchOverdue, null, "dispatched", "logistics", Now).ShouldBeFalse();
        fulfilment.Raise(AlertKinds.DispatchOverdue, null, "late once more", "fulfilment", Now).ShouldBeFalse();
        fulfilment.Alerts.ShouldHaveSingleItem().ClearedBecause.ShouldBe("dispatched");
        fulfilment.TakeNotes().Select(n => n.Summary).ShouldBe(["Alert: late", "Alert cleared (dispatch-overdue): dispatched"]);
    }

    [Fact]
    public void A_reservation_adjustment_counts_once()
    {
        var fulfilment = Requested("HCM");
        fulfilment.RecordReservation([("A", "HCM", 2m)], Now).ShouldBeTrue();
        fulfilment.RecordReservation([("A", "HCM", 2m)], Now).ShouldBeFalse();
        var change = Guid.NewGuid();
        fulfilment.Adjust(change, [("A", "HCM", 1m)], [], Now).ShouldBeTrue();
        fulfilment.Adjust(change, [("A", "HCM", 1m)], [], Now).ShouldBeFalse();
        fulfilment.Allocation.ShouldHaveSingleItem().Quantity.ShouldBe(3m);
        fulfilment.Unallocate([("A", "HCM", 5m)], Now);
        fulfilment.Allocation.ShouldBeEmpty();
    }
}
