using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Tessera.Inventory.Contracts;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.System.Tests;

[Collection(SystemCollection.Name)]
public sealed class ReadmeTourTests(SystemFixture fixture)
{
    private Api Api => fixture.Api;

    [Fact]
    public async Task Every_service_is_ready_within_60_seconds_and_listens_on_loopback_only()
    {
        fixture.System.StartupTime.ShouldBeLessThan(TimeSpan.FromSeconds(60));
        var status = (await fixture.System.StatusAsync())!;
        status.Services.Select(s => s.Name).ShouldBe(["catalog", "inventory", "orders", "web"], ignoreOrder: true);
        status.Services.ShouldAllBe(s => s.State == "ready" && new Uri(s.Url).Host == "127.0.0.1");
    }

    [Fact]
    public async Task The_five_minute_tour_works_over_the_public_port()
    {
        // create a product, a warehouse, receive stock
        var sku = await Api.ProductAsync();
        var warehouse = await Api.WarehouseAsync();
        await Api.ReceiveAsync(warehouse, sku, 10m);

        // place an order and see it Confirmed, its reservation visible in inventory
        var order = await Api.PlaceAsync(sku, 3m);
        order.Status.ShouldBe(OrderStatus.Pending);
        (await Api.SettledAsync(order.Id)).Status.ShouldBe(OrderStatus.Confirmed);
        (await Api.StockAsync(sku, warehouse)).ShouldSatisfyAllConditions(s => s.Reserved.ShouldBe(3m), s => s.Available.ShouldBe(7m));
        var reservations = await Api.Client.GetFromJsonAsync<List<ReservationDto>>($"/api/inventory/reservations?orderId={order.Id}", TesseraJson.Options);
        reservations!.ShouldHaveSingleItem().ShouldSatisfyAllConditions(r => r.Quantity.ShouldBe(3m), r => r.Warehouse.ShouldBe(warehouse));

        // over-order and see it Rejected, naming the short line
        var tooMuch = await Api.PlaceAsync(sku, 50m);
        var rejected = await Api.SettledAsync(tooMuch.Id);
        rejected.Status.ShouldBe(OrderStatus.Rejected);
        rejected.ShortLines.ShouldBe([new ShortLineDto(sku, 50m, 7m)]);
        rejected.History[^1].Reason!.ShouldContain(sku);

        // cancel and see the stock released
        var cancel = await Api.Client.PostJsonAsync($"/api/orders/{order.Id}/cancel", new { reason = "Customer changed their mind" });
        cancel.StatusCode.ShouldBe(HttpStatusCode.OK);
        var released = await Poll.UntilAsync(() => Api.StockAsync(sku, warehouse), s => s.Reserved == 0m, "the reservation to be released");
        released.Available.ShouldBe(10m);
        (await Api.OrderAsync(order.Id)).History.Select(h => h.Status).ShouldBe([OrderStatus.Pending, OrderStatus.Confirmed, OrderStatus.Cancelled]);
    }

    [Fact]
    public async Task An_order_for_available_stock_is_confirmed_within_two_seconds()
    {
        var sku = await Api.ProductAsync();
        var warehouse = await Api.WarehouseAsync();
        await Api.ReceiveAsync(warehouse, sku, 100m);
        await Api.SettledAsync((await Api.PlaceAsync(sku, 1m)).Id); // the first order of a SKU warms its code paths

        var clock = Stopwatch.StartNew();
        var order = await Api.PlaceAsync(sku, 1m);
        var confirmed = await Api.SettledAsync(order.Id, TimeSpan.FromSeconds(2));

        confirmed.Status.ShouldBe(OrderStatus.Confirmed);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2));
        (await Api.StockAsync(sku, warehouse)).Reserved.ShouldBe(2m);
    }
}
