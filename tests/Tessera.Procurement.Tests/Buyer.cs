using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Tessera.Procurement.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Procurement.Tests;

/// <summary>A purchasing clerk of one tenant, working through procurement's API: the arrangements the tests start from.</summary>
public sealed class Buyer(ProcurementFactory factory, string tenant = "acme", params string[] roles)
{
    public HttpClient Client { get; } = factory.ClientFor(tenant, roles);
    public string Tenant => tenant;

    public string Sku(string name = "Test product") => factory.Catalog.Add(name);

    public string Warehouse(string name = "Test warehouse") => factory.Inventory.AddWarehouse(name);

    public async Task<SupplierDto> SupplierAsync(string? code = null, string currency = "VND", object? contact = null, bool active = true)
    {
        code ??= "SUP-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var response = await Client.PostJsonAsync("/api/procurement/suppliers",
            new { code, name = "Supplier " + code, contact, paymentTermsDays = 30, currency, isActive = active });
        return await response.ReadAsync<SupplierDto>();
    }

    public async Task<List<SupplierPriceDto>> PricesAsync(Guid supplierId, params object[] prices) =>
        await (await Client.PostJsonAsync($"/api/procurement/suppliers/{supplierId}/prices", new { prices })).ReadAsync<List<SupplierPriceDto>>();

    public Task<HttpResponseMessage> CreateOrderAsync(Guid supplierId, string warehouse, object[] lines, string? key = null, string? reference = null) =>
        Client.PostJsonAsync("/api/procurement/purchase-orders", new { supplierId, warehouse, reference, lines }, key);

    public async Task<PurchaseOrderDto> DraftAsync(Guid supplierId, string warehouse, params object[] lines) =>
        await (await CreateOrderAsync(supplierId, warehouse, lines)).ReadAsync<PurchaseOrderDto>();

    /// <summary>An approved order from a new supplier into a new warehouse, one line per (SKU, quantity, price).</summary>
    public async Task<PurchaseOrderDto> ApprovedAsync(params (string Sku, decimal Quantity, decimal Price)[] lines)
    {
        var supplier = await SupplierAsync();
        var draft = await DraftAsync(supplier.Id, Warehouse(), lines.Select(l => (object)new { sku = l.Sku, quantity = l.Quantity, unitPrice = l.Price }).ToArray());
        return await (await Client.PostAsync($"/api/procurement/purchase-orders/{draft.Id}/approve", null)).ReadAsync<PurchaseOrderDto>();
    }

    public async Task<PurchaseOrderDto> OrderAsync(Guid id) =>
        (await Client.GetFromJsonAsync<PurchaseOrderDto>($"/api/procurement/purchase-orders/{id}", TesseraJson.Options))!;

    public Task<HttpResponseMessage> ReceiveAsync(Guid orderId, object[] lines, string? key = null, string? deliveryNote = null) =>
        Client.PostJsonAsync($"/api/procurement/purchase-orders/{orderId}/receipts", new { deliveryNote, lines }, key);

    public async Task<GoodsReceiptDto> ReceivedAsync(Guid orderId, params (int LineNo, decimal Accepted)[] lines)
    {
        var response = await ReceiveAsync(orderId, lines.Select(l => (object)new { lineNo = l.LineNo, acceptedQuantity = l.Accepted }).ToArray());
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<GoodsReceiptDto>();
    }

    public Task<HttpResponseMessage> PostAsync(string url, object? body = null, long? ifMatch = null) =>
        SendAsync(HttpMethod.Post, url, body, ifMatch);

    public Task<HttpResponseMessage> PutAsync(string url, object body, long? ifMatch) => SendAsync(HttpMethod.Put, url, body, ifMatch);

    public Task<HttpResponseMessage> SendDeleteAsync(string url, long? ifMatch = null) => SendAsync(HttpMethod.Delete, url, null, ifMatch);

    public async Task<T> GetAsync<T>(string url) => (await Client.GetFromJsonAsync<T>(url, TesseraJson.Options))!;

    public Task<PagedResult<T>> PageAsync<T>(string url) => GetAsync<PagedResult<T>>(url);

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, object? body, long? ifMatch)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null)
            request.Content = JsonContent.Create(body, options: TesseraJson.Options);
        if (ifMatch is not null)
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{ifMatch}\""));
        return Client.SendAsync(request);
    }
}
