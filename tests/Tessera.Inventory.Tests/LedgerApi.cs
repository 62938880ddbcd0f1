using System.Net;
using System.Net.Http.Json;
using Tessera.Inventory.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Inventory.Tests;

/// <summary>The inventory API as the tests use it, for one tenant: arrange data, read stock, history and invariants.</summary>
public sealed class LedgerApi(InventoryFactory factory, string tenant = "acme")
{
    public HttpClient Client { get; } = factory.ClientFor(tenant);
    public string Tenant => tenant;

    public static string NewTenant(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    public string Sku() => factory.Catalog.Add();

    public async Task<string> WarehouseAsync()
    {
        var code = "W" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        (await Client.PostJsonAsync("/api/inventory/warehouses", new { code, name = "Warehouse " + code })).StatusCode.ShouldBe(HttpStatusCode.Created);
        return code;
    }

    public async Task<string> BinAsync(string warehouse, string code)
    {
        var response = await Client.PostJsonAsync($"/api/inventory/warehouses/{warehouse}/bins", new { code, name = "Bin " + code });
        return (await response.ReadAsync<BinDto>()).Code;
    }

    public async Task<ReceiptDto> ReceiveAsync(string warehouse, string sku, decimal quantity, decimal unitCost, string? bin = null) =>
        await (await Client.PostJsonAsync("/api/inventory/receipts", new { warehouse, lines = new[] { new { sku, quantity, unitCost, bin } } }))
            .ReadAsync<ReceiptDto>();

    public Task<HttpResponseMessage> IssueAsync(string warehouse, string sku, decimal quantity, string type = "sales-out", string? bin = null) =>
        Client.PostJsonAsync("/api/inventory/issues", new { warehouse, type, lines = new[] { new { sku, quantity, bin } } });

    public async Task<StockDto> StockAsync(string sku, string warehouse) =>
        (await Client.GetFromJsonAsync<List<StockDto>>($"/api/inventory/stock?sku={sku}&warehouse={warehouse}", TesseraJson.Options))!.Single();

    public async Task<List<StockDto>> StockAsync(string sku) =>
        (await Client.GetFromJsonAsync<List<StockDto>>($"/api/inventory/stock?sku={sku}", TesseraJson.Options))!;

    /// <summary>The whole history of a SKU (and warehouse), newest first, read page by page through the cursor.</summary>
    public async Task<List<MovementHistoryDto>> HistoryAsync(string sku, string? warehouse = null, int limit = 500)
    {
        var all = new List<MovementHistoryDto>();
        string? cursor = null;
        do
        {
            var page = await Client.GetFromJsonAsync<MovementHistoryPageDto>(
                $"/api/inventory/movements/history?sku={sku}&warehouse={warehouse}&limit={limit}&before={cursor}", TesseraJson.Options);
            all.AddRange(page!.Items);
            cursor = page.Next;
        }
        while (cursor is not null);
        return all;
    }

    public async Task<StockAsOfDto> AsOfAsync(string sku, string warehouse, DateTimeOffset at) =>
        (await Client.GetFromJsonAsync<List<StockAsOfDto>>(
            $"/api/inventory/stock/as-of?sku={sku}&warehouse={warehouse}&at={Uri.EscapeDataString(at.ToString("O"))}", TesseraJson.Options))!.Single();

    public async Task<ConsistencyReportDto> ConsistencyAsync() =>
        (await Client.GetFromJsonAsync<ConsistencyReportDto>("/api/inventory/consistency", TesseraJson.Options))!;

    public async Task SettingsAsync(bool negativeStockAllowed, int? reservationHoldMinutes = null)
    {
        var response = await Client.PutAsJsonAsync("/api/inventory/settings", new { negativeStockAllowed, reservationHoldMinutes }, TesseraJson.Options);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    public async Task<List<ReservationDto>> ReservationsAsync(Guid orderId) =>
        (await Client.GetFromJsonAsync<List<ReservationDto>>($"/api/inventory/reservations?orderId={orderId}", TesseraJson.Options))!;

    public Task<HttpResponseMessage> GetAsync(string url) => Client.GetAsync(url);

    public async Task<PagedResult<T>> PageAsync<T>(string url) => (await Client.GetFromJsonAsync<PagedResult<T>>(url, TesseraJson.Options))!;
}
