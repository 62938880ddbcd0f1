using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Browser.Tests;

/// <summary>Purchasing data the procurement browser tests start from, made through the public API.</summary>
public sealed class ProcurementApi(HttpClient client)
{
    public async Task<Guid> SupplierAsync(string name)
    {
        var response = await client.PostJsonAsync("/api/procurement/suppliers", new
        {
            code = Api.Unique("SUP"), name, paymentTermsDays = 30, currency = "VND",
            contact = new { name = "Pham Van Duc", phone = "0903111222", email = "duc@example.vn" },
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>A draft purchase order, approved; returns its id and number.</summary>
    public async Task<(Guid Id, string Number)> ApprovedOrderAsync(Guid supplierId, string warehouse, params (string Sku, decimal Quantity, decimal UnitPrice)[] lines)
    {
        var created = await client.PostJsonAsync("/api/procurement/purchase-orders",
            new { supplierId, warehouse, lines = lines.Select(l => new { sku = l.Sku, quantity = l.Quantity, unitPrice = l.UnitPrice }) }, Guid.NewGuid().ToString());
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var order = await created.ReadAsync<JsonElement>();
        var id = order.GetProperty("id").GetGuid();
        var approved = await client.PostAsync($"/api/procurement/purchase-orders/{id}/approve", null);
        approved.StatusCode.ShouldBe(HttpStatusCode.OK, await approved.Content.ReadAsStringAsync());
        return (id, order.GetProperty("number").GetString()!);
    }

    public async Task PriceAsync(Guid supplierId, string sku, decimal unitPrice)
    {
        var response = await client.PostJsonAsync($"/api/procurement/suppliers/{supplierId}/prices", new { prices = new[] { new { sku, unitPrice } } });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Receives everything on the first line of an order; returns the receipt's id.</summary>
    public async Task<Guid> ReceiveAsync(Guid orderId, decimal quantity)
    {
        var response = await client.PostJsonAsync($"/api/procurement/purchase-orders/{orderId}/receipts", new { lines = new[] { new { lineNo = 1, acceptedQuantity = quantity } } });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public async Task<string> StatusAsync(Guid orderId) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/procurement/purchase-orders/{orderId}", TesseraJson.Options)).GetProperty("status").GetString()!;
}
