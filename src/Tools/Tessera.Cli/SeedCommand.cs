using System.Net;
using System.Text.Json;
using Spectre.Console;

namespace Tessera.Cli;

/// <summary>Loads the demo data set through the public API, in parallel, with a progress bar; safe to run again.</summary>
public static class SeedCommand
{
    private const int Parallelism = 8;

    public static async Task<int> RunAsync(ApiClient api, int seed, int orders, DateOnly? today, string tenant, CancellationToken cancellationToken)
    {
        // With --today the data set is the same on every run; without it, orders end now so that "today" has some.
        var until = today is { } day
            ? new DateTimeOffset(day.ToDateTime(new TimeOnly(23, 59)), TimeSpan.Zero)
            : new DateTimeOffset(DateTime.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero);
        if (until > DateTimeOffset.UtcNow)
            until = DateTimeOffset.UtcNow.AddMinutes(-1);
        var data = new DemoData(seed, orders, until);
        await api.SignInAsync(cancellationToken);
        var report = new SeedReport();

        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var products = progress.AddTask("Products", maxValue: data.Products.Count);
                var warehouses = progress.AddTask("Warehouses", maxValue: data.Warehouses.Count);
                var receipts = progress.AddTask("Stock receipts", maxValue: data.Receipts.Count);
                var placed = progress.AddTask("Orders", maxValue: data.Orders.Count);

                await ForEach(data.Products, products, p => Create(api, report, "products", "/api/catalog/products",
                    new { sku = p.Sku, name = p.Name, category = p.Category, unit = p.Unit, price = p.Price, currency = "VND" }, $"seed-{seed}-product-{p.Sku}", cancellationToken));
                await ForEach(data.Warehouses, warehouses, w => Create(api, report, "warehouses", "/api/inventory/warehouses",
                    new { code = w.Code, name = w.Name }, $"seed-{seed}-warehouse-{w.Code}", cancellationToken));
                await ForEach(data.Receipts, receipts, r => Create(api, report, "receipts", "/api/inventory/receipts",
                    new { warehouse = r.Warehouse, reference = r.Key, lines = r.Lines.Select(l => new { sku = l.Sku, quantity = l.Quantity, unitCost = l.UnitCost }) },
                    r.Key, cancellationToken));
                await ForEach(data.Orders, placed, o => PlaceOrder(api, report, o, cancellationToken));
                var scenes = progress.AddTask("Purchasing, shipping, stock, history, finance", maxValue: 9);
                await new DemoScenes(api, data, seed, tenant, step =>
                {
                    scenes.Description = step;
                    scenes.Increment(1);
                }).RunAsync(cancellationToken);
                scenes.Value = scenes.MaxValue;
            });

        var table = new Table().AddColumns("What", "Created", "Already there");
        foreach (var (what, created, existing) in report.Rows())
            table.AddRow(what, created.ToString(System.Globalization.CultureInfo.InvariantCulture), existing.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        return 0;
    }

    private static async Task PlaceOrder(ApiClient api, SeedReport report, DemoOrder order, CancellationToken cancellationToken)
    {
        var body = new
        {
            channel = order.Channel,
            externalRef = order.ExternalRef,
            placedAt = order.PlacedAt,
            customer = new { name = order.Customer, phone = order.Phone, email = order.Email },
            shipping = order.City is null ? null : new { consignee = order.Customer, phone = order.Phone, address = new { city = order.City, country = "VN" } },
            lines = order.Lines.Select(l => new { sku = l.Sku, quantity = l.Quantity, unitPrice = l.UnitPrice }),
        };
        var id = await Create(api, report, "orders", "/api/orders", body, order.Key, cancellationToken);
        if (order.Cancel && id is not null)
        {
            using var response = await api.PostAsync($"/api/orders/{id}/cancel", new { reason = "Customer cancelled (demo data)" }, null, cancellationToken);
            if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Conflict)
                throw new ApiException(response.StatusCode, $"Cancelling demo order {order.Key} failed: {await ApiClient.Describe(response)}");
        }
    }

    /// <summary>Creates one thing; "already exists" answers (409, or 422 for a key reused on another day) count as done.</summary>
    private static async Task<string?> Create(ApiClient api, SeedReport report, string what, string path, object body, string key,
        CancellationToken cancellationToken)
    {
        using var response = await api.PostAsync(path, body, key, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity)
        {
            report.Existing(what);
            return null;
        }
        if (!response.IsSuccessStatusCode)
            throw new ApiException(response.StatusCode, $"Creating {what} ({key}) failed: {await ApiClient.Describe(response)}");
        if (response.Headers.Contains("Idempotent-Replayed"))
            report.Existing(what);
        else
            report.Created(what);
        var created = await response.Content.ReadFromJsonAsync(cancellationToken);
        return created.TryGetProperty("id", out var id) ? id.ToString() : null;
    }

    private static async Task ForEach<T>(IReadOnlyList<T> items, ProgressTask task, Func<T, Task> action)
    {
        using var gate = new SemaphoreSlim(Parallelism);
        await Task.WhenAll(items.Select(async item =>
        {
            await gate.WaitAsync();
            try
            {
                await action(item);
                task.Increment(1);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    private static Task<JsonElement> ReadFromJsonAsync(this HttpContent content, CancellationToken cancellationToken) =>
        System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<JsonElement>(content, cancellationToken);

    private sealed class SeedReport
    {
        private readonly Dictionary<string, (int Created, int Existing)> _counts = new();
        private readonly Lock _lock = new();

        public void Created(string what) => Count(what, created: 1, existing: 0);

        public void Existing(string what) => Count(what, created: 0, existing: 1);

        private void Count(string what, int created, int existing)
        {
            lock (_lock)
            {
                var (c, e) = _counts.GetValueOrDefault(what);
                _counts[what] = (c + created, e + existing);
            }
        }

        public IEnumerable<(string What, int Created, int Existing)> Rows()
        {
            lock (_lock)
                return _counts.Select(c => (c.Key, c.Value.Created, c.Value.Existing)).ToList();
        }
    }
}
