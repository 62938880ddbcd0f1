using System.Net.Http.Json;
using Tessera.Inventory.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Web.Services;

public sealed record StockFilter(string? Warehouse, string? SkuPrefix, string? Sku, decimal? MaxAvailable);

public sealed record ReceiptInput(string Warehouse, string? Reference, IReadOnlyList<ReceiptLineInput> Lines);

public sealed record ReceiptLineInput(string Sku, decimal? Quantity, decimal? UnitCost);

public sealed class InventoryApi(HttpClient http)
{
    public async Task<PagedResult<StockDto>> StockAsync(StockFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("/api/inventory/stock?" + HttpExtensions.Query(
            ("warehouse", filter.Warehouse), ("skuPrefix", filter.SkuPrefix), ("sku", filter.Sku), ("maxAvailable", filter.MaxAvailable),
            ("page", page), ("pageSize", pageSize)), cancellationToken);
        response.EnsureSuccessStatusCode();
        var rows = (await response.Content.ReadFromJsonAsync<List<StockDto>>(TesseraJson.Options, cancellationToken))!;
        var total = int.Parse(response.Headers.GetValues("X-Total-Count").Single(), System.Globalization.CultureInfo.InvariantCulture);
        return new PagedResult<StockDto>(rows, page, pageSize, total);
    }

    public async Task<IReadOnlyList<WarehouseDto>> WarehousesAsync(CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<WarehouseDto>>("/api/inventory/warehouses", TesseraJson.Options, cancellationToken))!;

    public async Task<PagedResult<MovementDto>> MovementsAsync(string? sku, string? warehouse, int page, int pageSize, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<PagedResult<MovementDto>>("/api/inventory/movements?" + HttpExtensions.Query(
            ("sku", sku), ("warehouse", warehouse), ("page", page), ("pageSize", pageSize)), TesseraJson.Options, cancellationToken))!;

    public async Task<IReadOnlyList<ReservationDto>> ReservationsAsync(Guid orderId, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<ReservationDto>>($"/api/inventory/reservations?orderId={orderId}", TesseraJson.Options, cancellationToken))!;

    public async Task<ApiResult<ReceiptDto>> ReceiveAsync(ReceiptInput input, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/inventory/receipts").WithJson(input);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await ApiResult<ReceiptDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }
}
