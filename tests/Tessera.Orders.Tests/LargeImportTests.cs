using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Tessera.Orders.Tests;

/// <summary>A service of its own: the large file must not share a database (or the import queue) with other tests.</summary>
public sealed class LargeImportFactory : OrdersFactory;

public sealed class LargeImportTests(LargeImportFactory factory, ITestOutputHelper output) : IClassFixture<LargeImportFactory>
{
    private const int Lines = 100_000;

    [Fact]
    public async Task A_100000_line_file_imports_every_good_row_once_reports_every_bad_row_and_adds_nothing_the_second_time()
    {
        var tenant = "bulk-" + Guid.NewGuid().ToString("N")[..6];
        var client = factory.ClientFor(tenant, "sales");
        var skus = Enumerable.Range(0, 40).Select(i => factory.Catalog.Add($"Product {i}")).ToArray();

        // Orders of one to three lines; every 1,000th line is a one-line order with something wrong in it.
        var rows = new List<string?[]>(Lines);
        var bad = new Dictionary<int, string>();
        var order = 0;
        while (rows.Count < Lines)
        {
            order++;
            var externalRef = $"BULK-{order:D6}";
            if ((rows.Count + 1) % 1000 == 0)
            {
                var (row, column) = (bad.Count % 3) switch
                {
                    0 => (ImportFiles.Row(externalRef, "SKU-MISSING"), "sku"),
                    1 => (ImportFiles.Row(externalRef, skus[0], quantity: "0"), "quantity"),
                    _ => (ImportFiles.Row(externalRef, skus[0], price: "12,5"), "unit_price"),
                };
                rows.Add(row);
                bad[rows.Count] = column;
                continue;
            }
            var count = Math.Min(1 + order % 3, Lines - rows.Count);
            for (var line = 0; line < count && (rows.Count + 1) % 1000 != 0; line++)
                rows.Add(ImportFiles.Row(externalRef, skus[(order + line) % skus.Length], quantity: (1 + line).ToString(CultureInfo.InvariantCulture),
                    price: (10_000 + order % 500 * 100).ToString(CultureInfo.InvariantCulture), phone: $"09{order:D8}", name: $"Khách {order}"));
        }
        var csv = ImportFiles.Csv(rows);
        var goodRows = Lines - bad.Count;

        var watch = Stopwatch.StartNew();
        var first = await client.FinishedAsync((await client.UploadAsync(csv, "bulk.csv")).Id, TimeSpan.FromMinutes(5));
        output.WriteLine($"First import of {Lines:N0} lines: {watch.Elapsed.TotalSeconds:F1} s");

        first.Status.ShouldBe("Completed");
        (first.TotalRows, first.ProcessedRows, first.AcceptedRows, first.RejectedRows, first.SkippedRows).ShouldBe((Lines, Lines, goodRows, bad.Count, 0));
        var rejections = await client.RejectionsAsync(first.Id);
        rejections.Select(r => r.Row).ShouldBe(bad.Keys.Order());
        rejections.ShouldAllBe(r => r.Reason.StartsWith(bad[r.Row] + ":"));

        var stored = await factory.QueryAsync(tenant, db => db.Orders.AsNoTracking().Select(o => new { o.ExternalRef, o.Number, Lines = o.Lines.Count }).ToListAsync());
        stored.Count.ShouldBe(first.AcceptedOrders);
        stored.Sum(o => o.Lines).ShouldBe(goodRows);
        stored.Select(o => o.ExternalRef).Distinct().Count().ShouldBe(stored.Count);
        stored.Select(o => o.Number).Order().ShouldBe(Enumerable.Range(1, stored.Count).Select(n => (long)n));

        watch.Restart();
        var second = await client.FinishedAsync((await client.UploadAsync(csv, "bulk.csv")).Id, TimeSpan.FromMinutes(5));
        output.WriteLine($"Second import of the same file: {watch.Elapsed.TotalSeconds:F1} s");

        (second.Status, second.AcceptedOrders, second.AcceptedRows, second.SkippedRows, second.RejectedRows).ShouldBe(("Completed", 0, 0, goodRows, bad.Count));
        (await factory.QueryAsync(tenant, db => db.Orders.CountAsync())).ShouldBe(stored.Count);
    }
}
