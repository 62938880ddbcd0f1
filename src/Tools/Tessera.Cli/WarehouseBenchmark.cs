extern alias reporting;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DuckDB.NET.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Tessera.Messaging;
using Tessera.ServiceDefaults;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;
using reporting::Tessera.Reporting;
using Tessera.Reporting.Contracts;
using reporting::Tessera.Reporting.Data;
using reporting::Tessera.Reporting.Modeling;
using reporting::Tessera.Reporting.Ods;
using reporting::Tessera.Reporting.Warehouse;

namespace Tessera.Cli;

/// <summary>
/// tessera bench warehouse: the reporting engine in this process on a throwaway data folder, its HTTP API on loopback.
/// It writes a year of synthetic events straight into a tenant's ODS (orders with their lines, statuses, reservations,
/// shipments and sales-out movements), then times a full rebuild through the run engine, the same SQL run directly on
/// DuckDB, a one-day re-run, ADS metric queries over HTTP, and the full rebuild again with one SKU holding half the lines.
/// </summary>
public static class WarehouseBenchmark
{
    public sealed record Options(long Lines, int Days, int Skus, int Queries, bool Skew, string? DataDir, bool Keep, string MemoryLimit);

    private const string Tenant = "bench";
    private static readonly DateOnly Start = new(2025, 1, 1);

    public static async Task<int> RunAsync(Options options, CancellationToken cancellationToken)
    {
        var results = new List<(string Measure, string Value)>();
        var even = await MeasureAsync(options, skewed: false, results, cancellationToken);
        if (options.Skew)
        {
            var skewed = await MeasureAsync(options with { Queries = 0 }, skewed: true, results, cancellationToken);
            results.Add(("skew: full rebuild, one SKU in half the lines ÷ spread evenly", Ratio(skewed, even)));
        }
        var table = new Table().AddColumns("Measure", "Result");
        foreach (var (measure, value) in results)
            table.AddRow(Markup.Escape(measure), Markup.Escape(value));
        AnsiConsole.Write(table);
        return 0;
    }

