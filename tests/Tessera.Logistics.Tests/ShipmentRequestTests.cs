using Tessera.Logistics.Contracts;
using Tessera.Orders.Contracts;

namespace Tessera.Logistics.Tests;

/// <summary>Shipments come from the orders service's ShipmentsRequested: one per warehouse, once, and a newer request supersedes.</summary>
public sealed class ShipmentRequestTests(LogisticsFactory factory) : IClassFixture<LogisticsFactory>
{
    [Fact]
    public async Task A_request_becomes_one_shipment_per_warehouse_with_its_lines_and_numbers()
    {
        var logistics = new Logistics(factory);
        var orderId = Guid.CreateVersion7();
        var requestId = Guid.CreateVersion7();

        await logistics.DeliverAsync(orderId, Logistics.Request(orderId, requestId,
            ("HCM", [("TEA-1", 2m), ("CUP-1", 1m)]),
            ("hn", [("TEA-1", 3m)])));

        var shipments = await logistics.ShipmentsOfAsync(orderId);
        shipments.Select(s => (s.Warehouse, s.Status, s.LineCount, s.Quantity)).ShouldBe(
            [("HCM", ShipmentStatus.Created, 2, 3m), ("HN", ShipmentStatus.Created, 1, 3m)]);
        shipments.Select(s => s.Number).Order().ShouldBe(["SHP-000001", "SHP-000002"]);
        var created = (await logistics.OutboxAsync(orderId)).Where(e => e.Type == nameof(ShipmentCreated)).ToList();
        created.Count.ShouldBe(2);
        created.ShouldAllBe(e => e.AggregateId == orderId.ToString());
        var hcm = await logistics.GetAsync(shipments[0].Id);
        hcm.Lines.ShouldBe([new ShipmentLineDto("TEA-1", 2m), new ShipmentLineDto("CUP-1", 1m)]);
        (hcm.RequestId, hcm.OrderNumber, hcm.ServiceLevel).ShouldBe((requestId, 42L, "standard"));
        hcm.AllowedActions.ShouldBe(["pick", "cancel"]);
    }

    [Fact]
    public async Task The_same_request_delivered_twice_creates_its_shipments_once()
    {
        var logistics = new Logistics(factory);
        var orderId = Guid.CreateVersion7();
        var request = Logistics.Request(orderId, Guid.CreateVersion7(), ("HCM", [("TEA-1", 2m)]), ("HN", [("TEA-1", 1m)]));

        // Two deliveries with different message ids, as when the producer published it again: the request id decides.
        await logistics.DeliverAsync(orderId, request);
        await logistics.DeliverAsync(orderId, request);

        (await logistics.ShipmentsOfAsync(orderId)).Count.ShouldBe(2);
        (await logistics.EventTypesAsync(orderId)).Count(t => t == nameof(ShipmentCreated)).ShouldBe(2);
    }

    [Fact]
    public async Task A_newer_request_cancels_the_older_shipments_that_have_not_left_and_replaces_them()
    {
        var logistics = new Logistics(factory);
        var orderId = Guid.CreateVersion7();
        var first = Guid.CreateVersion7();
        await logistics.DeliverAsync(orderId, Logistics.Request(orderId, first, ("HCM", [("TEA-1", 2m)]), ("HN", [("TEA-1", 1m)])));
        var old = await logistics.ShipmentsOfAsync(orderId);
        await logistics.ActAsync(old[0].Id, "pick");

        var second = Guid.CreateVersion7();
        await logistics.DeliverAsync(orderId, Logistics.Request(orderId, second, ("HCM", [("TEA-1", 4m)])));

        var all = await logistics.ShipmentsOfAsync(orderId);
        all.Where(s => old.Any(o => o.Id == s.Id)).ShouldAllBe(s => s.Status == ShipmentStatus.Cancelled);
        var current = all.Single(s => s.Status != ShipmentStatus.Cancelled);
        (current.Warehouse, current.Quantity).ShouldBe(("HCM", 4m));
        (await logistics.GetAsync(current.Id)).RequestId.ShouldBe(second);
        var cancelled = (await logistics.Factory.PublishedAsync<ShipmentCancelled>()).Where(e => e.OrderId == orderId).ToList();
        cancelled.Select(e => e.ShipmentId).ShouldBe(old.Select(o => o.Id), ignoreOrder: true);
        cancelled.ShouldAllBe(e => e.Reason.Contains("newer shipment request"));
    }

