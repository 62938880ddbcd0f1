using System.Net;
using System.Net.Http.Json;
using Tessera.Inventory.Contracts;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Browser.Tests;

/// <summary>Data the browser tests start from, made through the public API (fast), so that each test drives only the UI it is about.</summary>
public sealed class Api(HttpClient client)
{
    public HttpClient Client => client;

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..6].ToUpperInvariant()}";

    public async Task<string> ProductAsync(string name, decimal price = 120000m, string? sku = null)
    {
        sku ??= Unique("SKU");
        var response = await client.PostJsonAsync("/api/catalog/products", new { sku, name, category = "Beverages", unit = "pcs", price, currency = "VND" });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return sku;
    }

    public async Task<string> WarehouseAsync(string? name = null)
    {
        var code = Unique("W");
        var response = await client.PostJsonAsync("/api/inventory/warehouses", new { code, name = name ?? "Warehouse " + code });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return code;
    }

    public async Task ReceiveAsync(string warehouse, string sku, decimal quantity)
    {
        var response = await client.PostJsonAsync("/api/inventory/receipts", new { warehouse, lines = new[] { new { sku, quantity, unitCost = 80000m } } });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    public async Task<OrderCreatedDto> PlaceAsync(string sku, decimal quantity, string channel = "web", string phone = "0912345678", string? externalRef = null,
        IReadOnlyList<string>? tags = null, IReadOnlyDictionary<string, string>? attributes = null)
    {
        var response = await client.PostJsonAsync("/api/orders", new
        {
            channel,
            externalRef,
            customer = new { name = "Trần Thị Bình", phone },
            lines = new[] { new { sku, quantity, unitPrice = 120000m } },
            operational = tags is null ? null : new { tags },
            attributes,
        }, Guid.NewGuid().ToString());
        return await response.ReadAsync<OrderCreatedDto>();
    }

    public async Task<OrderDto> OrderAsync(Guid id) => (await client.GetFromJsonAsync<OrderDto>($"/api/orders/{id}", TesseraJson.Options))!;

    /// <summary>Changes an order as another person would: read it, then PATCH with its ETag.</summary>
    public async Task<OrderDto> ChangeAsync(Guid id, object change)
    {
        var current = await OrderAsync(id);
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/orders/{id}") { Content = JsonContent.Create(change, options: TesseraJson.Options) };
        request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{current.Version}\""));
        return await (await client.SendAsync(request)).ReadAsync<OrderDto>();
    }

    /// <summary>Orders the search finds for a query string (the search read model follows the orders a moment later).</summary>
    public async Task<OrderSearchPageDto> SearchAsync(string query) =>
        (await client.GetFromJsonAsync<OrderSearchPageDto>("/api/orders/search?" + query, TesseraJson.Options))!;

    public async Task DefineAttributeAsync(string name, string label, string type, params string[] allowedValues)
    {
        var response = await client.PutAsJsonAsync($"/api/orders/attributes/{name}", new { label, type, required = false, allowedValues }, TesseraJson.Options);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    public Task<OrderDto> SettledAsync(Guid id) =>
        Poll.UntilAsync(() => OrderAsync(id), o => o.Status != OrderStatus.Pending, $"order {id} to leave Pending", TimeSpan.FromSeconds(30));

    public async Task<StockDto> StockAsync(string sku, string warehouse) =>
        (await client.GetFromJsonAsync<List<StockDto>>($"/api/inventory/stock?sku={sku}&warehouse={warehouse}", TesseraJson.Options))!.Single();

    public async Task CreateTenantAsync(string id, string admin, string password)
    {
        var response = await client.PostJsonAsync("/api/tenants", new { id, name = $"Tenant {id}", admin = new { username = admin, password } });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }
}
