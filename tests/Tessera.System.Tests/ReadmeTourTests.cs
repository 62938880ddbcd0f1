using System.Diagnostics;
using System.Text.Json;
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
        status.Services.Select(s => s.Name).ShouldBe(["catalog", "inventory", "orders", "procurement", "logistics", "finance", "reporting", "web"], ignoreOrder: true);
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

    [Fact]
    public async Task The_purchasing_and_shipping_part_of_the_tour_works_as_written()
    {
        var sku = await Api.ProductAsync();
        var warehouse = await Api.WarehouseAsync();
        var client = Api.Client;

        // A supplier, a purchase order for 20, approved, and a receipt of 10 with 2 refused at the door.
        var supplier = await (await client.PostJsonAsync("/api/procurement/suppliers", new
        {
            code = Api.Unique("TRAVIET"), name = "Tra Viet Co.", currency = "VND", paymentTermsDays = 30,
            contact = new { name = "Pham Van Duc", phone = "0903111222" },
        })).ReadAsync<JsonElement>();
        var po = await (await client.PostJsonAsync("/api/procurement/purchase-orders",
            new { supplierId = supplier.GetProperty("id").GetGuid(), warehouse, lines = new[] { new { sku, quantity = 20m, unitPrice = 90000m } } },
            Guid.NewGuid().ToString())).ReadAsync<JsonElement>();
        var id = po.GetProperty("id").GetGuid();
        (await client.PostAsync($"/api/procurement/purchase-orders/{id}/approve", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var receipt = await client.PostJsonAsync($"/api/procurement/purchase-orders/{id}/receipts",
            new { lines = new[] { new { lineNo = 1, acceptedQuantity = 10m, rejectedQuantity = 2m, rejectionReason = "Crushed cartons" } } });
        receipt.StatusCode.ShouldBe(HttpStatusCode.Created, await receipt.Content.ReadAsStringAsync());
        var stock = await Poll.UntilAsync(() => Api.StockAsync(sku, warehouse), s => s.OnHand == 10m, "the receipt to be booked");
        stock.AverageCost.ShouldBe(90000m);
        (await client.GetStringAsync($"/api/inventory/movements/history?sku={sku}&warehouse={warehouse}")).ShouldContain("purchase-in");

        // A default carrier, an order, and its shipment picked, packed and dispatched with a generated waybill.
        var carrier = await client.PostJsonAsync("/api/logistics/carriers", new
        {
            code = Api.Unique("GHN"), name = "Giao Hang Nhanh", trackingUrlTemplate = "https://track.example/{waybill}",
            serviceLevels = new[] { "standard", "express" }, isDefault = true,
        });
        carrier.StatusCode.ShouldBe(HttpStatusCode.Created, await carrier.Content.ReadAsStringAsync());
        (await carrier.ReadAsync<JsonElement>()).GetProperty("webhookSecret").GetString().ShouldNotBeNullOrEmpty();
        var order = await Api.PlaceAsync(sku, 2m);
        var shipment = await Poll.UntilAsync(
            async () => (await client.GetFromJsonAsync<Tessera.ServiceDefaults.Api.PagedResult<Tessera.Logistics.Contracts.ShipmentSummaryDto>>(
                $"/api/logistics/shipments?orderId={order.Id}", TesseraJson.Options))!.Items,
            items => items.Count == 1, "the order's shipment");
        var path = $"/api/logistics/shipments/{shipment[0].Id}";
        (await client.PostAsync($"{path}/pick", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.PostJsonAsync($"{path}/pack", new { packages = new[] { new { weightKg = 1.2m, lengthCm = 30m, widthCm = 20m, heightCm = 10m } } }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var dispatched = await client.PostJsonAsync($"{path}/dispatch", new { });
        dispatched.StatusCode.ShouldBe(HttpStatusCode.OK, await dispatched.Content.ReadAsStringAsync());

        var shipped = await Poll.UntilAsync(() => Api.OrderAsync(order.Id), o => o.Status == OrderStatus.Dispatched, "the order to be dispatched");
        shipped.Fulfilment!.Shipments.Single().WaybillNumber.ShouldNotBeNullOrEmpty();
        await Poll.UntilAsync(() => Api.StockAsync(sku, warehouse), s => s.OnHand == 8m && s.Reserved == 0m, "the sales-out");
    }

    [Fact]
    public async Task The_reporting_part_of_the_tour_works_as_written()
    {
        var sku = await Api.ProductAsync();
        var warehouse = await Api.WarehouseAsync();
        await Api.ReceiveAsync(warehouse, sku, 10m);
        (await Api.SettledAsync((await Api.PlaceAsync(sku, 2m)).Id)).Status.ShouldBe(OrderStatus.Confirmed);
        var reporting = new WarehouseSystem(fixture.System, Api.Client, "demo");
        await reporting.CaughtUpAsync();

        // Run the models now, then today's sales by channel and as CSV, and today's reconciliation.
        var run = await reporting.RunAsync(new { });
        run.Status.ShouldBe("Succeeded");
        var today = WarehouseSystem.Today;
        var daily = (await Api.Client.GetFromJsonAsync<List<DailyOrdersDto>>($"/api/orders/daily?from={today:yyyy-MM-dd}&to={today:yyyy-MM-dd}&timeZone=Asia/Ho_Chi_Minh",
            TesseraJson.Options))!.Single();
        (await reporting.SalesAsync(today, "channel")).Sum(r => r.Orders).ShouldBe(daily.Orders);
        var csv = await Api.Client.GetStringAsync($"/api/reporting/metrics/sales_daily?from={today:yyyy-MM-dd}&to={today:yyyy-MM-dd}&format=csv");
        csv.ShouldStartWith("date,orders,units,gmv,currency,");
        var reconciliation = await Api.Client.GetAsync($"/api/reporting/reconciliation?date={today:yyyy-MM-dd}");
        reconciliation.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
