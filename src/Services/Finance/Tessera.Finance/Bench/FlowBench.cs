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
/// A benchmark, not a feature: <c>Tessera.Finance.dll bench-flow [orders] [rate] [warm-up]</c> runs this service on an empty
/// data folder and hands its inbox, at <c>rate</c> delivered orders a second, what the order flow sends it for each
/// order — OrderPlaced with its prices, the StockIssued of its shipment, the ShipmentDelivered — exactly as the feed
/// transport stages them, then reports how long messages waited between staging and being handled (the inbox lag), and
/// the processor time per order. The real processor and handlers run: cost of goods, invoice, hash chain, day totals.
/// What it leaves out is the feed's HTTP hop (the platform's) and the other services sharing the cores. A warm-up of
/// <c>warm-up</c> orders (2,000 by default) at the same rate runs first and is reported on its own.
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
        // A running finance service is warm; one just started runs its code unoptimised for its first seconds (tiered
        // JIT). The warm-up is measured on its own: it is what a restart under this load looks like.
        var warmUp = args.Count > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2000;
        await app.StartAsync();
        var sink = app.Services.GetRequiredService<IInboxSink>();
        if (warmUp > 0)
        {
            var cold = await OfferAsync(app, sink, 0, warmUp, rate);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Warm-up, the service just started: {warmUp} orders at {rate} orders/s; {cold.Describe()}"));
        }
        var warm = await OfferAsync(app, sink, warmUp, orders, rate);
        var (invoices, parked) = await CountAsync(app);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{orders} orders ({orders * 3} messages) offered at {rate} orders/s over {warm.Offered.TotalSeconds:0.0} s; inbox drained {warm.Drained.TotalSeconds:0.0} s after the last."));
        Console.WriteLine($"Inbox lag (staged → handled): {warm.Describe()}; {parked} parked, {invoices} invoices.");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Processor time {warm.Cpu.TotalSeconds:0.0} s: {warm.Cpu.TotalMilliseconds / orders:0.00} ms per order ({warm.Cpu.TotalMilliseconds / orders * rate / 10:0} % of one core at {rate} orders/s)."));
        await app.StopAsync();
        return warm.Percentile(95) < 5000 && parked == 0 && invoices == warmUp + orders ? 0 : 1;
    }

    /// <summary>Stages <paramref name="count"/> orders' events at the rate, waits until the inbox is drained, reads their lags.</summary>
    private static async Task<Phase> OfferAsync(WebApplication app, IInboxSink sink, int first, int count, int rate)
    {
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var staged = 0;
        while (staged < count)
        {
            var due = Math.Min(count, (int)(clock.Elapsed.TotalSeconds * rate) + 1);
            var batch = Enumerable.Range(first + staged, due - staged).Select(Order).ToList();
            await sink.StageAsync("orders", batch.Select(b => b.Placed).ToList(), null, CancellationToken.None);
            await sink.StageAsync("inventory", batch.Select(b => b.Issued).ToList(), null, CancellationToken.None);
            await sink.StageAsync("logistics", batch.Select(b => b.Delivered).ToList(), null, CancellationToken.None);
            staged = due;
            await Task.Delay(Tick);
        }
        var offered = clock.Elapsed;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FinanceDbContext>();
            while (await db.Set<InboxMessage>().AnyAsync(m => m.Status == InboxStatus.Pending))
                await Task.Delay(100);
        }
        var drained = clock.Elapsed - offered;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FinanceDbContext>();
            var rows = await db.Set<InboxMessage>().AsNoTracking()
                .Where(m => m.Tenant == Tenant && m.ProcessedAt != null && m.ReceivedAt >= startedAt)
                .Select(m => new { m.ReceivedAt, m.ProcessedAt }).ToListAsync();
            var lags = rows.Select(r => (r.ProcessedAt!.Value - r.ReceivedAt).TotalMilliseconds).Order().ToList();
            return new Phase(offered, drained, cpu, lags);
        }
    }

    private static async Task<(int Invoices, int Parked)> CountAsync(WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FinanceDbContext>();
        return (await db.Invoices.IgnoreQueryFilters().CountAsync(), await db.Set<InboxMessage>().CountAsync(m => m.Status == InboxStatus.Parked));
    }

    private sealed record Phase(TimeSpan Offered, TimeSpan Drained, TimeSpan Cpu, List<double> Lags)
    {
        public double Percentile(int p) => Lags.Count == 0 ? 0 : Lags[Math.Clamp((int)Math.Ceiling(p / 100.0 * Lags.Count) - 1, 0, Lags.Count - 1)];

        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"lag p50 {Percentile(50):0} ms, p95 {Percentile(95):0} ms, p99 {Percentile(99):0} ms, max {Percentile(100):0} ms over {Lags.Count} messages");
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