    [Fact]
    public async Task A_newer_request_after_a_shipment_left_changes_nothing_and_says_which_one_left()
    {
        var logistics = new Logistics(factory);
        await logistics.CarrierAsync("GHN");
        var orderId = Guid.CreateVersion7();
        await logistics.DeliverAsync(orderId, Logistics.Request(orderId, Guid.CreateVersion7(), ("HCM", [("TEA-1", 2m)]), ("HN", [("TEA-1", 1m)])));
        var old = await logistics.ShipmentsOfAsync(orderId);
        await logistics.DispatchAsync(old[0].Id, "GHN");

        await logistics.DeliverAsync(orderId, Logistics.Request(orderId, Guid.CreateVersion7(), ("HCM", [("TEA-1", 5m)])));

        var all = await logistics.ShipmentsOfAsync(orderId);
        all.Select(s => (s.Id, s.Status)).ShouldBe([(old[0].Id, ShipmentStatus.Dispatched), (old[1].Id, ShipmentStatus.Created)]);
        var failed = (await logistics.Factory.PublishedAsync<ShipmentCancellationFailed>()).Single(e => e.OrderId == orderId);
        (failed.ShipmentId, failed.Status).ShouldBe((old[0].Id, "Dispatched"));
        failed.Reason.ShouldContain(old[0].Number);
        (await logistics.EventTypesAsync(orderId)).ShouldNotContain(nameof(ShipmentCancelled));
    }

    [Fact]
    public async Task A_request_older_than_the_current_one_arriving_late_creates_nothing()
    {
        var logistics = new Logistics(factory);
        var orderId = Guid.CreateVersion7();
        var newer = Logistics.Request(orderId, Guid.CreateVersion7(), ("HCM", [("TEA-1", 4m)]));
        var older = Logistics.Request(orderId, Guid.CreateVersion7(), ("HN", [("TEA-1", 2m)])) with { RequestedAt = newer.RequestedAt.AddMinutes(-5) };

        await logistics.DeliverAsync(orderId, newer);
        await logistics.DeliverAsync(orderId, older);

        var shipment = (await logistics.ShipmentsOfAsync(orderId)).ShouldHaveSingleItem();
        (shipment.Warehouse, shipment.Status).ShouldBe(("HCM", ShipmentStatus.Created));
    }

    [Fact]
    public async Task A_request_for_an_order_already_cancelled_creates_nothing()
    {
        var logistics = new Logistics(factory);
        var orderId = Guid.CreateVersion7();

        await logistics.DeliverAsync(orderId, new OrderCancelled(orderId, 42, "Customer changed their mind", OrderStatus.Confirmed));
        await logistics.DeliverAsync(orderId, Logistics.Request(orderId, Guid.CreateVersion7(), ("HCM", [("TEA-1", 1m)])));

        (await logistics.ShipmentsOfAsync(orderId)).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_default_carrier_is_chosen_when_it_offers_the_service_level_and_otherwise_left_for_dispatch()
    {
        var logistics = new Logistics(factory);
        await logistics.CarrierAsync("VTP", isDefault: true, "standard");
        var standard = Guid.CreateVersion7();
        var express = Guid.CreateVersion7();

        await logistics.DeliverAsync(standard, Logistics.Request(standard, Guid.CreateVersion7(), ("HCM", [("TEA-1", 1m)])));
        await logistics.DeliverAsync(express, Logistics.Request(express, Guid.CreateVersion7(), ("HCM", [("TEA-1", 1m)])) with { ServiceLevel = "Express" });

        (await logistics.ShipmentsOfAsync(standard)).Single().Carrier.ShouldBe("VTP");
        var open = (await logistics.ShipmentsOfAsync(express)).Single();
        (open.Carrier, open.ServiceLevel).ShouldBe((null, "express"));
        (await logistics.Factory.PublishedAsync<ShipmentCreated>()).Single(e => e.OrderId == standard).Carrier.ShouldBe("VTP");
    }
}
