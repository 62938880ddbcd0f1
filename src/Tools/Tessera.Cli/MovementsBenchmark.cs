using System.Globalization;
using System.Net;
using System.Text.Json;
using Spectre.Console;

namespace Tessera.Cli;

/// <summary>
/// tessera bench movements: one SKU in one warehouse with --movements ledger movements (seeded through the public API
/// as receipts and issues of 500 lines each, under idempotency keys, so a second run only replays them), then random
/// pages of its movement history with the running balance, timed against a trivial API call in the same run. Every
/// timed page must carry the running balance and be consistent with it (each balance is the next older one plus the
/// movement), or the run fails.
/// </summary>
public static class MovementsBenchmark
{
    public const double TargetMs = 100;
    private const int Lines = 500;

    /// <summary>
    /// Each round (a page and a trivial call) takes at least this long: 150 requests a second, under the gateway's
    /// per-client limit of 200, so that a 429 and its Retry-After are never what is timed.
    /// </summary>
    private static readonly TimeSpan Round = TimeSpan.FromMilliseconds(2 * 1000.0 / 150);

    public sealed record Options(long Movements, int Requests, int Warmup, int PageSize, bool Seed, string Sku, string Warehouse);

    public static async Task<int> RunAsync(ApiClient api, Options options, CancellationToken cancellationToken)
    {
        if (options.Seed)
            await SeedAsync(api, options, cancellationToken);

        var newest = await NewestAsync(api, options, cancellationToken);
        var random = new Random(11);
        var samples = new Dictionary<string, List<double>> { ["history page"] = [], ["trivial call (GET warehouse)"] = [] };
        var rows = 0L;
        await AnsiConsole.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask("Timing history pages", maxValue: options.Warmup + options.Requests);
            for (var i = 0; i < options.Warmup + options.Requests; i++)
            {
                var round = System.Diagnostics.Stopwatch.StartNew();
                // A random place anywhere in the ledger: the cursor is the id of the movement the page starts before.
                var before = newest.Id + 1 - random.NextInt64(0, Math.Max(1, newest.Count));
                var (page, body) = await Stats.TimeAsync(() => api.GetAsync(
                    $"/api/inventory/movements/history?sku={Uri.EscapeDataString(options.Sku)}&warehouse={options.Warehouse}&limit={options.PageSize}&before={before}",
                    cancellationToken));
                rows += CheckPage(body, options.PageSize);
                var (trivial, _) = await Stats.TimeAsync(() => api.GetAsync($"/api/inventory/warehouses/{options.Warehouse}", cancellationToken));
                if (i >= options.Warmup)
                {
                    samples["history page"].Add(page);
                    samples["trivial call (GET warehouse)"].Add(trivial);
                }
                task.Increment(1);
                if (round.Elapsed < Round)
                    await Task.Delay(Round - round.Elapsed, cancellationToken);
            }
        });

        AnsiConsole.Write(Stats.Table(samples));
        var p95 = Stats.Percentile(samples["history page"], 95);
        var trivialP95 = Stats.Percentile(samples["trivial call (GET warehouse)"], 95);
        AnsiConsole.MarkupLine($"{newest.Count:N0} movements of {Markup.Escape(options.Sku)} in {options.Warehouse}; {options.Requests} timed pages of " +
                               $"{options.PageSize} at random places ({rows:N0} rows read, every page consistent with its running balance).");
        AnsiConsole.MarkupLine($"History page p95 [bold]{Stats.Format(p95)} ms[/] (target {TargetMs:0} ms): {(p95 < TargetMs ? "[green]met[/]" : "[red]missed[/]")}; " +
                               $"p95 / trivial call p95 = {p95 / trivialP95:0.00}.");
        return p95 < TargetMs ? 0 : 1;
    }

    /// <summary>
    /// Pairs of a receipt (500 lines of 2 units) and an issue (500 lines of 1 unit): on-hand grows by 500 a pair and
    /// never runs short. The cost changes from receipt to receipt, so the average keeps moving.
    /// </summary>
    private static async Task SeedAsync(ApiClient api, Options options, CancellationToken cancellationToken)
    {
        using (var product = await api.PostAsync("/api/catalog/products", new
               {
                   sku = options.Sku, name = "Ledger benchmark product", category = "Benchmark", unit = "pcs", price = 100000m, currency = "VND",
               }, "bench-" + options.Sku, cancellationToken))
            await EnsureAsync(product, HttpStatusCode.Conflict);
        using (var warehouse = await api.PostAsync("/api/inventory/warehouses", new { code = options.Warehouse, name = "Ledger benchmark warehouse" },
                   "bench-" + options.Warehouse, cancellationToken))
            await EnsureAsync(warehouse, HttpStatusCode.Conflict);

        var batches = (int)Math.Ceiling(options.Movements / (double)Lines);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await AnsiConsole.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask($"Seeding {options.Movements:N0} movements", maxValue: batches);
            for (var batch = 0; batch < batches; batch++)
            {
                var lines = (int)Math.Min(Lines, options.Movements - (long)batch * Lines);
                var key = $"bench-ledger-{options.Sku}-{options.Warehouse}-{batch}";
                using var response = batch % 2 == 0
                    ? await api.PostAsync("/api/inventory/receipts", new
                    {
                        warehouse = options.Warehouse,
                        reference = $"bench {batch}",
                        lines = Enumerable.Range(0, lines).Select(i => new { sku = options.Sku, quantity = 2m, unitCost = 80000m + (batch * 37 + i) % 5000 }),
                    }, key, cancellationToken)
                    : await api.PostAsync("/api/inventory/issues", new
                    {
                        warehouse = options.Warehouse,
                        type = "sales-out",
                        reference = $"bench {batch}",
                        lines = Enumerable.Range(0, lines).Select(_ => new { sku = options.Sku, quantity = 1m }),
                    }, key, cancellationToken);
                await EnsureAsync(response);
                task.Increment(1);
            }
        });
        AnsiConsole.MarkupLine($"Seeded (or found) {batches:N0} documents of up to {Lines} lines in {started.Elapsed.TotalSeconds:0} s.");
    }

    private static async Task<(long Id, long Count)> NewestAsync(ApiClient api, Options options, CancellationToken cancellationToken)
    {
        using var response = await api.GetAsync(
            $"/api/inventory/movements/history?sku={Uri.EscapeDataString(options.Sku)}&warehouse={options.Warehouse}&limit=1", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new ApiException(response.StatusCode, $"Reading the history failed: {await ApiClient.Describe(response)}");
        var items = JsonDocument.Parse(body).RootElement.GetProperty("items");
        if (items.GetArrayLength() == 0)
            throw new ApiException(HttpStatusCode.NotFound, $"{options.Sku} has no movements in {options.Warehouse}: run without --no-seed first.");
        // Ids are shared by every SKU of the database; the benchmark SKU's movements were written in a run of their own.
        return (items[0].GetProperty("id").GetInt64(), options.Movements);
    }

    /// <summary>Every row carries its running balance, and each one is the next older one plus the movement.</summary>
    private static int CheckPage(string body, int pageSize)
    {
        var items = JsonDocument.Parse(body).RootElement.GetProperty("items").EnumerateArray().ToList();
        for (var i = 0; i + 1 < items.Count; i++)
        {
            var (balance, quantity) = (Decimal(items[i], "balanceQuantity"), Decimal(items[i], "quantity"));
            if (balance != Decimal(items[i + 1], "balanceQuantity") + quantity)
                throw new ApiException(HttpStatusCode.OK, $"Movement {items[i].GetProperty("id")} has a running balance of {balance} that its predecessor does not explain.");
        }
        if (items.Count > pageSize)
            throw new ApiException(HttpStatusCode.OK, $"A page of {items.Count} rows was answered for a limit of {pageSize}.");
        return items.Count;
    }

    private static decimal Decimal(JsonElement item, string name) => decimal.Parse(item.GetProperty(name).GetRawText(), CultureInfo.InvariantCulture);

    private static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode? alsoFine = null)
    {
        if (!response.IsSuccessStatusCode && response.StatusCode != alsoFine)
            throw new ApiException(response.StatusCode, $"Seeding failed: {await ApiClient.Describe(response)}");
    }
}
