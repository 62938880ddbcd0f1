using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace Tessera.Cli;

/// <summary>
/// tessera bench flow: orders placed through the public POST /api/orders — closed loops at 32 and 1 connections, a paced
/// rate, and a burst — timed from the client (placement) and from each order's own history (Pending → Confirmed), with
/// the CPU time every Tessera process spent per order. In the same run a bare single-hop endpoint doing the same durable
/// write (bench/Tessera.Bench.BareWrite) takes the same closed loops, so every placement figure is also a ratio.
/// </summary>
public static class FlowBenchmark
{
    public const string WarehouseCode = "FLOW";
    public static readonly (string Sku, decimal Price)[] Products = [("FLOW-TEA-1", 120_000m), ("FLOW-COFFEE-2", 95_000m)];

    public sealed record Options(
        int Rate, int Seconds, int Burst, int Connections, int ClosedSeconds, IReadOnlySet<string> Phases, string? DataDir, string? BareDll,
        string RunName, int Warmup);

    /// <summary>Placed orders: id, the moment the request was due, and how long the answer took.</summary>
    private sealed record Placed(Guid Id, long DueTicks, double Ms);

    private sealed record Confirmation(Guid Id, DateTimeOffset PendingAt, DateTimeOffset ConfirmedAt)
    {
        public double Ms => (ConfirmedAt - PendingAt).TotalMilliseconds;
    }

