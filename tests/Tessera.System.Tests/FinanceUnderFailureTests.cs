using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tessera.Finance.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;
using Xunit.Abstractions;

namespace Tessera.System.Tests;

/// <summary>
/// Five hundred orders fulfilled end to end while the finance process is killed with SIGKILL at a random moment: once
/// the AppHost has restarted it and it has caught up with the feeds, every delivered shipment has exactly one invoice
/// and one cost-of-goods entry, each invoice is the order's amount, and the books' invariants hold.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class FinanceUnderFailureTests(SystemFixture fixture, ITestOutputHelper output)
{
    private const int Orders = 500;
    private const decimal Price = 50000m;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    private Api Api => fixture.Api;
    private HttpClient Client => fixture.Admin;

    [Fact]
    public async Task Every_delivered_shipment_has_one_invoice_and_one_cogs_entry_although_finance_is_killed_during_five_hundred_fulfilments()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var shipping = await new Shipping(Client, fixture.System.PublicUrl).WithCarrierAsync();
        var warehouse = await Api.WarehouseAsync();
        var tea = await Api.ProductAsync();
        await Api.ReceiveAsync(warehouse, tea, 2000m, 30000m);

        var progress = 0;
        var killAt = random.Next(Orders / 5, Orders * 4 / 5);
        var chaos = Task.Run(async () =>
        {
            await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref progress) >= killAt), $"{killAt} orders before killing finance", Patience);
            var pid = await fixture.System.KillServiceAsync("finance");
            output.WriteLine($"killed finance (pid {pid}) after {killAt} orders");
            await fixture.System.WaitUntilRestartedAsync("finance", pid);
        });

        var quantities = Enumerable.Range(0, Orders).Select(i => 1m + i % 3).ToArray();
        var orders = new Guid[Orders];
        var shipments = new Guid[Orders];
        await Parallel.ForEachAsync(Enumerable.Range(0, Orders), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            (orders[i], shipments[i]) = await FulfilAsync(shipping, tea, quantities[i]);
            Interlocked.Increment(ref progress);
        });
        await chaos;

        var invoices = await Poll.UntilAsync(() => InvoicesAsync(orders.ToHashSet()), found => found.Count >= Orders, "an invoice for every delivered shipment", Patience);
        var byShipment = invoices.GroupBy(i => i.ShipmentId!.Value).ToDictionary(g => g.Key, g => g.ToList());
        for (var i = 0; i < Orders; i++)
        {
            var invoice = byShipment[shipments[i]].ShouldHaveSingleItem($"shipment {shipments[i]} of order {orders[i]}");
            (invoice.OrderId, invoice.Net, invoice.Tax, invoice.Total).ShouldBe((orders[i], quantities[i] * Price, quantities[i] * Price / 10, quantities[i] * Price * 1.1m));
        }
        invoices.Select(i => i.Number).Distinct().Count().ShouldBe(invoices.Count);

        var costs = await ShipmentEntriesAsync(shipments.Select(s => s.ToString()).ToHashSet());
        foreach (var shipment in shipments)
        {
            costs.Count(e => e.SourceId == shipment.ToString() && e.Rule == "shipment-delivered").ShouldBe(1, $"COGS entries of shipment {shipment}");
            costs.Count(e => e.SourceId == shipment.ToString() && e.Rule == "shipment-dispatched").ShouldBe(1, $"dispatch entries of shipment {shipment}");
        }

        var report = await Poll.UntilAsync(async () => (await Client.GetFromJsonAsync<JsonElement>("/api/finance/consistency", TesseraJson.Options)),
            r => r.GetProperty("holds").GetBoolean(), "finance's invariants to hold once it has caught up", Patience);
        report.GetProperty("checks").EnumerateArray().Select(c => (c.GetProperty("name").GetString(), c.GetProperty("ok").GetBoolean()))
            .ShouldBe([("I4", true), ("I5", true), ("I6", true), ("I7", true)]);
        (await Client.GetFromJsonAsync<AuditVerificationDto>("/api/finance/audit/verify", TesseraJson.Options))!.Ok.ShouldBeTrue();
    }

    /// <summary>One order of <paramref name="quantity"/> at 50,000 + 10 % VAT, shipped and delivered. Finance is never in its path.</summary>
    private async Task<(Guid Order, Guid Shipment)> FulfilAsync(Shipping shipping, string sku, decimal quantity)
    {
        var placed = await Client.PostJsonAsync("/api/orders", new
        {
            channel = "web", customer = new { name = "Khách hàng", phone = "0909000222" },
            lines = new[] { new { sku, quantity, unitPrice = Price, taxRate = 0.1m } },
        }, Guid.NewGuid().ToString());
        placed.StatusCode.ShouldBe(HttpStatusCode.Created, await placed.Content.ReadAsStringAsync());
        var order = await placed.ReadAsync<OrderCreatedDto>();
        var shipment = (await shipping.ShipmentsCreatedAsync(order.Id, timeout: Patience)).Single(s => s.Status != ShipmentStatus.Cancelled);
        var dispatched = await shipping.DispatchAsync(shipment.Id);
        var tracked = await shipping.TrackAsync(dispatched.WaybillNumber!, "Delivered");
        tracked.StatusCode.ShouldBe(HttpStatusCode.OK, await tracked.Content.ReadAsStringAsync());
        return (order.Id, shipment.Id);
    }

    /// <summary>The invoices of these orders, reading every page of the tenant's invoices (other tests' included).</summary>
    private async Task<List<InvoiceDto>> InvoicesAsync(HashSet<Guid> orders)
    {
        var found = new List<InvoiceDto>();
        for (var page = 1; ; page++)
        {
            var items = (await Client.GetFromJsonAsync<List<InvoiceDto>>($"/api/finance/invoices?page={page}&pageSize=500", TesseraJson.Options))!;
            found.AddRange(items.Where(i => orders.Contains(i.OrderId)));
            if (items.Count < 500)
                return found;
        }
    }

    /// <summary>Every journal entry whose source is one of these shipments, walking the journal newest first.</summary>
    private async Task<List<JournalEntryDto>> ShipmentEntriesAsync(HashSet<string> shipments)
    {
        var found = new List<JournalEntryDto>();
        string? before = null;
        do
        {
            var page = (await Client.GetFromJsonAsync<JournalEntryPageDto>(
                "/api/finance/entries?sourceType=shipment&limit=500" + (before is null ? "" : $"&before={before}"), TesseraJson.Options))!;
            found.AddRange(page.Items.Where(e => shipments.Contains(e.SourceId!)));
            before = page.Next;
        }
        while (before is not null);
        return found;
    }
}
