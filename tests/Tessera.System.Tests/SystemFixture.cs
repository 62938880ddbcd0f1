using System.Net;
using System.Net.Http.Json;
using Tessera.Inventory.Contracts;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.System.Tests;

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "running system";
}

/// <summary>One started system shared by every test class of the collection (starting one takes seconds).</summary>
public sealed class SystemFixture : IAsyncLifetime
{
    private readonly TempDirectory _scratch = new("tessera-system-scratch");

    public RunningSystem System { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public Api Api { get; private set; } = null!;

    /// <summary>A folder outside the data folder that lives as long as the system: a build folder it was upgraded to runs from here.</summary>
    public string Scratch => _scratch.Path;

    public async Task InitializeAsync()
    {
        // Every service keeps its recent spans, so that a test can follow one trace across them (TelemetryTests).
        System = await RunningSystem.StartAsync(new Dictionary<string, string>
        {
            ["Tessera__Telemetry__KeepSpans"] = "20000",
            // Every client of the tests signs in from 127.0.0.1: the CLI's commands, simulated users, pages.
            ["Tessera__RateLimit__SignInPerMinute"] = "1000",
        });
        Admin = await System.SignInAsync();
        Api = new Api(Admin);
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await System.DisposeAsync();
        _scratch.Dispose();
    }
}

/// <summary>The calls of the README tour, through the public port.</summary>
public sealed class Api(HttpClient client)
{
    public HttpClient Client => client;

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}";

    public async Task<string> ProductAsync(string? sku = null, decimal price = 120000m)
    {
        sku ??= Unique("SKU");
        var response = await client.PostJsonAsync("/api/catalog/products",
            new { sku, name = $"Product {sku}", category = "Beverages", unit = "pcs", price, currency = "VND" });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return sku;
    }

    public async Task<string> WarehouseAsync()
    {
        var code = Unique("WH");
        var response = await client.PostJsonAsync("/api/inventory/warehouses", new { code, name = "Warehouse " + code });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return code;
    }

    public async Task ReceiveAsync(string warehouse, string sku, decimal quantity, decimal unitCost = 80000m)
    {
        var response = await client.PostJsonAsync("/api/inventory/receipts", new { warehouse, lines = new[] { new { sku, quantity, unitCost } } });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    public async Task<OrderCreatedDto> PlaceAsync(string sku, decimal quantity, string? key = null)
    {
        var response = await client.PostJsonAsync("/api/orders", new
        {
            channel = "web",
            customer = new { name = "Nguyễn Văn An", phone = "0901234567" },
            lines = new[] { new { sku, quantity, unitPrice = 120000m } },
        }, key ?? Guid.NewGuid().ToString());
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<OrderCreatedDto>();
    }

    public async Task<OrderDto> OrderAsync(Guid id) => (await client.GetFromJsonAsync<OrderDto>($"/api/orders/{id}", TesseraJson.Options))!;

    public Task<OrderDto> SettledAsync(Guid id, TimeSpan? timeout = null) =>
        Poll.UntilAsync(() => OrderAsync(id), o => o.Status != OrderStatus.Pending, $"order {id} to leave Pending", timeout);

    public async Task<StockDto> StockAsync(string sku, string warehouse) =>
        (await client.GetFromJsonAsync<List<StockDto>>($"/api/inventory/stock?sku={sku}&warehouse={warehouse}", TesseraJson.Options))!.Single();
}