    public static async Task<int> RunAsync(ApiClient api, Uri url, Options options, CancellationToken cancellationToken)
    {
        var processes = ProcessCpu.FromAppHost(options.DataDir);
        if (processes.Count == 0)
            AnsiConsole.MarkupLine("[yellow]No --data folder with run/apphost.json: CPU time per process is not reported.[/]");
        var token = await api.SignInAsync(cancellationToken);
        await EnsureStockAsync(api, options, cancellationToken);

        using var tessera = Client(url, token, options.Connections);
        var orderNumber = 0;
        string Body(int n) => OrderBody(n);
        HttpRequestMessage PlaceRequest()
        {
            var n = Interlocked.Increment(ref orderNumber);
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = new StringContent(Body(n), Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", $"flow-{options.RunName}-{n}");
            return request;
        }

        AnsiConsole.MarkupLine($"Run [bold]{options.RunName}[/] against {url}; processes: {string.Join(", ", processes.Select(p => $"{p.Name} ({p.Pid})"))}");
        // Warm-up, not measured: until every service's hot paths are compiled at their final tier (a cold service spends
        // more than twice the CPU per order), connection pools are open and SQLite's page cache is filled.
        if (options.Warmup > 0)
        {
            AnsiConsole.MarkupLine($"Warm-up: {options.Warmup} orders over {options.Connections} connections");
            await ClosedLoopAsync(tessera, PlaceRequest, options.Connections, TimeSpan.MaxValue, cancellationToken, options.Warmup);
            await DrainAsync(api, processes, cancellationToken);
        }

        var report = new List<string>();
        if (options.Phases.Contains("closed"))
            report.AddRange(await ClosedPhaseAsync(api, tessera, PlaceRequest, processes, options, cancellationToken));
        if (options.Phases.Contains("paced"))
            report.AddRange(await PacedPhaseAsync(api, tessera, PlaceRequest, processes, options, cancellationToken));
        if (options.Phases.Contains("burst"))
            report.AddRange(await BurstPhaseAsync(api, tessera, PlaceRequest, processes, options, cancellationToken));

        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine("[bold]Summary[/] (" + Environment.ProcessorCount + " cores, " + DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC)");
        foreach (var line in report)
            AnsiConsole.WriteLine(line);
        return 0;
    }

    private static string OrderBody(int n)
    {
        var lines = string.Join(',', Products.Select(p => $$"""{"sku":"{{p.Sku}}","quantity":1,"unitPrice":{{p.Price.ToString(CultureInfo.InvariantCulture)}}}"""));
        return $$"""{"channel":"api","customer":{"name":"Flow Customer {{n % 1000}}","phone":"09{{n % 100_000_000:00000000}}"},"lines":[{{lines}}]}""";
    }

    private static HttpClient Client(Uri url, string? token, int connections)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Math.Max(connections, 64), UseCookies = false, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        var client = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) };
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task EnsureStockAsync(ApiClient api, Options options, CancellationToken cancellationToken)
    {
        foreach (var (sku, price) in Products)
        {
            using var product = await api.PostAsync("/api/catalog/products",
                new { sku, name = "Flow benchmark " + sku, category = "Benchmark", unit = "pcs", price, currency = "VND" }, "flow-product-" + sku, cancellationToken);
            if (!product.IsSuccessStatusCode && product.StatusCode is not (HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity))
                throw new ApiException(product.StatusCode, $"Creating {sku} failed: {await ApiClient.Describe(product)}");
        }
        using (var warehouse = await api.PostAsync("/api/inventory/warehouses", new { code = WarehouseCode, name = "Flow benchmark" }, "flow-warehouse", cancellationToken))
            if (!warehouse.IsSuccessStatusCode && warehouse.StatusCode is not (HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity))
                throw new ApiException(warehouse.StatusCode, $"Creating the benchmark warehouse failed: {await ApiClient.Describe(warehouse)}");
        // Enough for every order this run can place (each takes one unit of each SKU), received under this run's key.
        var units = 1_000_000;
        using var receipt = await api.PostAsync("/api/inventory/receipts",
            new { warehouse = WarehouseCode, lines = Products.Select(p => new { sku = p.Sku, quantity = units, unitCost = p.Price / 2 }).ToList() },
            "flow-stock-" + options.RunName, cancellationToken);
        if (!receipt.IsSuccessStatusCode)
            throw new ApiException(receipt.StatusCode, $"Receiving benchmark stock failed: {await ApiClient.Describe(receipt)}");
        // Orders place only once the orders service knows the products (from the catalog's events, or by asking it).
        await Poll.UntilAsync(async () =>
        {
            using var stock = await api.GetAsync($"/api/inventory/stock?sku={Products[0].Sku}&warehouse={WarehouseCode}", cancellationToken);
            return stock.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(30), cancellationToken);
    }

    private static async Task<List<string>> ClosedPhaseAsync(ApiClient api, HttpClient tessera, Func<HttpRequestMessage> place, List<ProcessCpu> processes,
        Options options, CancellationToken cancellationToken)
    {
        var duration = TimeSpan.FromSeconds(options.ClosedSeconds);
        var report = new List<string>();
        await using var bare = await BareEndpoint.StartAsync(options.BareDll, cancellationToken);
        using var bareClient = Client(bare.Url, null, options.Connections);
        HttpRequestMessage BareRequest() =>
            new(HttpMethod.Post, "/orders") { Content = new StringContent(OrderBody(Random.Shared.Next()), Encoding.UTF8, "application/json") };
        await ClosedLoopAsync(bareClient, BareRequest, 8, TimeSpan.FromSeconds(2), cancellationToken);

        var table = new Table().AddColumns("closed loop", "orders/s", "p50 ms", "p99 ms", "× bare");
        foreach (var connections in new[] { options.Connections, 1 })
        {
            var bareResult = await ClosedLoopAsync(bareClient, BareRequest, connections, duration, cancellationToken);
            var before = ProcessCpu.Snapshot(processes);
            var result = await ClosedLoopAsync(tessera, place, connections, duration, cancellationToken);
            await DrainAsync(api, processes, cancellationToken);
            var cpu = ProcessCpu.Delta(processes, before);
            var ratio = result.PerSecond / bareResult.PerSecond;
            table.AddRow($"bare endpoint, {connections} conn.", F(bareResult.PerSecond), F(bareResult.P50), F(bareResult.P99), "1");
            table.AddRow($"Tessera POST /api/orders, {connections} conn.", F(result.PerSecond), F(result.P50), F(result.P99), ratio.ToString("0.00", CultureInfo.InvariantCulture));
            report.Add($"closed loop {connections} conn.: Tessera {F(result.PerSecond)}/s p50 {F(result.P50)} ms p99 {F(result.P99)} ms; " +
                       $"bare {F(bareResult.PerSecond)}/s p50 {F(bareResult.P50)} ms p99 {F(bareResult.P99)} ms; ratio {ratio:0.00}; " +
                       $"CPU (placing, then until every order is confirmed and the processes are idle) {CpuPerOrder(cpu, result.Count)}");
        }
        AnsiConsole.Write(table);
        return report;
    }

    private static async Task<List<string>> PacedPhaseAsync(ApiClient api, HttpClient tessera, Func<HttpRequestMessage> place, List<ProcessCpu> processes,
        Options options, CancellationToken cancellationToken)
    {
        var total = options.Rate * options.Seconds;
        AnsiConsole.MarkupLine($"Paced: {options.Rate} orders/s for {options.Seconds} s ({total} orders)");
        var placed = new ConcurrentBag<Placed>();
        var failures = 0;
        var before = ProcessCpu.Snapshot(processes);
        var clock = Stopwatch.StartNew();
        var startedAt = DateTimeOffset.UtcNow;
        var inFlight = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            // Open loop: each order is due at its own time, and its latency counts from then (no coordinated omission).
            var due = TimeSpan.FromSeconds((double)i / options.Rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
                await Task.Delay(wait, cancellationToken);
            inFlight.Add(SendAsync(due.Ticks));
        }
        await Task.WhenAll(inFlight);
        var placing = clock.Elapsed;
        var confirmedAll = await DrainAsync(api, processes, cancellationToken);
        var cpu = ProcessCpu.Delta(processes, before);

        var confirmations = await ConfirmationsAsync(tessera, placed.Select(p => p.Id).ToList(), cancellationToken);
        var latencies = placed.Select(p => p.Ms).ToList();
        var lags = confirmations.Select(c => c.Ms).ToList();
        var end = startedAt + placing;
        var confirmedWhilePlacing = confirmations.Count(c => c.ConfirmedAt <= end);
        var lastConfirmed = confirmations.Count > 0 ? confirmations.Max(c => c.ConfirmedAt) : end;
        var line = $"paced {options.Rate}/s for {options.Seconds} s: placed {placed.Count} ({failures} failed); placement p50 {F(P(latencies, 50))} p99 {F(P(latencies, 99))} ms; " +
                   $"Pending→Confirmed p50 {F(P(lags, 50))} p99 {F(P(lags, 99))} max {F(lags.DefaultIfEmpty().Max())} ms; " +
                   $"confirmed/s while placing {F(confirmedWhilePlacing / placing.TotalSeconds)}; last confirmation {F((lastConfirmed - end).TotalMilliseconds)} ms after the last placement; " +
                   $"drained in {F(confirmedAll.TotalMilliseconds)} ms; CPU {CpuPerOrder(cpu, placed.Count)}";
        AnsiConsole.WriteLine(line);
        return [line];

        async Task SendAsync(long dueTicks)
        {
            try
            {
                using var request = place();
                using var response = await tessera.SendAsync(request, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                var ms = (clock.Elapsed - TimeSpan.FromTicks(dueTicks)).TotalMilliseconds;
                if (response.StatusCode == HttpStatusCode.Created)
                    placed.Add(new Placed(IdOf(body), dueTicks, ms));
                else
                    Interlocked.Increment(ref failures);
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref failures);
            }
        }
    }

    private static async Task<List<string>> BurstPhaseAsync(ApiClient api, HttpClient tessera, Func<HttpRequestMessage> place, List<ProcessCpu> processes,
        Options options, CancellationToken cancellationToken)
    {
        AnsiConsole.MarkupLine($"Burst: {options.Burst} orders over {options.Connections} connections");
        var before = ProcessCpu.Snapshot(processes);
        var clock = Stopwatch.StartNew();
        var result = await ClosedLoopAsync(tessera, place, options.Connections, TimeSpan.MaxValue, cancellationToken, options.Burst);
        var placing = clock.Elapsed;
        await DrainAsync(api, processes, cancellationToken);
        var cpu = ProcessCpu.Delta(processes, before);

        var confirmations = await ConfirmationsAsync(tessera, result.Ids, cancellationToken);
        var lags = confirmations.Select(c => c.Ms).ToList();
        var span = confirmations.Count == 0 ? TimeSpan.Zero : confirmations.Max(c => c.ConfirmedAt) - confirmations.Min(c => c.PendingAt);
        var line = $"burst of {options.Burst}: placed {result.Count} in {F(placing.TotalSeconds)} s ({F(result.PerSecond)}/s, p50 {F(result.P50)} p99 {F(result.P99)} ms); " +
                   $"confirmed {confirmations.Count} in {F(span.TotalSeconds)} s = {F(confirmations.Count / Math.Max(span.TotalSeconds, 0.001))} confirmed/s; " +
                   $"Pending→Confirmed p50 {F(P(lags, 50))} p99 {F(P(lags, 99))} ms; CPU {CpuPerOrder(cpu, result.Count)}";
        AnsiConsole.WriteLine(line);
        return [line];
    }

    private sealed record LoopResult(int Count, double PerSecond, double P50, double P99, List<Guid> Ids);

    /// <summary>Each connection sends its next order as soon as the previous one is answered, for a time or a count.</summary>
    private static async Task<LoopResult> ClosedLoopAsync(HttpClient client, Func<HttpRequestMessage> create, int connections, TimeSpan duration,
        CancellationToken cancellationToken, int count = int.MaxValue)
    {
        var latencies = new ConcurrentBag<double>();
        var ids = new ConcurrentBag<Guid>();
        var remaining = count;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            while (clock.Elapsed < duration && Interlocked.Decrement(ref remaining) >= 0)
            {
                var started = clock.Elapsed;
                using var request = create();
                using var response = await client.SendAsync(request, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (!response.IsSuccessStatusCode)
                    throw new ApiException(response.StatusCode, $"Placing an order answered {(int)response.StatusCode}: {body}");
                latencies.Add((clock.Elapsed - started).TotalMilliseconds);
                ids.Add(IdOf(body));
            }
        }));
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.ToList();
        return new LoopResult(all.Count, all.Count / elapsed, P(all, 50), P(all, 99), ids.ToList());
    }

    private static Guid IdOf(string body) => JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();

    /// <summary>
    /// Waits until no order is Pending and every Tessera process is idle again (fulfilment, search model and shipments
    /// done), so that the CPU time measured is all of the work the orders caused. Returns how long it took.
    /// </summary>
    private static async Task<TimeSpan> DrainAsync(ApiClient api, List<ProcessCpu> processes, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await Poll.UntilAsync(async () => await PendingAsync(api, cancellationToken) == 0, TimeSpan.FromMinutes(10), cancellationToken, TimeSpan.FromMilliseconds(50));
        var confirmed = clock.Elapsed;
        if (processes.Count == 0)
            return confirmed;
        var quiet = 0;
        var last = ProcessCpu.Snapshot(processes);
        while (quiet < 2 && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(500, cancellationToken);
            var now = ProcessCpu.Snapshot(processes);
            var busy = now.Sum(p => p.Value) - last.Sum(p => p.Value);
            quiet = busy < 0.05 ? quiet + 1 : 0; // under a tenth of a core for half a second
            last = now;
        }
        return confirmed;
    }

    internal static async Task<int> PendingAsync(ApiClient api, CancellationToken cancellationToken)
    {
        var page = await api.GetAsync<JsonElement>("/api/orders?status=Pending&pageSize=1", cancellationToken);
        return page.GetProperty("total").GetInt32();
    }

    /// <summary>Pending and Confirmed moments from each order's own history.</summary>
    private static async Task<List<Confirmation>> ConfirmationsAsync(HttpClient client, IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        var result = new ConcurrentBag<Confirmation>();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            using var response = await client.GetAsync($"/api/orders/{id}", ct);
            if (!response.IsSuccessStatusCode)
                return;
            var order = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;
            DateTimeOffset? pending = null, confirmed = null;
            foreach (var change in order.GetProperty("history").EnumerateArray())
            {
                var status = change.GetProperty("status").GetString();
                var at = change.GetProperty("at").GetDateTimeOffset();
                if (status == "Pending")
                    pending ??= at;
                else if (status == "Confirmed")
                    confirmed ??= at;
            }
            if (pending is not null && confirmed is not null)
                result.Add(new Confirmation(id, pending.Value, confirmed.Value));
        });
        return result.ToList();
    }

    private static string CpuPerOrder(IReadOnlyDictionary<string, double> cpu, int orders)
    {
        if (cpu.Count == 0 || orders == 0)
            return "not measured";
        var parts = cpu.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {F(p.Value * 1000 / orders)}");
        return $"{F(cpu.Values.Sum() * 1000 / orders)} ms/order ({string.Join(", ", parts)})";
    }

    private static double P(List<double> values, int percentile) => values.Count == 0 ? double.NaN : Stats.Percentile(values, percentile);

    private static string F(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
}

