using System.Net.Http.Json;
using Tessera.Logistics.Contracts;
using Tessera.Logistics.Domain;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Logistics.Tests;

/// <summary>I3 as the consistency endpoint reports it: it holds after every flow, and it names what breaks it.</summary>
public sealed class ConsistencyTests(LogisticsFactory factory) : IClassFixture<LogisticsFactory>
{
    private static async Task<ConsistencyReportDto> CheckAsync(Logistics logistics) =>
        (await logistics.Admin.GetFromJsonAsync<ConsistencyReportDto>("/api/logistics/consistency", TesseraJson.Options))!;

    [Fact]
    public async Task I3_holds_after_requests_redeliveries_supersedes_cancellations_and_dispatches()
    {
        var logistics = new Logistics(factory);
        await logistics.CarrierAsync("GHN");
        var orderId = Guid.CreateVersion7();
        var first = Logistics.Request(orderId, Guid.CreateVersion7(), ("HCM", [("TEA-1", 2m)]), ("HN", [("TEA-1", 1m)]));
        await logistics.DeliverAsync(orderId, first);
        await logistics.DeliverAsync(orderId, first);
        await logistics.DeliverAsync(orderId, Logistics.Request(orderId, Guid.CreateVersion7(), ("HCM", [("TEA-1", 3m)])));
        await logistics.DispatchAsync((await logistics.ShipmentsOfAsync(orderId)).Single(s => s.Status == ShipmentStatus.Created).Id, "GHN");
        await logistics.ShipmentAsync();

        var report = await CheckAsync(logistics);

        report.Service.ShouldBe("logistics");
        report.Holds.ShouldBeTrue();
        report.Invariants.Select(i => i.Id).ShouldBe(["I3a", "I3b", "I3c"]);
        report.Invariants.Single(i => i.Id == "I3a").Checked.ShouldBe(4);
        report.Invariants.Single(i => i.Id == "I3b").Checked.ShouldBe(2);
        report.Invariants.Single(i => i.Id == "I3c").Checked.ShouldBe(2);
    }

    [Fact]
    public async Task A_second_active_shipment_for_an_order_and_warehouse_is_reported_with_what_it_carries_too_much()
    {
        var logistics = new Logistics(factory);
        var shipment = await logistics.ShipmentAsync("TEA-1", 2m);
        // A stray shipment written behind the API's back (as a bug or a bad manual fix would): another request, same warehouse.
        await factory.QueryAsync(logistics.Tenant, async db =>
        {
            var stray = Shipment.Create(shipment.OrderId, 42, Guid.CreateVersion7(), "SHP-999999", "HCM", [("TEA-1", 1m)], null, null, null,
                DateTimeOffset.UtcNow, "test");
            db.Shipments.Add(stray);
            return await db.SaveChangesAsync();
        });

        var report = await CheckAsync(logistics);

        report.Holds.ShouldBeFalse();
        report.Invariants.Single(i => i.Id == "I3a").Holds.ShouldBeTrue();
        var active = report.Invariants.Single(i => i.Id == "I3b");
        (active.Holds, active.ViolationCount).ShouldBe((false, 1));
        active.Violations.Single().ShouldSatisfyAllConditions(
            v => v.Key.ShouldBe("order 42@HCM"), v => v.Detail.ShouldContain("SHP-999999"), v => v.Detail.ShouldContain(shipment.Number));
        var lines = report.Invariants.Single(i => i.Id == "I3c");
        lines.Violations.Single().Detail.ShouldBe("active shipments carry 3, the current request asks for 2");
    }

    [Fact]
    public async Task The_report_covers_only_the_caller_s_tenant()
    {
        var broken = new Logistics(factory);
        var shipment = await broken.ShipmentAsync();
        await factory.QueryAsync(broken.Tenant, async db =>
        {
            db.Shipments.Add(Shipment.Create(shipment.OrderId, 42, Guid.CreateVersion7(), "SHP-888888", "HCM", [("TEA-1", 1m)], null, null, null, DateTimeOffset.UtcNow, "test"));
            return await db.SaveChangesAsync();
        });
        var healthy = new Logistics(factory);
        await healthy.ShipmentAsync();

        (await CheckAsync(healthy)).Holds.ShouldBeTrue();
        (await CheckAsync(broken)).Holds.ShouldBeFalse();
    }
}