    private static string Ratio(TimeSpan a, TimeSpan b) => (a.TotalSeconds / b.TotalSeconds).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    /// <returns>The full rebuild's wall time.</returns>
    private static async Task<TimeSpan> MeasureAsync(Options options, bool skewed, List<(string, string)> results, CancellationToken cancellationToken)
    {
        var label = skewed ? "skewed" : "even";
        var dataDir = Path.Combine(options.DataDir ?? Path.GetTempPath(), $"tessera-bench-warehouse-{label}-{Guid.NewGuid():N}"[..48]);
        Directory.CreateDirectory(dataDir);
        var port = FreePort();
        await using var app = await StartReportingAsync(dataDir, port, options.MemoryLimit);
        try
        {
            using var http = Client(dataDir, port);
            var warehouses = app.Services.GetRequiredService<TenantWarehouses>();
            await app.Services.GetRequiredService<TenantDirectory>().SettingsAsync(Tenant, cancellationToken);

            AnsiConsole.MarkupLine($"[grey]{label}: generating {options.Lines:N0} order lines over {options.Days} days…[/]");
            var generated = Stopwatch.StartNew();
            long events;
            using (var connection = warehouses.Open(Tenant))
                events = await GenerateAsync(connection, options, skewed, cancellationToken);
            results.Add(($"{label}: events generated into the ODS (order lines {options.Lines:N0})", $"{events:N0} in {Seconds(generated.Elapsed)}"));

            // The same SQL straight on the engine, on a copy of the ODS: every model's SELECT over the whole history, in DAG order.
            var copy = Path.Combine(dataDir, "direct.duckdb");
            File.Copy(warehouses.PathOf(Tenant), copy);
            var direct = await DirectAsync(copy, app.Services.GetRequiredService<ModelCatalog>().ShippedGraph, options.Days, options.MemoryLimit, cancellationToken);
            File.Delete(copy);

            var (full, fullCpu) = await TimedRunAsync(http, new { from = Start, to = Start.AddDays(options.Days - 1) }, cancellationToken);
            results.Add(($"{label}: full rebuild through the run engine ({full.Tasks} tasks)", $"{Seconds(full.Wall)} (CPU {Seconds(fullCpu)})"));
            results.Add(($"{label}: the same SQL run directly on DuckDB", $"{Seconds(direct.Wall)} (CPU {Seconds(direct.Cpu)})"));
            results.Add(($"{label}: full rebuild ÷ direct SQL, wall (CPU)", $"{Ratio(full.Wall, direct.Wall)} ({Ratio(fullCpu, direct.Cpu)})"));
            if (skewed)
                return full.Wall;

            var day = Start.AddDays(options.Days / 2);
            var (oneDay, oneDayCpu) = await TimedRunAsync(http, new { from = day, to = day }, cancellationToken);
            results.Add(($"one-day re-run of every model ({oneDay.Tasks} tasks: the day's partitions and the table models)",
                $"{Seconds(oneDay.Wall)} (CPU {Seconds(oneDayCpu)}), {Ratio(oneDay.Wall, full.Wall)} of the full rebuild"));
            Describe("one-day re-run of every model", oneDay);
            var partitioned = (await http.GetFromJsonAsync<List<ModelDto>>("/api/reporting/models", TesseraJson.Options, cancellationToken))!
                .Where(m => m.Materialization == "partitioned").Select(m => m.Name).ToList();
            var (days, daysCpu) = await TimedRunAsync(http, new { models = partitioned, from = day, to = day }, cancellationToken);
            results.Add(($"one-day re-run of the partitioned models ({days.Tasks} tasks)",
                $"{Seconds(days.Wall)} (CPU {Seconds(daysCpu)}), {Ratio(days.Wall, full.Wall)} of the full rebuild"));
            Describe("one-day re-run of the partitioned models", days);

            // The same day once more after a late order for it arrived: now what reads that day's orders has changed, so
            // the whole tables built from them are rebuilt too — the price of a re-run whose day did change.
            using (var connection = warehouses.Open(Tenant))
                await LateOrderAsync(connection, day, cancellationToken);
            var (late, lateCpu) = await TimedRunAsync(http, new { from = day, to = day }, cancellationToken);
            results.Add(($"one-day re-run of every model after a late order for that day ({late.Tasks} tasks)",
                $"{Seconds(late.Wall)} (CPU {Seconds(lateCpu)}), {Ratio(late.Wall, full.Wall)} of the full rebuild"));
            Describe("one-day re-run after a late order", late);

            foreach (var (name, p95, count) in await QueriesAsync(http, options, cancellationToken))
                results.Add(($"ADS query {name}, p95 of {count}", p95.ToString("0.0", CultureInfo.InvariantCulture) + " ms"));
            results.Add(($"{label}: warehouse file", $"{new FileInfo(warehouses.PathOf(Tenant)).Length / 1024 / 1024:N0} MB"));
            return full.Wall;
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            if (!options.Keep)
                TryDelete(dataDir);
        }
    }