/// <summary>CPU seconds of a process so far, from /proc (user + system, all threads).</summary>
public sealed record ProcessCpu(string Name, int Pid)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static List<ProcessCpu> FromAppHost(string? dataDir)
    {
        var status = dataDir is null ? null : Path.Combine(dataDir, "run", "apphost.json");
        if (status is null || !File.Exists(status) || !OperatingSystem.IsLinux())
            return [];
        var root = JsonDocument.Parse(File.ReadAllText(status)).RootElement;
        var list = new List<ProcessCpu> { new("apphost", root.GetProperty("pid").GetInt32()) };
        foreach (var service in root.GetProperty("services").EnumerateArray())
            if (service.TryGetProperty("pid", out var pid) && pid.ValueKind == JsonValueKind.Number)
                list.Add(new ProcessCpu(service.GetProperty("name").GetString()!, pid.GetInt32()));
        return list;
    }

    public double Seconds()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{Pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After the command name: state is field 3, utime 14 and stime 15 (1-based in proc(5)).
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static Dictionary<string, double> Snapshot(List<ProcessCpu> processes) => processes.ToDictionary(p => p.Name, p => p.Seconds());

    public static Dictionary<string, double> Delta(List<ProcessCpu> processes, Dictionary<string, double> before) =>
        processes.ToDictionary(p => p.Name, p => p.Seconds() - before.GetValueOrDefault(p.Name));
}

