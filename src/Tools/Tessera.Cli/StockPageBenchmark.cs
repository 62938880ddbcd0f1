using System.Net;
using System.Text.RegularExpressions;
using Spectre.Console;

namespace Tessera.Cli;

/// <summary>
/// How fast the composed stock page renders with a large catalog: seeds products and stock through the API (idempotent,
/// so a second run only measures), signs in through the sign-in form like a person, and times the page against the two
/// API calls it composes, in the same run.
/// </summary>
public static partial class StockPageBenchmark
{
    private const int PageSize = 50;
    private const int ReceiptLines = 500;

    public sealed record Options(int Products, int Warehouses, int Requests, int Warmup, bool Seed, string Password, string Tenant, string Username);

    public static async Task<int> RunAsync(ApiClient api, Uri url, Options options, CancellationToken cancellationToken)
    {
        var skus = Enumerable.Range(1, options.Products).Select(i => $"BENCH-{i:000000}").ToList();
        var warehouses = Enumerable.Range(1, options.Warehouses).Select(i => $"BW{i:00}").ToList();
        if (options.Seed)
            await SeedAsync(api, skus, warehouses, cancellationToken);

        using var browser = await SignInAsync(url, options, cancellationToken);
        var random = new Random(7);
        var stockRows = skus.Count * warehouses.Count;
        var pages = Math.Max(1, (int)Math.Ceiling(stockRows / (double)PageSize));
        var samples = new Dictionary<string, List<double>> { ["page"] = [], ["inventory api"] = [], ["catalog api"] = [] };

        await AnsiConsole.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask("Timing the stock page", maxValue: options.Warmup + options.Requests);
            for (var i = 0; i < options.Warmup + options.Requests; i++)
            {
                var page = random.Next(1, pages + 1);
                var page1 = await TimeAsync(() => browser.GetAsync($"/inventory?page={page}", cancellationToken), RenderedTable);
                var stock = await TimeAsync(() => api.GetAsync($"/api/inventory/stock?page={page}&pageSize={PageSize}", cancellationToken));
                var batch = string.Join(',', Enumerable.Range(0, PageSize).Select(_ => skus[random.Next(skus.Count)]));
                var catalog = await TimeAsync(() => api.GetAsync($"/api/catalog/products?skus={batch}", cancellationToken));
                if (i >= options.Warmup)
                {
                    samples["page"].Add(page1);
                    samples["inventory api"].Add(stock);
                    samples["catalog api"].Add(catalog);
                }
                task.Increment(1);
            }
        });

        var table = Stats.Table(samples);
        AnsiConsole.Write(table);
        var p95 = Stats.Percentile(samples["page"], 95);
        var parts = Stats.Percentile(samples["inventory api"], 95) + Stats.Percentile(samples["catalog api"], 95);
        AnsiConsole.MarkupLine($"{options.Products:N0} products, {stockRows:N0} stock rows, {options.Requests} timed pages of {PageSize} rows at random offsets.");
        AnsiConsole.MarkupLine($"Stock page p95 [bold]{Stats.Format(p95)} ms[/] (target 300 ms): {(p95 < 300 ? "[green]met[/]" : "[red]missed[/]")}; " +
                               $"page p95 / (inventory p95 + catalog p95) = {p95 / parts:0.00}.");
        return p95 < 300 ? 0 : 1;
    }

    private static async Task SeedAsync(ApiClient api, IReadOnlyList<string> skus, IReadOnlyList<string> warehouses, CancellationToken cancellationToken)
    {
        await api.SignInAsync(cancellationToken);
        await AnsiConsole.Progress().StartAsync(async progress =>
        {
            var products = progress.AddTask("Products", maxValue: skus.Count);
            await Parallel.ForEachAsync(skus, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (sku, ct) =>
            {
                using var response = await api.PostAsync("/api/catalog/products",
                    new { sku, name = $"Benchmark product {sku[6..]}", category = $"Category {int.Parse(sku[6..]) % 40:00}", unit = "pcs", price = 10000m + int.Parse(sku[6..]), currency = "VND" },
                    "bench-" + sku, ct);
                await EnsureAsync(response, HttpStatusCode.Conflict);
                products.Increment(1);
            });

            var receipts = progress.AddTask("Stock", maxValue: warehouses.Count * (int)Math.Ceiling(skus.Count / (double)ReceiptLines));
            foreach (var warehouse in warehouses)
            {
                using (var created = await api.PostAsync("/api/inventory/warehouses", new { code = warehouse, name = "Benchmark warehouse " + warehouse }, "bench-" + warehouse, cancellationToken))
                    await EnsureAsync(created, HttpStatusCode.Conflict);
                var chunks = skus.Chunk(ReceiptLines).Select((chunk, index) => (chunk, index));
                await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken }, async (c, ct) =>
                {
                    using var response = await api.PostAsync("/api/inventory/receipts", new
                    {
                        warehouse,
                        lines = c.chunk.Select((sku, i) => new { sku, quantity = 1 + (i * 7 + c.index) % 60, unitCost = 8000m }),
                    }, $"bench-{warehouse}-{c.index}", ct);
                    await EnsureAsync(response);
                    receipts.Increment(1);
                });
            }
        });
    }

    private static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode? alsoFine = null)
    {
        if (!response.IsSuccessStatusCode && response.StatusCode != alsoFine)
            throw new ApiException(response.StatusCode, $"Seeding failed: {await ApiClient.Describe(response)}");
    }

    /// <summary>A client that signs in through the sign-in page (cookie session, antiforgery token), as a browser does.</summary>
    private static async Task<HttpClient> SignInAsync(Uri url, Options options, CancellationToken cancellationToken)
    {
        var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = url };
        var form = await browser.GetStringAsync("/signin", cancellationToken);
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        using var response = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Tenant"] = options.Tenant,
            ["Username"] = options.Username,
            ["Password"] = options.Password,
            ["__RequestVerificationToken"] = token,
        }), cancellationToken);
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new ApiException(response.StatusCode, "Signing in through the sign-in page failed.");
        return browser;
    }

    private static async Task<double> TimeAsync(Func<Task<HttpResponseMessage>> send, Func<string, bool>? check = null)
    {
        var (elapsed, body) = await Stats.TimeAsync(send);
        if (check is not null && !check(body))
            throw new ApiException(HttpStatusCode.OK, "The stock page did not render the composed stock table.");
        return elapsed;
    }

    /// <summary>A timed page counts only if it shows the table with product names (a degraded page would be fast and wrong).</summary>
    private static bool RenderedTable(string html) =>
        html.Contains("data-testid=\"stock-table\"", StringComparison.Ordinal) &&
        html.Contains("Benchmark product", StringComparison.Ordinal) &&
        html.Contains("Benchmark warehouse", StringComparison.Ordinal) &&
        !html.Contains("unavailable", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
