using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tessera.Inventory.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Orders.Contracts;
using Tessera.Reporting.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.System.Tests;

/// <summary>
/// The warehouse against the services that feed it, all as processes: business done through the public API goes in
/// as events, and what comes out of every layer equals what the services' own APIs say.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class WarehouseTests(SystemFixture fixture)
{
    private static async Task<T> Created<T>(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBeOneOf([HttpStatusCode.Created, HttpStatusCode.OK], await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<T>();
    }

    [Fact]
    public async Task Orders_placed_fulfilled_cancelled_and_returned_and_stock_received_and_counted_come_out_of_the_warehouse_as_the_services_count_them()
    {
        var warehouse = await WarehouseSystem.NewTenantAsync(fixture.System, fixture.Admin, "wh");
        var client = warehouse.Client;
        var api = new Api(client);
        var shipping = await new Shipping(client, fixture.System.PublicUrl, warehouse.Tenant).WithCarrierAsync();
        var (tea, rice) = (await api.ProductAsync(price: 120000m), await api.ProductAsync(price: 150000m));
        (await client.PutAsJsonAsync($"/api/catalog/products/{rice}", new { name = $"Product {rice}", category = "Food", unit = "pcs", price = 150000m, currency = "VND" }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var (north, south) = (await api.WarehouseAsync(), await api.WarehouseAsync());
        await api.ReceiveAsync(north, tea, 20m, 80000m);
        await api.ReceiveAsync(south, rice, 10m, 100000m);

        async Task<OrderDto> PlaceAsync(string channel, params (string Sku, decimal Quantity, decimal Price)[] lines)
        {
            var created = await Created<OrderCreatedDto>(await client.PostJsonAsync("/api/orders", new
            {
                channel, customer = new { name = "Khách Hàng", reference = "CRM-" + channel },
                shipping = new { address = new { line1 = "1 Đường A", province = "Đà Nẵng", country = "VN" } },
                lines = lines.Select(l => new { sku = l.Sku, quantity = l.Quantity, unitPrice = l.Price }).ToArray(),
                financial = new { shippingFee = 15000m },
            }, Guid.NewGuid().ToString()));
            return await api.SettledAsync(created.Id);
        }

        // Delivered and partly returned; dispatched; cancelled; rejected; confirmed over two warehouses.
        var delivered = await PlaceAsync("web", (tea, 3m, 120000m));
        var shipment = (await shipping.ShipmentsCreatedAsync(delivered.Id)).Single();
        var waybill = (await shipping.DispatchAsync(shipment.Id)).WaybillNumber!;
        (await shipping.TrackAsync(waybill, "Delivered")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Poll.UntilAsync(() => api.OrderAsync(delivered.Id), o => o.Status == OrderStatus.Completed, "the delivered order to complete");
        var rma = await Created<ReturnDto>(await client.PostJsonAsync("/api/logistics/returns",
            new { orderId = delivered.Id, lines = new[] { new { sku = tea, quantity = 1m } }, reason = "Too many" }, Guid.NewGuid().ToString()));
        (await client.PostJsonAsync($"/api/logistics/returns/{rma.Id}/receive", new { warehouse = north, lines = new[] { new { sku = tea, quantity = 1m, condition = "restock" } } }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        await Poll.UntilAsync(() => api.OrderAsync(delivered.Id), o => o.Status == OrderStatus.PartiallyReturned, "the return to be booked");

        var dispatched = await PlaceAsync("pos", (rice, 2m, 150000m));
        await shipping.DispatchAsync((await shipping.ShipmentsCreatedAsync(dispatched.Id)).Single().Id);
        var cancelled = await PlaceAsync("web", (tea, 1m, 120000m));
        (await client.PostJsonAsync($"/api/orders/{cancelled.Id}/cancel", new { reason = "Changed my mind" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var rejected = await PlaceAsync("web", (rice, 500m, 150000m));
        rejected.Status.ShouldBe(OrderStatus.Rejected);
        var split = await PlaceAsync("marketplace:shopee", (tea, 2m, 110000m), (rice, 1m, 140000m));
        split.Status.ShouldBe(OrderStatus.Confirmed);
        await shipping.ShipmentsCreatedAsync(split.Id, count: 2);

        // A stock count finds one tea short in the north.
        var count = await Created<CountDto>(await client.PostJsonAsync("/api/inventory/counts", new { warehouse = north, skus = new[] { tea } }));
        var onHand = (await api.StockAsync(tea, north)).OnHand;
        (await client.PostJsonAsync($"/api/inventory/counts/{count.Id}/entries", new { lines = new[] { new { sku = tea, counted = onHand - 1m } } })).EnsureSuccessStatusCode();
        (await client.PostJsonAsync($"/api/inventory/counts/{count.Id}/post", new { reason = "Cycle count" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Poll.UntilAsync(() => api.OrderAsync(cancelled.Id), o => o.Fulfilment?.Compensations.All(c => c.Status == "Done") != false, "the cancellation's compensations");

        await warehouse.CaughtUpAsync();
        var run = await warehouse.RunAsync(new { });
        run.Status.ShouldBe("Succeeded", JsonSerializer.Serialize(run.Tasks.Where(t => t.Status != "Succeeded")));
        var today = WarehouseSystem.Today;

        // Sales: the orders service's own daily figures, and per channel from its orders.
        var daily = (await client.GetFromJsonAsync<List<DailyOrdersDto>>($"/api/orders/daily?from={today:yyyy-MM-dd}&to={today:yyyy-MM-dd}&timeZone=Asia/Ho_Chi_Minh",
            TesseraJson.Options))!.Single();
        var orders = new[] { delivered, dispatched, cancelled, rejected, split }.Select(o => api.OrderAsync(o.Id)).Select(t => t.Result).ToList();
        var total = (await warehouse.SalesAsync(today)).Single();
        (total.Orders, total.Gmv).ShouldBe((daily.Orders, daily.Revenue.Single().Amount));
        var valid = orders.Where(o => o.Status is not (OrderStatus.Cancelled or OrderStatus.Rejected)).ToList();
        total.Units.ShouldBe(valid.Sum(o => o.Lines.Sum(l => l.Quantity)));
        (total.CancelledOrders, total.CancelledGmv, total.RejectedOrders, total.RejectedGmv).ShouldBe((1L, cancelled.Total, 1L, rejected.Total));
        (await warehouse.SalesAsync(today, "channel")).Select(r => (r.Channel, r.Gmv)).OrderBy(r => r.Channel).ShouldBe(
            orders.GroupBy(o => o.Channel).Select(g => ((string?)g.Key, g.Where(o => valid.Contains(o)).Sum(o => o.Total))).OrderBy(r => r.Item1));
        var byCategory = await warehouse.SalesAsync(today, "category");
        byCategory.Single(r => r.Category == "Food").Units.ShouldBe(valid.Sum(o => o.Lines.Where(l => l.Sku == rice).Sum(l => l.Quantity)));

        // Stock and its value per warehouse, as inventory holds it.
        var stock = (await client.GetFromJsonAsync<List<StockDto>>("/api/inventory/stock", TesseraJson.Options))!;
        var value = await warehouse.RowsAsync($"/api/reporting/metrics/stock_value_daily?from={today:yyyy-MM-dd}&to={today:yyyy-MM-dd}&groupBy=warehouse");
        foreach (var code in new[] { north, south })
        {
            var row = value.Single(r => r.GetProperty("warehouse").GetString() == code);
            (row.GetProperty("quantity").GetDecimal(), row.GetProperty("value").GetDecimal())
                .ShouldBe((stock.Where(s => s.Warehouse == code).Sum(s => s.OnHand), stock.Where(s => s.Warehouse == code).Sum(s => s.Value)), code);
        }

        // Gross margin: what left at inventory's cost against the prices it was sold at.
        var movements = (await client.GetFromJsonAsync<PagedResult<MovementDto>>("/api/inventory/movements?pageSize=500", TesseraJson.Options))!.Items;
        var margin = (await warehouse.RowsAsync($"/api/reporting/metrics/gross_margin_daily?from={today:yyyy-MM-dd}&to={today:yyyy-MM-dd}")).Single();
        margin.GetProperty("cogs").GetDecimal().ShouldBe(-movements.Where(m => m.Type is "sales-out" or "customer-return-in").Sum(m => m.Value));
        margin.GetProperty("revenue").GetDecimal().ShouldBe(3 * 120000m - 120000m + 2 * 150000m);

        // Returns, fulfilment.
        var returns = (await warehouse.RowsAsync($"/api/reporting/metrics/returns_daily?from={today:yyyy-MM-dd}&to={today:yyyy-MM-dd}")).Single();
        (returns.GetProperty("units").GetDecimal(), returns.GetProperty("value").GetDecimal()).ShouldBe((1m, 120000m));
        var fulfilment = (await warehouse.RowsAsync($"/api/reporting/metrics/fulfilment_daily?from={today:yyyy-MM-dd}&to={today:yyyy-MM-dd}")).Single();
        (fulfilment.GetProperty("dispatched").GetInt64(), fulfilment.GetProperty("delivered").GetInt64()).ShouldBe((2L, 1L));

        // Reconciliation of today with the services' own figures holds.
        var reconciled = await (await client.PostAsync($"/api/reporting/reconciliation?date={today:yyyy-MM-dd}", null)).ReadAsync<List<ReconciliationDto>>();
        reconciled.ShouldAllBe(r => r.Ok, JsonSerializer.Serialize(reconciled.Where(r => !r.Ok)));
        reconciled.Select(r => r.Measure).ShouldContain("count-adjust-out:value");
    }
}

/// <summary>kill -9 of reporting while events flow in and while a run is under way: nothing lost, nothing twice, the run resumes.</summary>
[Collection(SystemCollection.Name)]
public sealed class WarehouseCrashTests(SystemFixture fixture)
{
    [Fact]
    public async Task Killing_reporting_during_ingestion_and_during_a_run_loses_and_doubles_nothing_and_the_run_resumes()
    {
        var warehouse = await WarehouseSystem.NewTenantAsync(fixture.System, fixture.Admin, "crash");
        var client = warehouse.Client;
        var api = new Api(client);
        var sku = await api.ProductAsync();
        var stock = await api.WarehouseAsync();
        await api.ReceiveAsync(stock, sku, 1000m);

        var placing = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
                await api.PlaceAsync(sku, 1m + i % 3);
        });
        for (var kill = 0; kill < 2; kill++)
        {
            var seen = (await warehouse.OdsAsync()).Sum(s => s.Events);
            await Poll.UntilAsync(async () => (await warehouse.OdsAsync()).Sum(s => s.Events), n => n > seen, "more events in the ODS", TimeSpan.FromSeconds(60));
            var pid = await fixture.System.KillServiceAsync("reporting");
            await fixture.System.WaitUntilRestartedAsync("reporting", pid);
        }
        await placing;
        await warehouse.CaughtUpAsync(TimeSpan.FromSeconds(120));

        // A slow model of the tenant's own holds the run open long enough to kill the service in the middle of it.
        (await client.PostJsonAsync("/api/reporting/models", new
        {
            name = "dws_kill_window",
            sql = "-- layer: dws\nselect count(*) as n from range(400000000) t(i) where i % 7 = 3",
        })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var started = await (await client.PostJsonAsync("/api/reporting/runs", new { })).ReadAsync<RunDto>();
        await Poll.UntilAsync(async () => (await client.GetFromJsonAsync<RunDto>($"/api/reporting/runs/{started.Id}", TesseraJson.Options))!,
            r => r.Tasks.Any(t => t.Model == "dws_kill_window" && t.Status == "Running") && r.Tasks.Count(t => t.Status == "Succeeded") >= 3,
            "the run to be under way", TimeSpan.FromSeconds(120));
        var reporting = await fixture.System.KillServiceAsync("reporting");
        await fixture.System.WaitUntilRestartedAsync("reporting", reporting);

        var resumed = await warehouse.FinishedAsync(started.Id);
        resumed.Status.ShouldBe("Succeeded", JsonSerializer.Serialize(resumed.Tasks.Where(t => t.Status != "Succeeded")));
        resumed.Tasks.Single(t => t.Model == "dws_kill_window").Attempts.ShouldBe(2);
        var today = WarehouseSystem.Today;
        var daily = (await client.GetFromJsonAsync<List<DailyOrdersDto>>($"/api/orders/daily?from={today:yyyy-MM-dd}&to={today:yyyy-MM-dd}&timeZone=Asia/Ho_Chi_Minh",
            TesseraJson.Options))!.Single();
        var sales = (await warehouse.SalesAsync(today)).Single();
        (sales.Orders, sales.Gmv).ShouldBe((daily.Orders, daily.Revenue.Single().Amount));
        await warehouse.CaughtUpAsync();

        // Run again: the same tables.
        var partitions = await client.GetFromJsonAsync<List<PartitionDto>>("/api/reporting/models/ads_sales_daily/partitions", TesseraJson.Options);
        (await warehouse.RunAsync(new { from = today, to = today })).Status.ShouldBe("Succeeded");
        (await client.GetFromJsonAsync<List<PartitionDto>>("/api/reporting/models/ads_sales_daily/partitions", TesseraJson.Options))!
            .Select(p => (p.Date, p.Checksum)).ShouldBe(partitions!.Select(p => (p.Date, p.Checksum)));
    }
}