/// <summary>The bare endpoint, started from its build output for the closed loops and stopped after them.</summary>
internal sealed class BareEndpoint : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _file;

    private BareEndpoint(Process process, Uri url, string file)
    {
        _process = process;
        Url = url;
        _file = file;
    }

    public Uri Url { get; }

    public static async Task<BareEndpoint> StartAsync(string? dll, CancellationToken cancellationToken)
    {
        dll ??= Find();
        if (dll is null || !File.Exists(dll))
            throw new ApiException(HttpStatusCode.NotFound,
                "The bare endpoint is not built: run `dotnet build Tessera.slnx -c Release` (bench/Tessera.Bench.BareWrite) or pass --bare <dll>.");
        var port = FreePort();
        var file = Path.Combine(Path.GetTempPath(), $"tessera-bare-{Guid.NewGuid():N}.db");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { dll, "--urls", $"http://127.0.0.1:{port}", "--data", file })
            info.ArgumentList.Add(argument);
        info.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var endpoint = new BareEndpoint(process, new Uri($"http://127.0.0.1:{port}"), file);
        using var probe = new HttpClient { BaseAddress = endpoint.Url };
        await Poll.UntilAsync(async () =>
        {
            try
            {
                using var response = await probe.GetAsync("/health", cancellationToken);
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), cancellationToken);
        return endpoint;
    }

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "bench", "Tessera.Bench.BareWrite", "bin", "Release", "net10.0", "Tessera.Bench.BareWrite.dll");
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(_file + suffix);
    }
}
