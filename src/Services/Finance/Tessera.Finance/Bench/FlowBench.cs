using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Data;
using Tessera.Inventory.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Messaging;
using Tessera.Messaging.Inbox;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Finance.Bench;

/// <summary>
/// A benchmark, not a feature: <c>Tessera.Finance.dll bench-flow [orders] [rate]</c> runs this service on an empty
/// data folder and hands its inbox, at <c>rate</c> delivered orders a second, what the order flow sends it for each
/// order — OrderPlaced with its prices, the StockIssued of its shipment, the ShipmentDelivered — exactly as the feed
/// transport stages them, then reports how long messages waited between staging and being handled (the inbox lag), and
/// the processor time per order. The real processor and handlers run: cost of goods, invoice, hash chain, day totals.
/// What it leaves out is the feed's HTTP hop (the platform's) and the other services sharing the cores.
/// </summary>
internal static class FlowBench
{
    public const string Verb = "bench-flow";
    private const string Tenant = "bench-flow";
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    public static async Task<int> RunAsync(WebApplication app, IReadOnlyList<string> args)
    {
        var orders = args.Count > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 6000;
        var rate = args.Count > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200;
        await app.StartAsync();
        var sink = app.Services.GetRequiredService<IInboxSink>();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var staged = 0;
        while (staged < orders)
        {
            var due = Math.Min(orders, (int)(clock.Elapsed.TotalSeconds * rate) + 1);
            var batch = Enumerable.Range(staged, due - staged).Select(Order).ToList();
            await sink.StageAsync("orders", batch.Select(b => b.Placed).ToList(), null, CancellationToken.None);
            await sink.StageAsync("inventory", batch.Select(b => b.Issued).ToList(), null, CancellationToken.None);
            await sink.StageAsync("logistics", batch.Select(b => b.Delivered).ToList(), null, CancellationToken.None);
            staged = due;
            await Task.Delay(Tick);
        }
        var stagedIn = clock.Elapsed;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FinanceDbContext>();
            while (await db.Set<InboxMessage>().AnyAsync(m => m.Status == InboxStatus.Pending))
                await Task.Delay(100);
        }
        var drainedIn = clock.Elapsed;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;

        List<double> lags;
        int invoices, parked;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FinanceDbContext>();
            var rows = await db.Set<InboxMessage>().AsNoTracking().Where(m => m.Tenant == Tenant && m.ProcessedAt != null)
                .Select(m => new { m.ReceivedAt, m.ProcessedAt }).ToListAsync();
            lags = rows.Select(r => (r.ProcessedAt!.Value - r.ReceivedAt).TotalMilliseconds).Order().ToList();
            parked = await db.Set<InboxMessage>().CountAsync(m => m.Status == InboxStatus.Parked);
            invoices = await db.Invoices.IgnoreQueryFilters().CountAsync();
        }
        double P(int p) => lags.Count == 0 ? 0 : lags[Math.Clamp((int)Math.Ceiling(p / 100.0 * lags.Count) - 1, 0, lags.Count - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{orders} orders ({orders * 3} messages) offered at {rate} orders/s over {stagedIn.TotalSeconds:0.0} s; inbox drained {(drainedIn - stagedIn).TotalSeconds:0.0} s after the last."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Inbox lag (staged → handled): p50 {P(50):0} ms, p95 {P(95):0} ms, p99 {P(99):0} ms, max {P(100):0} ms; {lags.Count} handled, {parked} parked, {invoices} invoices."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Processor time {cpu.TotalSeconds:0.0} s: {cpu.TotalMilliseconds / orders:0.00} ms per order ({cpu.TotalMilliseconds / orders * rate / 10:0} % of one core at {rate} orders/s)."));
        await app.StopAsync();
        return P(95) < 5000 && parked == 0 && invoices == orders ? 0 : 1;
    }

    private sealed record Flow(EventEnvelope Placed, EventEnvelope Issued, EventEnvelope Delivered);

    private static Flow Order(int i)
    {
        var (order, shipment, now) = (Guid.CreateVersion7(), Guid.CreateVersion7(), DateTimeOffset.UtcNow);
        var quantity = 1 + i % 3;
        var net = quantity * 50000m;
        var placed = new OrderPlaced(order, i + 1, "web", [new OrderedLine(1, "BENCH-TEA", quantity)], now, null,
            new OrderPricingDto("VND", [new PricedOrderLine(1, "BENCH-TEA", quantity, 50000m, 0, 0, 0.1m, net / 10, net * 1.1m)], 0, 0, net / 10, net * 1.1m));
        var issued = new StockIssued("sales-out", "shipment", shipment.ToString(), "BENCH", order, [new MovedLine("BENCH-TEA", quantity, 30000m, quantity * 30000m)], now);
        var delivered = new ShipmentDelivered(shipment, order, "BENCH", [new ShippedLine("BENCH-TEA", quantity)], now);
        return new Flow(Envelope("orders", order, placed, now), Envelope("inventory", order, issued, now), Envelope("logistics", order, delivered, now));
    }

    private static EventEnvelope Envelope<T>(string producer, Guid order, T @event, DateTimeOffset at) where T : class
    {
        var (type, version) = EventTypes.Of(typeof(T));
        return new EventEnvelope(Guid.CreateVersion7(), type, version, Tenant, at, producer, order.ToString(), Guid.CreateVersion7(), null, null,
            JsonSerializer.SerializeToElement(@event, TesseraJson.Options), 0);
    }
}