    private static async Task<WebApplication> StartReportingAsync(string dataDir, int port, string memoryLimit)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tessera:DataDir"] = dataDir,
            ["Tessera:Messaging:SubscriptionsEnabled"] = "false",
            ["Tessera:Reporting:SchedulerEnabled"] = "false",
            ["Tessera:Reporting:MemoryLimit"] = memoryLimit,
            ["Tessera:Reporting:TaskTimeout"] = "02:00:00",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.AddServiceDefaults("reporting");
        builder.AddReporting();
        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapDefaultEndpoints();
        app.MapMessaging<ReportingDbContext>("/api/reporting");
        app.MapReportingApi();
        await app.MigrateDatabaseAsync<ReportingDbContext>();
        await app.StartAsync();
        return app;
    }

    private static HttpClient Client(string dataDir, int port)
    {
        var codec = new SignedTokenCodec([SecretStore.ForDataDir(dataDir).GetOrCreateKey("internal-token")], TimeProvider.System);
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            codec.Issue("bench", Tenant, [Roles.Admin], TokenAudiences.Internal, TimeSpan.FromHours(12)));
        return client;
    }

    private sealed record Timed(TimeSpan Wall, int Tasks, IReadOnlyList<RunTaskDto> TaskList);

    private static async Task<(Timed Run, TimeSpan Cpu)> TimedRunAsync(HttpClient http, object request, CancellationToken cancellationToken)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var response = await http.PostAsJsonAsync("/api/reporting/runs", request, TesseraJson.Options, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Starting a run answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        var id = (await response.Content.ReadFromJsonAsync<RunDto>(TesseraJson.Options, cancellationToken))!.Id;
        RunDto run;
        while (true)
        {
            run = (await http.GetFromJsonAsync<RunDto>($"/api/reporting/runs/{id}", TesseraJson.Options, cancellationToken))!;
            if (run.Status is "Succeeded" or "Failed")
                break;
            await Task.Delay(200, cancellationToken);
        }
        if (run.Status != "Succeeded")
            throw new InvalidOperationException($"The run failed: {run.Error}");
        return (new Timed(run.FinishedAt!.Value - run.StartedAt!.Value, run.TaskCount, run.Tasks), Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    /// <summary>Where a run's time went: its tasks by outcome, the time inside tasks against the run's wall time, the slowest tasks.</summary>
    private static void Describe(string label, Timed run)
    {
        var inside = TimeSpan.FromMilliseconds(run.TaskList.Sum(t => t.DurationMs ?? 0));
        var outcomes = string.Join(", ", run.TaskList.GroupBy(t => t.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}"));
        var slowest = string.Join(", ", run.TaskList.OrderByDescending(t => t.DurationMs ?? 0).Take(8).Select(t => $"{t.Key} {t.Status} {t.DurationMs} ms"));
        AnsiConsole.MarkupLine(Markup.Escape($"{label}: {outcomes}; {inside.TotalSeconds:0.00} s inside tasks of {run.Wall.TotalSeconds:0.00} s; slowest: {slowest}"));
    }

    /// <summary>Every shipped model's SELECT over the whole range, as CREATE TABLE (or VIEW) AS, in DAG order: no tasks, tests or book-keeping.</summary>
    private static async Task<(TimeSpan Wall, TimeSpan Cpu)> DirectAsync(string file, ModelGraph graph, int days, string memoryLimit, CancellationToken cancellationToken)
    {
        using var connection = new DuckDBConnection($"Data Source={file};memory_limit={memoryLimit};threads=2");
        connection.Open();
        var context = new RenderContext(DuckDbDialect.Instance, "Asia/Ho_Chi_Minh", Start, Start.AddDays(days - 1));
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var slowest = new List<(string Model, TimeSpan Took)>();
        foreach (var model in graph.Order.Select(n => graph[n]))
        {
            var sql = ModelRenderer.Render(model.Body, model.Name, context, model.File ?? model.Name);
            var kind = model.Materialization == Materialization.View ? "VIEW" : "TABLE";
            var took = Stopwatch.StartNew();
            await connection.ExecuteAsync($"CREATE OR REPLACE {kind} {Sql.Quote(model.Name)} AS (\n{sql}\n)", cancellationToken);
            slowest.Add((model.Name, took.Elapsed));
        }
        AnsiConsole.MarkupLine("[grey]direct SQL, slowest models: " +
            Markup.Escape(string.Join(", ", slowest.OrderByDescending(s => s.Took).Take(6).Select(s => $"{s.Model} {s.Took.TotalSeconds:0.0} s"))) + "[/]");
        return (clock.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    private static async Task<List<(string Name, double P95, int Count)>> QueriesAsync(HttpClient http, Options options, CancellationToken cancellationToken)
    {
        var results = new List<(string, double, int)>();
        if (options.Queries == 0)
            return results;
        var random = new Random(7);
        string Range(int maxDays)
        {
            var length = random.Next(1, maxDays + 1);
            var from = Start.AddDays(random.Next(0, Math.Max(1, options.Days - length)));
            return $"from={from:yyyy-MM-dd}&to={from.AddDays(length - 1):yyyy-MM-dd}";
        }
        var kinds = new (string Name, Func<string> Url)[]
        {
            ("sales_daily (≤ 90 days)", () => $"/api/reporting/metrics/sales_daily?{Range(90)}"),
            ("sales_daily by channel", () => $"/api/reporting/metrics/sales_daily?{Range(90)}&groupBy=channel"),
            ("sales_daily by category", () => $"/api/reporting/metrics/sales_daily?{Range(90)}&groupBy=category"),
            ("sales_monthly (a year)", () => "/api/reporting/metrics/sales_monthly?from=2025-01&to=2025-12"),
            ("gross_margin_daily by category", () => $"/api/reporting/metrics/gross_margin_daily?{Range(90)}&groupBy=category"),
            ("fulfilment_daily by warehouse", () => $"/api/reporting/metrics/fulfilment_daily?{Range(90)}&groupBy=warehouse"),
            ("product_sales_daily, a day's top 20 by gmv", () => $"/api/reporting/metrics/product_sales_daily?{Range(1)}&orderBy=gmv&limit=20"),
        };
        foreach (var (name, url) in kinds)
        {
            for (var i = 0; i < 5; i++)
                (await http.GetAsync(url(), cancellationToken)).EnsureSuccessStatusCode();
            var times = new List<double>();
            for (var i = 0; i < options.Queries; i++)
                times.Add((await Stats.TimeAsync(() => http.GetAsync(url(), cancellationToken))).Ms);
            results.Add((name, Stats.Percentile(times, 95), times.Count));
        }
        return results;
    }

    /// <summary>
    /// A year of a shop's events written straight into the ODS: ~a third of the lines as orders (1–5 lines each), 2 %
    /// rejected, 3 % confirmed then cancelled, the rest confirmed and reserved in one of three warehouses; a fifth of
    /// the orders shipped (requested, created, dispatched with their sales-out at cost, delivered a day later).
    /// </summary>
    private static async Task<long> GenerateAsync(DuckDBConnection connection, Options options, bool skewed, CancellationToken cancellationToken)
    {
        var orders = Math.Max(1, options.Lines / 3);
        var seconds = (long)options.Days * 86400;
        var start = $"TIMESTAMPTZ '{Start:yyyy-MM-dd} 00:00:00+07'";
        var skuOf = skewed
            ? $"CASE WHEN (o.i * 31 + k * 17) % 2 = 0 THEN 0 ELSE (o.i * 7919 + k * 104729) % {options.Skus} END"
            : $"(o.i * 7919 + k * 104729) % {options.Skus}";
        await connection.ExecuteAsync($"""
            INSERT INTO {WarehouseSchema.Events}
            SELECT uuidv7(), 'catalog', 'ProductCreated', 1, '{Tenant}', 'SKU-' || CAST(n AS VARCHAR), n + 1, {start} - INTERVAL 1 DAY,
                   CAST(timezone('Asia/Ho_Chi_Minh', {start} - INTERVAL 1 DAY) AS DATE), now(),
                   json_object('productId', CAST(uuid() AS VARCHAR), 'sku', 'SKU-' || CAST(n AS VARCHAR), 'name', 'Product ' || CAST(n AS VARCHAR),
                               'category', 'Category ' || CAST(n % 20 AS VARCHAR), 'unit', 'pcs', 'price', 10000 + (n % 200) * 1000, 'currency', 'VND', 'version', 1),
                   CAST(timezone('Asia/Ho_Chi_Minh', {start} - INTERVAL 1 DAY) AS DATE)
            FROM range({options.Skus}) t(n);
            """, cancellationToken);
        // In chunks of orders, in time order: the whole year at once does not fit a warehouse's memory limit.
        const long chunk = 250_000;
        for (var first = 0L; first < orders; first += chunk)
        {
            var last = Math.Min(orders, first + chunk);
            await connection.ExecuteAsync($"""
                CREATE OR REPLACE TEMP TABLE b_orders AS
                SELECT i, CAST(uuid() AS VARCHAR) AS order_id, CAST(uuid() AS VARCHAR) AS request_id, CAST(uuid() AS VARCHAR) AS shipment_id,
                       ['web', 'pos', 'api', 'marketplace:shopee', 'marketplace:lazada'][1 + i % 5] AS channel,
                       {start} + to_seconds(CAST(i * {seconds} // {orders} AS BIGINT)) AS placed_at,
                       1 + (i * 7) % 5 AS line_count, (i * 13) % 100 AS fate, 'W' || CAST(1 + i % 3 AS VARCHAR) AS warehouse,
                       CAST((i % 3) * 10000 AS DECIMAL(18,4)) AS shipping_fee
                FROM range({first}, {last}) t(i);
                CREATE OR REPLACE TEMP TABLE b_docs AS
                WITH lines AS (
                    SELECT o.i, k AS line_no, 'SKU-' || CAST({skuOf} AS VARCHAR) AS sku, {skuOf} AS sku_no, CAST(1 + (o.i + k) % 4 AS DECIMAL(18,4)) AS quantity
                    FROM (SELECT i, unnest(range(1, line_count + 1)) AS k FROM b_orders) o
                ),
                priced AS (
                    SELECT l.*, CAST(10000 + (sku_no % 200) * 1000 AS DECIMAL(18,4)) AS price,
                           CAST(quantity * (10000 + (sku_no % 200) * 1000) AS DECIMAL(18,4)) AS line_total
                    FROM lines l
                )
                SELECT o.*, p.lines, p.prices, p.reserved, p.shipped, p.moved, p.lines_total
                FROM b_orders o JOIN (
                    SELECT i,
                        list(json_object('lineNo', line_no, 'sku', sku, 'quantity', quantity) ORDER BY line_no) AS lines,
                        list(json_object('lineNo', line_no, 'sku', sku, 'quantity', quantity, 'unitPrice', price, 'discount', 0, 'allocatedDiscount', 0, 'taxRate', 0, 'taxAmount', 0,
                                         'lineTotal', line_total) ORDER BY line_no) AS prices,
                        list(json_object('sku', sku, 'warehouse', 'W' || CAST(1 + i % 3 AS VARCHAR), 'quantity', quantity) ORDER BY line_no) AS reserved,
                        list(json_object('sku', sku, 'quantity', quantity) ORDER BY line_no) AS shipped,
                        list(json_object('sku', sku, 'quantity', quantity, 'unitCost', price * 0.6, 'value', quantity * price * 0.6) ORDER BY line_no) AS moved,
                        sum(line_total) AS lines_total
                    FROM priced GROUP BY i) p ON p.i = o.i;
                INSERT INTO {WarehouseSchema.Events}
                SELECT uuidv7(), e.producer, e.type, 1, '{Tenant}', e.aggregate_id, {options.Skus} + row_number() OVER (ORDER BY e.occurred_at) + {first} * 12,
                       e.occurred_at, CAST(timezone('Asia/Ho_Chi_Minh', e.occurred_at) AS DATE), now(), e.payload,
                       CAST(timezone('Asia/Ho_Chi_Minh', o.placed_at) AS DATE)
                FROM (
                    SELECT 'orders' AS producer, 'OrderPlaced' AS type, order_id AS aggregate_id, placed_at AS occurred_at,
                           json_object('orderId', order_id, 'number', i + 1, 'channel', channel, 'lines', lines, 'placedAt', CAST(placed_at AS VARCHAR),
                                       'preferredWarehouse', NULL,
                                       'pricing', json_object('currency', 'VND', 'lines', prices, 'shippingFee', shipping_fee, 'discountTotal', 0, 'taxTotal', 0,
                                                              'grandTotal', lines_total + shipping_fee),
                                       'customerReference', 'C-' || CAST(i % 200000 AS VARCHAR),
                                       'province', ['Hà Nội', 'Hồ Chí Minh', 'Đà Nẵng', 'Cần Thơ'][1 + i % 4]) AS payload
                    FROM b_docs
                    UNION ALL
                    SELECT 'inventory', 'StockReserved', order_id, placed_at + INTERVAL 1 SECOND, json_object('orderId', order_id, 'lines', reserved) FROM b_docs WHERE fate >= 2
                    UNION ALL
                    SELECT 'orders', CASE WHEN fate < 2 THEN 'OrderRejected' ELSE 'OrderConfirmed' END, order_id, placed_at + INTERVAL 2 SECOND,
                           json_object('orderId', order_id, 'number', i + 1, 'reason', 'Not enough stock') FROM b_docs
                    UNION ALL
                    SELECT 'orders', 'OrderCancelled', order_id, placed_at + INTERVAL 1 HOUR,
                           json_object('orderId', order_id, 'number', i + 1, 'reason', 'Changed my mind', 'previousStatus', 'Confirmed') FROM b_docs WHERE fate BETWEEN 2 AND 4
                    UNION ALL
                    SELECT 'orders', 'ShipmentsRequested', order_id, placed_at + INTERVAL 3 SECOND,
                           json_object('orderId', order_id, 'number', i + 1, 'requestId', request_id, 'serviceLevel', 'standard',
                                       'requestedAt', CAST(placed_at + INTERVAL 3 SECOND AS VARCHAR), 'dispatchDueAt', CAST(placed_at + INTERVAL 24 HOUR AS VARCHAR))
                    FROM b_docs WHERE fate >= 80
                    UNION ALL
                    SELECT 'logistics', 'ShipmentCreated', order_id, placed_at + INTERVAL 5 SECOND,
                           json_object('shipmentId', shipment_id, 'number', 'SH-' || CAST(i AS VARCHAR), 'orderId', order_id, 'orderNumber', i + 1, 'requestId', request_id,
                                       'warehouse', warehouse, 'carrier', 'GHN', 'serviceLevel', 'standard', 'lines', shipped,
                                       'createdAt', CAST(placed_at + INTERVAL 5 SECOND AS VARCHAR))
                    FROM b_docs WHERE fate >= 80
                    UNION ALL
                    SELECT 'logistics', 'ShipmentDispatched', order_id, placed_at + INTERVAL 6 HOUR,
                           json_object('shipmentId', shipment_id, 'orderId', order_id, 'warehouse', warehouse, 'carrier', 'GHN', 'waybillNumber', 'WB' || CAST(i AS VARCHAR),
                                       'lines', shipped, 'dispatchedAt', CAST(placed_at + INTERVAL 6 HOUR AS VARCHAR))
                    FROM b_docs WHERE fate >= 80
                    UNION ALL
                    SELECT 'inventory', 'StockIssued', order_id, placed_at + INTERVAL 6 HOUR + INTERVAL 2 SECOND,
                           json_object('movementType', 'sales-out', 'sourceType', 'shipment', 'sourceId', shipment_id, 'warehouse', warehouse, 'orderId', order_id,
                                       'lines', moved, 'occurredAt', CAST(placed_at + INTERVAL 6 HOUR + INTERVAL 2 SECOND AS VARCHAR))
                    FROM b_docs WHERE fate >= 80
                    UNION ALL
                    SELECT 'logistics', 'ShipmentDelivered', order_id, placed_at + INTERVAL 30 HOUR,
                           json_object('shipmentId', shipment_id, 'orderId', order_id, 'warehouse', warehouse, 'lines', shipped,
                                       'deliveredAt', CAST(placed_at + INTERVAL 30 HOUR AS VARCHAR))
                    FROM b_docs WHERE fate >= 80
                ) e
                JOIN b_orders o ON o.order_id = e.aggregate_id
                ORDER BY e.occurred_at;
                DROP TABLE b_docs;
                DROP TABLE b_orders;
                """, cancellationToken);
        }
        await connection.ExecuteAsync("CHECKPOINT", cancellationToken);
        return Convert.ToInt64(await connection.ScalarAsync($"SELECT count(*) FROM {WarehouseSchema.Events}", cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>A copy of the events of one of the day's orders that was not shipped, as a new order (its own id and number) arriving late.</summary>
    private static async Task LateOrderAsync(DuckDBConnection connection, DateOnly day, CancellationToken cancellationToken)
    {
        var id = Sql.Literal(Guid.NewGuid().ToString());
        var date = DuckDbDialect.Instance.DateLiteral(day);
        await connection.ExecuteAsync($"""
            INSERT INTO {WarehouseSchema.Events}
            SELECT uuidv7(), producer, type, version, tenant, {id}, position + 1000000000000, occurred_at, business_date, now(),
                   json_merge_patch(payload, CASE WHEN json_exists(payload, '$.number') THEN json_object('orderId', {id}, 'number', 1000000000)
                                                  ELSE json_object('orderId', {id}) END),
                   opening_date
            FROM {WarehouseSchema.Events}
            WHERE aggregate_id = (SELECT min(aggregate_id) FROM {WarehouseSchema.Events}
                                  WHERE type = 'OrderPlaced' AND business_date = {date}
                                  AND aggregate_id NOT IN (SELECT aggregate_id FROM {WarehouseSchema.Events} WHERE type = 'ShipmentsRequested' AND opening_date = {date}));
            """, cancellationToken);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException ex)
        {
            AnsiConsole.MarkupLine($"[yellow]Could not remove {Markup.Escape(directory)}: {Markup.Escape(ex.Message)}[/]");
        }
    }
}
