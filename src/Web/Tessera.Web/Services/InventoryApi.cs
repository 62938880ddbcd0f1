using System.Net.Http.Json;
using Tessera.Inventory.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Web.Services;

public sealed record StockFilter(string? Warehouse, string? SkuPrefix, string? Sku, decimal? MaxAvailable);

public sealed record ReceiptInput(string Warehouse, string? Reference, IReadOnlyList<ReceiptLineInput> Lines);

public sealed record ReceiptLineInput(string Sku, decimal? Quantity, decimal? UnitCost);

public sealed record QuantityLineInput(string Sku, decimal? Quantity, string? Bin = null);

public sealed record TransferInput(string FromWarehouse, string ToWarehouse, string? Reference, IReadOnlyList<QuantityLineInput> Lines);

public sealed record CountInput(string Warehouse, IReadOnlyList<string>? Skus, string? Bin, bool Blind, string? Reference);

public sealed record CountEntryInput(string Sku, decimal? Counted, string? Reason);

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

    public async Task<InventorySettingsDto> SettingsAsync(CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<InventorySettingsDto>("/api/inventory/settings", TesseraJson.Options, cancellationToken))!;

    public async Task<ApiResult<InventorySettingsDto>> SaveSettingsAsync(bool negativeStockAllowed, int? reservationHoldMinutes, long version,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/inventory/settings").WithJson(new { negativeStockAllowed, reservationHoldMinutes });
        request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{version}\""));
        return await ApiResult<InventorySettingsDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<WarehouseDto>> WarehousesAsync(CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<WarehouseDto>>("/api/inventory/warehouses", TesseraJson.Options, cancellationToken))!;

    public async Task<WarehouseDto?> WarehouseAsync(string code, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/inventory/warehouses/{Uri.EscapeDataString(code)}", cancellationToken)).ReadOrNullAsync<WarehouseDto>(cancellationToken);

    public async Task<ApiResult<WarehouseDto>> CreateWarehouseAsync(string code, string name, string idempotencyKey, CancellationToken cancellationToken) =>
        await SendAsync<WarehouseDto>(HttpMethod.Post, "/api/inventory/warehouses", new { code, name }, idempotencyKey, cancellationToken);

    public async Task<IReadOnlyList<BinDto>> BinsAsync(string warehouse, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/inventory/warehouses/{Uri.EscapeDataString(warehouse)}/bins", cancellationToken))
            .ReadOrNullAsync<List<BinDto>>(cancellationToken) ?? [];

    public async Task<ApiResult<BinDto>> CreateBinAsync(string warehouse, string code, string name, string idempotencyKey, CancellationToken cancellationToken) =>
        await SendAsync<BinDto>(HttpMethod.Post, $"/api/inventory/warehouses/{Uri.EscapeDataString(warehouse)}/bins", new { code, name }, idempotencyKey, cancellationToken);

    public async Task<IReadOnlyList<BinStockDto>> BinStockAsync(string warehouse, string? sku, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<BinStockDto>>("/api/inventory/stock/bins?" + HttpExtensions.Query(("warehouse", warehouse), ("sku", sku)),
            TesseraJson.Options, cancellationToken))!;

    public async Task<PagedResult<MovementDto>> MovementsAsync(string? sku, string? warehouse, int page, int pageSize, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<PagedResult<MovementDto>>("/api/inventory/movements?" + HttpExtensions.Query(
            ("sku", sku), ("warehouse", warehouse), ("page", page), ("pageSize", pageSize)), TesseraJson.Options, cancellationToken))!;

    /// <summary>One keyset page of movement history with running balances, newest first; pass the page's Next as <paramref name="before"/>.</summary>
    public async Task<MovementHistoryPageDto> HistoryAsync(string? sku, string? warehouse, string? before, int limit, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<MovementHistoryPageDto>("/api/inventory/movements/history?" + HttpExtensions.Query(
            ("sku", sku), ("warehouse", warehouse), ("before", before), ("limit", limit)), TesseraJson.Options, cancellationToken))!;

    public async Task<IReadOnlyList<ReservationDto>> ReservationsAsync(Guid orderId, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<ReservationDto>>($"/api/inventory/reservations?orderId={orderId}", TesseraJson.Options, cancellationToken))!;

    public async Task<ApiResult<ReceiptDto>> ReceiveAsync(ReceiptInput input, string idempotencyKey, CancellationToken cancellationToken) =>
        await SendAsync<ReceiptDto>(HttpMethod.Post, "/api/inventory/receipts", input, idempotencyKey, cancellationToken);

    public async Task<PagedResult<TransferDto>> TransfersAsync(string? status, string? warehouse, int page, int pageSize, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<PagedResult<TransferDto>>("/api/inventory/transfers?" + HttpExtensions.Query(
            ("status", status), ("warehouse", warehouse), ("page", page), ("pageSize", pageSize)), TesseraJson.Options, cancellationToken))!;

    public async Task<TransferDto?> TransferAsync(Guid id, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/inventory/transfers/{id}", cancellationToken)).ReadOrNullAsync<TransferDto>(cancellationToken);

    public Task<ApiResult<TransferDto>> CreateTransferAsync(TransferInput input, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync<TransferDto>(HttpMethod.Post, "/api/inventory/transfers", input, idempotencyKey, cancellationToken);

    public Task<ApiResult<TransferDto>> ShipTransferAsync(Guid id, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync<TransferDto>(HttpMethod.Post, $"/api/inventory/transfers/{id}/ship", new { }, idempotencyKey, cancellationToken);

    public Task<ApiResult<TransferDto>> ReceiveTransferAsync(Guid id, IReadOnlyList<QuantityLineInput> lines, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync<TransferDto>(HttpMethod.Post, $"/api/inventory/transfers/{id}/receive", new { lines }, idempotencyKey, cancellationToken);

    public Task<ApiResult<TransferDto>> CancelTransferAsync(Guid id, CancellationToken cancellationToken) =>
        SendAsync<TransferDto>(HttpMethod.Post, $"/api/inventory/transfers/{id}/cancel", new { }, null, cancellationToken);

    public async Task<PagedResult<CountDto>> CountsAsync(string? status, string? warehouse, int page, int pageSize, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<PagedResult<CountDto>>("/api/inventory/counts?" + HttpExtensions.Query(
            ("status", status), ("warehouse", warehouse), ("page", page), ("pageSize", pageSize)), TesseraJson.Options, cancellationToken))!;

    public async Task<CountDto?> CountAsync(Guid id, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/inventory/counts/{id}", cancellationToken)).ReadOrNullAsync<CountDto>(cancellationToken);

    public async Task<PagedResult<CountLineDto>?> CountLinesAsync(Guid id, bool differences, int page, int pageSize, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/inventory/counts/{id}/lines?" + HttpExtensions.Query(
            ("differences", differences ? "true" : null), ("page", page), ("pageSize", pageSize)), cancellationToken)).ReadOrNullAsync<PagedResult<CountLineDto>>(cancellationToken);

    public Task<ApiResult<CountDto>> StartCountAsync(CountInput input, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync<CountDto>(HttpMethod.Post, "/api/inventory/counts", input, idempotencyKey, cancellationToken);

    public Task<ApiResult<List<CountLineDto>>> EnterCountsAsync(Guid id, IReadOnlyList<CountEntryInput> lines, CancellationToken cancellationToken) =>
        SendAsync<List<CountLineDto>>(HttpMethod.Post, $"/api/inventory/counts/{id}/entries", new { lines }, null, cancellationToken);

    public Task<ApiResult<CountDto>> PostCountAsync(Guid id, string reason, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync<CountDto>(HttpMethod.Post, $"/api/inventory/counts/{id}/post", new { reason }, idempotencyKey, cancellationToken);

    public Task<ApiResult<CountDto>> CancelCountAsync(Guid id, CancellationToken cancellationToken) =>
        SendAsync<CountDto>(HttpMethod.Post, $"/api/inventory/counts/{id}/cancel", new { }, null, cancellationToken);

    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string url, object body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url).WithJson(body);
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await ApiResult<T>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }
}
