using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Tessera.Orders.Data;
using Tessera.Orders.Domain;
using Tessera.Orders.Features;
using Tessera.Orders.Search;

namespace Tessera.Orders.Import;

/// <summary>
/// Benchmark data, not a feature: <c>Tessera.Orders.dll bench-load &lt;tenant&gt; &lt;file.csv&gt;…</c> loads import files
/// (docs/import.md) straight into this service's database while the service is stopped, so that the search benchmark
/// can run on a million orders (docs/benchmarks.md) without the hours that a million orders take to flow through
/// inventory's reservations on a small machine. Every order goes through the import's own validation, pricing and
/// building, is numbered like any other, gets the search rows the projection would write, and is settled to a status
/// by its number (mostly Confirmed; some Pending, Rejected, Cancelled). No events are published: inventory knows
/// nothing of these orders, so the folder is for benchmarks only.
/// </summary>
internal static class BenchLoad
{
    public const string Verb = "bench-load";
    private const int BatchSize = 2000;

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        if (args.Count < 3)
        {
            await Console.Error.WriteLineAsync($"Usage: Tessera.Orders.dll {Verb} <tenant> <file.csv>... (with Tessera__DataDir set, the service stopped)");
            return 2;
        }
        var tenant = args[1];
        var processor = services.GetRequiredService<ImportProcessor>();
        var import = new OrderImport { Id = Guid.NewGuid(), TenantId = tenant, FileName = Verb, CreatedBy = Verb };
        long nextSearchId;
        await using (var scope = services.CreateAsyncScope())
            nextSearchId = (await scope.ServiceProvider.GetRequiredService<OrdersDbContext>().Set<OrderSearchRow>()
                .MaxAsync(r => (long?)r.SearchId, cancellationToken) ?? 0) + 1;

        var clock = Stopwatch.StartNew();
        var (loaded, rejected) = (0, 0);
        foreach (var file in args.Skip(2))
        {
            ParsedFile parsed;
            using (var reader = new StreamReader(file, Encoding.UTF8))
                parsed = ImportFormat.Parse(reader);
            if (parsed.Error is not null)
            {
                await Console.Error.WriteLineAsync($"{file}: {parsed.Error}");
                return 1;
            }
            var orders = ImportFormat.Group(parsed.Rows);
            for (var start = 0; start < orders.Count; start += BatchSize)
            {
                await using var prepared = await processor.PrepareAsync(import, orders.GetRange(start, Math.Min(BatchSize, orders.Count - start)), cancellationToken);
                rejected += prepared.Orders.Count(o => o.Problems.Count > 0);
                nextSearchId = await WriteAsync(prepared, nextSearchId, cancellationToken);
                loaded += prepared.Placed.Count;
            }
            Console.WriteLine($"{file}: {loaded:N0} orders loaded so far, {rejected:N0} rejected, {clock.Elapsed.TotalSeconds:0} s");
        }
        return rejected == 0 ? 0 : 3;
    }

    private static async Task<long> WriteAsync(ImportProcessor.PreparedBatch prepared, long searchId, CancellationToken cancellationToken)
    {
        var db = prepared.Services.GetRequiredService<OrdersDbContext>();
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var number = prepared.Placed.Count == 0 ? 0 : await OrderNumbers.ReserveAsync(db, prepared.Placed.Count, cancellationToken);
        var texts = new List<(long Id, string Text)>();
        var now = DateTimeOffset.UtcNow;
        foreach (var order in prepared.Placed)
        {
            order.Number = number++;
            Settle(order, now);
            db.Orders.Add(order);
            texts.Add((searchId, OrderSearchIndex.AddNew(db, order, searchId)));
            searchId++;
        }
        db.InsertAddedInBulk();
        await db.SaveChangesAsync(cancellationToken); // the number counter
        await OrderSearchIndex.WriteTextsAsync(db, texts, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return searchId;
    }

    /// <summary>The status an order of this number ends in: 2 % rejected, 2 % cancelled, 5 % still pending, the rest confirmed.</summary>
    private static void Settle(Order order, DateTimeOffset now)
    {
        switch (order.Number % 100)
        {
            case 0 or 50:
                order.Reject("Not enough stock (benchmark data)", "[]", now);
                break;
            case 1 or 51:
                order.Confirm("Every line reserved (benchmark data)", now);
                order.Cancel("The customer changed their mind (benchmark data)", Verb, now);
                break;
            case >= 2 and <= 6:
                break;
            default:
                order.Confirm("Every line reserved (benchmark data)", now);
                break;
        }
    }
}
