using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Orders.Tests;

/// <summary>Closed now includes completed and returned orders; an order whose fulfilment still waits for something stays live.</summary>
public sealed class FulfilmentArchiveTests(ArchivingOrdersFactory factory) : IClassFixture<ArchivingOrdersFactory>
{
    private const string Tenant = "archiving-fulfilment";
    private readonly HttpClient _client = factory.ClientFor(Tenant, "admin");

    private Task<bool> IsLive(Guid id) => factory.QueryAsync(null, db => db.Orders.IgnoreQueryFilters().AnyAsync(o => o.Id == id));

    [Fact]
    public async Task A_completed_order_moves_to_the_archive_with_its_fulfilment_and_leaves_no_fulfilment_rows_behind()
    {
        var sku = factory.Catalog.Add("Archived fulfilment");
        var order = await FulfilmentScenario.PlaceAsync(factory, _client, Tenant, [(sku, 1m)]);
        var request = await order.ReserveAsync(new ReservedLine(sku, "HCM", 1m));
        var shipment = await order.CreatedAsync(request, "HCM", "SH-ARCH");
        await order.ShipAsync(shipment, "HCM", [new ShippedLine(sku, 1m)], "W-ARCH");

        await Poll.UntilAsync(async () => !await IsLive(order.Id), "the completed order to be archived");

        var archived = await order.GetAsync();
        (archived.Archived, archived.Status).ShouldBe((true, OrderStatus.Completed));
        archived.Fulfilment!.State.ShouldBe(FulfilmentState.Completed);
        archived.Fulfilment.Shipments.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            s => s.Number.ShouldBe("SH-ARCH"), s => s.WaybillNumber.ShouldBe("W-ARCH"), s => s.Status.ShouldBe(FulfilmentShipmentStatus.Delivered));
        (await factory.QueryAsync(null, db => db.Fulfilments.IgnoreQueryFilters().AnyAsync(f => f.OrderId == order.Id))).ShouldBeFalse();
        (await factory.QueryAsync(null, db => db.FulfilmentShipments.IgnoreQueryFilters().AnyAsync(s => s.OrderId == order.Id))).ShouldBeFalse();
        var found = await _client.GetFromJsonAsync<OrderSearchPageDto>($"/api/orders/search?sku={sku}&status=Completed&includeArchived=true", TesseraJson.Options);
        found!.Items.ShouldHaveSingleItem().Archived.ShouldBeTrue();
    }

    [Fact]
    public async Task A_cancelled_order_stays_live_until_its_compensations_are_done()
    {
        var sku = factory.Catalog.Add();
        var order = await FulfilmentScenario.PlaceAsync(factory, _client, Tenant, [(sku, 1m)]);
        var request = await order.ReserveAsync(new ReservedLine(sku, "HCM", 1m));
        var shipment = await order.CreatedAsync(request, "HCM", "SH-WAIT");
        (await _client.PostJsonAsync($"/api/orders/{order.Id}/cancel", new { reason = "changed plans" })).EnsureSuccessStatusCode();
        await order.InventoryAsync(new StockReleased(order.Id, [new ReservedLine(sku, "HCM", 1m)]));

        // The archive job runs every 200 ms with no waiting period: a second is five chances to move it.
        await Task.Delay(TimeSpan.FromSeconds(1));
        (await IsLive(order.Id)).ShouldBeTrue();

        await order.LogisticsAsync(new ShipmentCancelled(shipment, order.Id, "order cancelled", DateTimeOffset.UtcNow));
        await Poll.UntilAsync(async () => !await IsLive(order.Id), "the settled cancelled order to be archived");
        (await order.GetAsync()).Fulfilment!.Compensations.ShouldAllBe(c => c.Status == "Done");
    }
}
