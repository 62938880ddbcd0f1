using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Tessera.Orders.Contracts;

namespace Tessera.Cli;

/// <summary>
/// tessera bench search: fills the tenant with --orders orders through the import (files of --file-lines rows; orders
/// already there are skipped, so a second run only measures), waits until every service has handled the events this
/// caused, then times the order list and search — each kind of query with random values — through the public API.
/// </summary>
public static class SearchBenchmark
{
    public const double TargetMs = 100;
    private const int PageSize = 50;

    public sealed record Options(long Orders, int FileLines, int Requests, int Warmup, bool Seed, int Seed0, string? WriteFiles = null);

    public static async Task<int> RunAsync(ApiClient api, Options options, CancellationToken cancellationToken)
    {
        // Orders are placed over the year up to the start of this UTC day: the same orders on every run of the day.
        var until = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddMinutes(-1);
        var orders = new BenchOrders("BS", until);
        if (options.Seed)
        {
            await AnsiConsole.Status().StartAsync("Creating the benchmark products", _ => BenchOrders.EnsureCatalogAsync(api, cancellationToken));
            if (options.WriteFiles is { } folder)
            {
                // The orders service must know the products before it loads orders offline.
                await WaitUntilQuietAsync(api, cancellationToken);
                var files = WriteFiles(orders, options, folder);
                AnsiConsole.MarkupLine($"Wrote {files.Count} files to {Markup.Escape(folder)}. Stop Tessera, load them with " +
                                       "[bold]Tessera__DataDir=<data> dotnet Tessera.Orders.dll bench-load <tenant> <files>[/], start it again and run this with --no-seed.");
                return 0;
            }
            await SeedAsync(api, orders, options, cancellationToken);
        }
        await WaitUntilQuietAsync(api, cancellationToken);

        var random = new Random(options.Seed0);
        var queries = Queries(orders, options.Orders, until, random);
        var samples = queries.ToDictionary(q => q.Name, _ => new List<double>());
        var found = queries.ToDictionary(q => q.Name, _ => 0);
        await AnsiConsole.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask("Timing list and search", maxValue: (options.Warmup + options.Requests) * queries.Count);
            for (var i = 0; i < options.Warmup + options.Requests; i++)
                foreach (var (name, query) in queries)
                {
                    var (ms, body) = await Stats.TimeAsync(async () => await api.GetAsync(await query(api, cancellationToken), cancellationToken));
                    if (i >= options.Warmup)
                    {
                        samples[name].Add(ms);
                        found[name] += Items(body);
                    }
                    task.Increment(1);
                }
        });

        AnsiConsole.Write(Stats.Table(samples));
        var empty = found.Where(f => f.Value == 0).Select(f => f.Key).ToList();
        if (empty.Count > 0)
            AnsiConsole.MarkupLine($"[red]These queries found nothing, so their timing says little:[/] {Markup.Escape(string.Join(", ", empty))}");
        var all = samples.Values.SelectMany(v => v).ToList();
        var worst = samples.MaxBy(s => Stats.Percentile(s.Value, 95));
        var p95 = Stats.Percentile(all, 95);
        var met = Stats.Percentile(worst.Value, 95) < TargetMs && empty.Count == 0;
        AnsiConsole.MarkupLine($"{options.Orders:N0} orders; {options.Requests} timed requests of each kind, pages of {PageSize}.");
        AnsiConsole.MarkupLine($"All requests p95 [bold]{Stats.Format(p95)} ms[/]; slowest kind {Markup.Escape(worst.Key)} p95 " +
                               $"[bold]{Stats.Format(Stats.Percentile(worst.Value, 95))} ms[/] (target {TargetMs:0} ms for every kind): {(met ? "[green]met[/]" : "[red]missed[/]")}.");
        return met ? 0 : 1;
    }

    private static async Task SeedAsync(ApiClient api, BenchOrders orders, Options options, CancellationToken cancellationToken)
    {
        var next = 1L;
        var file = new FileInfo(Path.Combine(Path.GetTempPath(), "tessera-bench-search.csv"));
        try
        {
            for (var part = 1; next <= options.Orders; part++)
            {
                // A file holds --file-lines rows, but never goes past the last order wanted.
                var lines = (int)Math.Min(options.FileLines, (options.Orders - next + 1) * 3);
                long written;
                await using (var writer = new StreamWriter(file.FullName, append: false, new System.Text.UTF8Encoding(false)))
                    (written, _) = WriteUpTo(orders, writer, next, lines, options.Orders);
                AnsiConsole.MarkupLine($"Part {part}: orders {next:N0} to {next + written - 1:N0}");
                var import = await OrdersCommands.FollowAsync(api, await OrdersCommands.UploadAsync(api, file, cancellationToken), cancellationToken);
                if (import.Status != "Completed" || import.RejectedRows > 0)
                    throw new ApiException(System.Net.HttpStatusCode.OK, $"Seeding part {part} did not import cleanly: {import.Status}, {import.RejectedRows} rejected, {import.Error}");
                AnsiConsole.MarkupLine($"  imported {import.AcceptedOrders:N0} orders, {import.SkippedRows:N0} rows already there");
                next += written;
            }
        }
        finally
        {
            file.Delete();
        }
    }

    private static List<string> WriteFiles(BenchOrders orders, Options options, string folder)
    {
        Directory.CreateDirectory(folder);
        var files = new List<string>();
        for (var (next, part) = (1L, 1); next <= options.Orders; part++)
        {
            var lines = (int)Math.Min(options.FileLines, (options.Orders - next + 1) * 3);
            var file = Path.Combine(folder, $"orders-{part:0000}.csv");
            using (var writer = new StreamWriter(file, append: false, new System.Text.UTF8Encoding(false)))
                next += WriteUpTo(orders, writer, next, lines, options.Orders).Orders;
            files.Add(file);
        }
        return files;
    }

    /// <summary>Orders from <paramref name="first"/> filling <paramref name="lines"/> rows, without passing order <paramref name="last"/>.</summary>
    private static (long Orders, int BadRows) WriteUpTo(BenchOrders orders, TextWriter writer, long first, int lines, long last)
    {
        var rows = 0L;
        var count = 0L;
        while (first + count <= last && rows + BenchOrders.LinesOf(first + count) <= lines)
            rows += BenchOrders.LinesOf(first + count++);
        return orders.Write(writer, first, (int)rows);
    }

    /// <summary>Waits until orders and inventory have handled every event (their inboxes are empty and their feeds read).</summary>
    public static async Task WaitUntilQuietAsync(ApiClient api, CancellationToken cancellationToken)
    {
        await AnsiConsole.Status().StartAsync("Waiting for the services to handle every event", async context =>
        {
            while (true)
            {
                var backlog = 0L;
                foreach (var service in new[] { "orders", "inventory" })
                {
                    var status = await api.GetAsync<JsonElement>($"/api/{service}/messaging/status", cancellationToken);
                    backlog += status.GetProperty("pending").GetInt32();
                    foreach (var subscription in status.GetProperty("subscriptions").EnumerateArray())
                        backlog += Math.Max(0, subscription.GetProperty("head").GetInt64() - subscription.GetProperty("checkpoint").GetInt64());
                }
                if (backlog == 0)
                    return;
                context.Status($"Waiting for the services to handle every event: {backlog:N0} to go");
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        });
    }

    private delegate Task<string> Query(ApiClient api, CancellationToken cancellationToken);

    /// <summary>The kinds of list and search requests timed, each making its request with random values.</summary>
    private static List<(string Name, Query Make)> Queries(BenchOrders orders, long count, DateTimeOffset until, Random random)
    {
        const string search = "/api/orders/search?limit=50";
        string Pick(string[] values) => values[random.Next(values.Length)];
        long AnOrder() => 1 + random.NextInt64(count);
        string Day(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("yyyy-MM-dd'T'00:00:00+00:00", CultureInfo.InvariantCulture));
        DateTimeOffset ADay() => until.AddDays(-random.Next(1, 330));
        Task<string> Fixed(string url) => Task.FromResult(url);

        return
        [
            ("list newest", (_, _) => Fixed(search)),
            ("list next page", async (api, ct) =>
            {
                var sort = Pick(["-placedAt", "-number"]);
                var page = await api.GetAsync<OrderSearchPageDto>($"{search}&sort={sort}", ct);
                return $"{search}&sort={sort}&after={Uri.EscapeDataString(page.Next!)}";
            }),
            ("list by status", (_, _) => Fixed($"{search}&status={Pick(["Confirmed", "Rejected"])}")),
            ("channel + 30 days", (_, _) =>
            {
                var from = ADay();
                return Fixed($"{search}&channel={Uri.EscapeDataString(Pick(BenchOrders.Channels))}&from={Day(from)}&to={Day(from.AddDays(30))}");
            }),
            ("sku", (_, _) => Fixed($"{search}&sku={BenchOrders.Sku(1 + random.Next(BenchOrders.Products))}")),
            ("tag", (_, _) => Fixed($"{search}&tag={Pick(BenchOrders.Tags)}")),
            ("attribute", (_, _) => Fixed($"{search}&attr.{BenchOrders.Attribute}={Pick(BenchOrders.Sources)}")),
            ("phone", (_, _) => Fixed($"{search}&phone={BenchOrders.Phone(BenchOrders.CustomerOf(AnOrder()))}")),
            ("e-mail", (_, _) => Fixed($"{search}&email={Uri.EscapeDataString(BenchOrders.Email(BenchOrders.CustomerOf(AnOrder())))}")),
            ("text: product words", (_, _) => Fixed($"{search}&q={Pick(BenchOrders.Words)}")),
            ("text: external ref", (_, _) => Fixed($"{search}&q={orders.ExternalRef(AnOrder())}")),
            ("order number", (_, _) => Fixed($"{search}&q=%23{AnOrder()}")),
            ("largest totals", (_, _) => Fixed($"{search}&sort=-total")),
            ("tag + channel + status", (_, _) =>
                Fixed($"{search}&tag={Pick(BenchOrders.Tags)}&channel={Uri.EscapeDataString(Pick(BenchOrders.Channels))}&status={Pick(["Confirmed", "Rejected"])}")),
            ("with archived", (_, _) => Fixed($"{search}&tag={Pick(BenchOrders.Tags)}&includeArchived=true")),
            ("list (paged API)", (_, _) => Fixed($"/api/orders?page={1 + random.Next(20)}&pageSize={PageSize}")),
        ];
    }

    private static int Items(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("items").GetArrayLength();
    }
}
