using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tessera.Inventory.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;
using Xunit.Abstractions;

namespace Tessera.System.Tests;

/// <summary>
/// Two hundred orders fulfilled while orders, inventory and logistics are each killed with SIGKILL at a random moment:
/// every order still ends Completed, no order gets a second shipment, and the ledger explains every unit.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class FulfilmentUnderFailureTests(SystemFixture fixture, ITestOutputHelper output)
{
    private const int Orders = 200;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private Api Api => fixture.Api;
    private HttpClient Client => fixture.Admin;

    [Fact]
    public async Task Two_hundred_fulfilments_reach_the_right_end_although_orders_inventory_and_logistics_are_each_killed_at_a_random_moment()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var shipping = await new Shipping(Client, fixture.System.PublicUrl).WithCarrierAsync();
        // Two SKUs live in one warehouse each, so every second order ships in two parts; a third SKU ships alone.
        var (north, south) = (await Api.WarehouseAsync(), await Api.WarehouseAsync());
        var (tea, rice, soap) = (await Api.ProductAsync(), await Api.ProductAsync(), await Api.ProductAsync());
        await Api.ReceiveAsync(north, tea, 500m, 10000m);
        await Api.ReceiveAsync(south, rice, 500m, 20000m);
        await Api.ReceiveAsync(north, soap, 500m, 5000m);
        var plans = Enumerable.Range(0, Orders)
            .Select(i => i % 2 == 0 ? new[] { (tea, 1m + i % 3), (rice, 1m) } : [(soap, 2m)])
            .ToList();

        var progress = 0;
        var restarts = new Dictionary<string, int>();
        using var stop = new CancellationTokenSource();
        var chaos = Task.Run(async () =>
        {
            foreach (var service in new[] { "orders", "inventory", "logistics" }.OrderBy(_ => random.Next()))
            {
                var moment = random.Next(50, 5 * Orders);
                await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref progress) >= moment), $"{moment} steps before killing {service}", Patience);
                var pid = await fixture.System.KillServiceAsync(service);
                output.WriteLine($"killed {service} (pid {pid}) after {moment} steps");
                await fixture.System.WaitUntilRestartedAsync(service, pid);
                restarts[service] = pid;
            }
        });

        var ids = new Guid[Orders];
        await Parallel.ForEachAsync(Enumerable.Range(0, Orders), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            ids[i] = await FulfilAsync(shipping, plans[i], () => Interlocked.Increment(ref progress));
        });
        await chaos;

        restarts.Keys.ShouldBe(["orders", "inventory", "logistics"], ignoreOrder: true);
        var final = await Poll.UntilAsync(() => AllCompletedAsync(ids), orders => orders is not null, "every order to be Completed", Patience);
        final!.ShouldAllBe(o => o.Fulfilment!.State == FulfilmentState.Completed);
        for (var i = 0; i < Orders; i++)
        {
            var shipments = (await shipping.ShipmentsAsync(ids[i])).Where(s => s.Status != ShipmentStatus.Cancelled).ToList();
            shipments.Count.ShouldBe(plans[i].Length, $"order {final![i].Number}");
            shipments.ShouldAllBe(s => s.Status == ShipmentStatus.Delivered);
        }

        var shipped = plans.SelectMany(p => p).GroupBy(l => l.Item1).ToDictionary(g => g.Key, g => g.Sum(l => l.Item2));
        foreach (var (sku, warehouse) in new[] { (tea, north), (rice, south), (soap, north) })
        {
            var stock = await Api.StockAsync(sku, warehouse);
            (stock.OnHand, stock.Reserved).ShouldBe((500m - shipped[sku], 0m), sku);
        }
        foreach (var service in new[] { "inventory", "logistics" })
        {
            var report = (await Client.GetFromJsonAsync<ConsistencyReportDto>($"/api/{service}/consistency", TesseraJson.Options))!;
            report.Holds.ShouldBeTrue(JsonSerializer.Serialize(report));
        }
    }

    /// <summary>Every order, or null at the first one not Completed yet (one request per order, not all at once: the gateway limits bursts).</summary>
    private async Task<List<OrderDto>?> AllCompletedAsync(IEnumerable<Guid> ids)
    {
        var orders = new List<OrderDto>();
        foreach (var id in ids)
        {
            var order = await Api.OrderAsync(id);
            if (order.Status != OrderStatus.Completed)
                return null;
            orders.Add(order);
        }
        return orders;
    }

    /// <summary>One order through its whole fulfilment, retrying every step that a killed service interrupted.</summary>
    private async Task<Guid> FulfilAsync(Shipping shipping, (string Sku, decimal Quantity)[] lines, Action step)
    {
        var key = Guid.NewGuid().ToString();
        var placed = await RetryAsync("place", async () =>
        {
            var response = await Client.PostJsonAsync("/api/orders", new
            {
                channel = "web",
                customer = new { name = "Khách hàng", phone = "0909000111" },
                lines = lines.Select(l => new { sku = l.Sku, quantity = l.Quantity, unitPrice = 50000m }),
            }, key);
            return response.IsSuccessStatusCode ? await response.ReadAsync<OrderCreatedDto>() : null;
        });
        step();

        var shipments = await RetryAsync("shipments", async () =>
        {
            var found = await shipping.ShipmentsAsync(placed.Id);
            return found.Count(s => s.Status != ShipmentStatus.Cancelled) == lines.Length ? found : null;
        });
        step();

        foreach (var shipment in shipments.Where(s => s.Status != ShipmentStatus.Cancelled))
        {
            foreach (var (action, done, body) in new (string, ShipmentStatus, object)[]
                     {
                         ("pick", ShipmentStatus.Picked, new { }),
                         ("pack", ShipmentStatus.Packed, new { packages = new[] { new { weightKg = 1m, lengthCm = 20m, widthCm = 20m, heightCm = 10m } } }),
                         ("dispatch", ShipmentStatus.Dispatched, new { carrier = shipping.Carrier }),
                     })
            {
                await RetryAsync(action, async () =>
                {
                    var response = await shipping.StepAsync(shipment.Id, action, body);
                    if (response.IsSuccessStatusCode)
                        return (object)true;
                    // Done already (the answer to an earlier try was lost with the process)?
                    return (await shipping.ShipmentAsync(shipment.Id)).Status >= done ? true : null;
                });
                step();
            }
            var waybill = (await RetryAsync("waybill", async () => (await shipping.ShipmentAsync(shipment.Id)).WaybillNumber))!;
            var delivered = $"{waybill}-delivered";
            await RetryAsync("track", async () => (await shipping.TrackAsync(waybill, "Delivered", delivered)).IsSuccessStatusCode ? (object)true : null);
            step();
        }
        return placed.Id;
    }

    /// <summary>Tries until the attempt answers a value: a killed service answers 503, drops the connection or cuts its answer short until it is back.</summary>
    private static async Task<T> RetryAsync<T>(string what, Func<Task<T?>> attempt) where T : class
    {
        var deadline = DateTime.UtcNow + Patience;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await attempt() is { } value)
                    return value;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException or JsonException)
            {
                last = ex;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"'{what}' did not succeed within {Patience.TotalMinutes} minutes. {last?.Message}");
    }
}
