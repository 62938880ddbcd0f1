using System.Net.Http.Headers;
using System.Net.Http.Json;
using Tessera.Procurement.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Web.Services;

public sealed record SupplierInput(string Code, string Name, string? TaxId, SupplierContactDto? Contact, int? PaymentTermsDays, string? Currency, bool IsActive);

public sealed record SupplierPriceInput(string Sku, decimal? UnitPrice, decimal? MinQuantity, int? LeadTimeDays, DateOnly? ValidFrom, DateOnly? ValidTo, bool Preferred);

public sealed record PurchaseOrderLineInput(string Sku, decimal? Quantity, decimal? UnitPrice, decimal? TaxRate);

public sealed record PurchaseOrderInput(Guid SupplierId, string Warehouse, string? Reference, DateOnly? ExpectedDate, IReadOnlyList<PurchaseOrderLineInput> Lines);

public sealed record ReceiptLineInputForm(int LineNo, decimal? AcceptedQuantity, decimal? RejectedQuantity, string? RejectionReason);

public sealed record SupplierReturnInput(Guid? ReceiptId, Guid? PurchaseOrderId, Guid? SupplierId, string? Warehouse, string Reason, IReadOnlyList<SupplierReturnLineInput> Lines);

public sealed record SupplierReturnLineInput(string Sku, decimal? Quantity);

public sealed record PurchaseOrderFilter(IReadOnlyList<string>? Statuses, Guid? SupplierId, string? Warehouse, string? Sku, string? Search);

/// <summary>The procurement service, as the pages use it. Reads throw DependencyUnavailableException when it is down; writes answer their problem.</summary>
public sealed class ProcurementApi(HttpClient http)
{
    public async Task<PagedResult<SupplierDto>> SuppliersAsync(string? search, bool? active, int page, int pageSize, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<PagedResult<SupplierDto>>("/api/procurement/suppliers?" + HttpExtensions.Query(
            ("search", search), ("active", active?.ToString().ToLowerInvariant()), ("page", page), ("pageSize", pageSize)), TesseraJson.Options, cancellationToken))!;

    public async Task<SupplierDto?> SupplierAsync(Guid id, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/procurement/suppliers/{id}", cancellationToken)).ReadOrNullAsync<SupplierDto>(cancellationToken);

    public async Task<ApiResult<SupplierDto>> CreateSupplierAsync(SupplierInput input, string idempotencyKey, CancellationToken cancellationToken) =>
        await SendAsync<SupplierDto>(HttpMethod.Post, "/api/procurement/suppliers", input, null, idempotencyKey, cancellationToken);

    public async Task<ApiResult<SupplierDto>> UpdateSupplierAsync(Guid id, SupplierInput input, long version, CancellationToken cancellationToken) =>
        await SendAsync<SupplierDto>(HttpMethod.Put, $"/api/procurement/suppliers/{id}", input, version, null, cancellationToken);

    public async Task<PagedResult<SupplierPriceDto>> PricesAsync(Guid? supplierId, string? sku, int page, int pageSize, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<PagedResult<SupplierPriceDto>>("/api/procurement/supplier-prices?" + HttpExtensions.Query(
            ("supplierId", supplierId), ("sku", sku), ("page", page), ("pageSize", pageSize)), TesseraJson.Options, cancellationToken))!;

    public async Task<ApiResult<List<SupplierPriceDto>>> AddPricesAsync(Guid supplierId, IReadOnlyList<SupplierPriceInput> prices, string idempotencyKey,
        CancellationToken cancellationToken) =>
        await SendAsync<List<SupplierPriceDto>>(HttpMethod.Post, $"/api/procurement/suppliers/{supplierId}/prices", new { prices }, null, idempotencyKey, cancellationToken);

    public async Task<ApiProblem?> DeletePriceAsync(Guid id, long version, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/procurement/supplier-prices/{id}");
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        using var response = await http.SendAsync(request, cancellationToken);
        return response.IsSuccessStatusCode ? null : await ApiProblem.ReadAsync(response, cancellationToken);
    }

    public async Task<PagedResult<PurchaseOrderSummaryDto>> OrdersAsync(PurchaseOrderFilter filter, int page, int pageSize, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<PagedResult<PurchaseOrderSummaryDto>>("/api/procurement/purchase-orders?" + HttpExtensions.Query(
            ("status", filter.Statuses is { Count: > 0 } s ? string.Join(',', s) : null), ("supplierId", filter.SupplierId), ("warehouse", filter.Warehouse),
            ("sku", filter.Sku), ("search", filter.Search), ("page", page), ("pageSize", pageSize)), TesseraJson.Options, cancellationToken))!;

    public async Task<PurchaseOrderDto?> OrderAsync(Guid id, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/procurement/purchase-orders/{id}", cancellationToken)).ReadOrNullAsync<PurchaseOrderDto>(cancellationToken);

    public async Task<ApiResult<PurchaseOrderDto>> CreateOrderAsync(PurchaseOrderInput input, string idempotencyKey, CancellationToken cancellationToken) =>
        await SendAsync<PurchaseOrderDto>(HttpMethod.Post, "/api/procurement/purchase-orders", input, null, idempotencyKey, cancellationToken);

    public async Task<ApiResult<PurchaseOrderDto>> ChangeOrderAsync(Guid id, PurchaseOrderInput input, long version, CancellationToken cancellationToken) =>
        await SendAsync<PurchaseOrderDto>(HttpMethod.Put, $"/api/procurement/purchase-orders/{id}",
            new { input.Warehouse, input.Reference, input.ExpectedDate, input.Lines }, version, null, cancellationToken);

    public Task<ApiResult<PurchaseOrderDto>> ApproveAsync(Guid id, long version, CancellationToken cancellationToken) =>
        SendAsync<PurchaseOrderDto>(HttpMethod.Post, $"/api/procurement/purchase-orders/{id}/approve", null, version, null, cancellationToken);

    public Task<ApiResult<PurchaseOrderDto>> CancelOrderAsync(Guid id, string reason, long version, CancellationToken cancellationToken) =>
        SendAsync<PurchaseOrderDto>(HttpMethod.Post, $"/api/procurement/purchase-orders/{id}/cancel", new { reason }, version, null, cancellationToken);

    public Task<ApiResult<PurchaseOrderDto>> CloseOrderAsync(Guid id, string? reason, long version, CancellationToken cancellationToken) =>
        SendAsync<PurchaseOrderDto>(HttpMethod.Post, $"/api/procurement/purchase-orders/{id}/close", new { reason }, version, null, cancellationToken);

    public Task<ApiResult<GoodsReceiptDto>> ReceiveAsync(Guid orderId, string? deliveryNote, IReadOnlyList<ReceiptLineInputForm> lines, string idempotencyKey,
        CancellationToken cancellationToken) =>
        SendAsync<GoodsReceiptDto>(HttpMethod.Post, $"/api/procurement/purchase-orders/{orderId}/receipts", new { deliveryNote, lines }, null, idempotencyKey, cancellationToken);

    public async Task<PagedResult<GoodsReceiptDto>> ReceiptsAsync(Guid? purchaseOrderId, string? warehouse, string? posting, string? search, int page, int pageSize,
        CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<PagedResult<GoodsReceiptDto>>("/api/procurement/receipts?" + HttpExtensions.Query(
            ("purchaseOrderId", purchaseOrderId), ("warehouse", warehouse), ("posting", posting), ("search", search), ("page", page), ("pageSize", pageSize)),
            TesseraJson.Options, cancellationToken))!;

    public async Task<GoodsReceiptDto?> ReceiptAsync(Guid id, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/procurement/receipts/{id}", cancellationToken)).ReadOrNullAsync<GoodsReceiptDto>(cancellationToken);

    public Task<ApiResult<SupplierReturnDto>> CreateReturnAsync(SupplierReturnInput input, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync<SupplierReturnDto>(HttpMethod.Post, "/api/procurement/supplier-returns", input, null, idempotencyKey, cancellationToken);

    public async Task<PagedResult<SupplierReturnDto>> ReturnsAsync(string? status, Guid? purchaseOrderId, Guid? receiptId, int page, int pageSize,
        CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<PagedResult<SupplierReturnDto>>("/api/procurement/supplier-returns?" + HttpExtensions.Query(
            ("status", status), ("purchaseOrderId", purchaseOrderId), ("receiptId", receiptId), ("page", page), ("pageSize", pageSize)), TesseraJson.Options, cancellationToken))!;

    public async Task<SupplierReturnDto?> ReturnAsync(Guid id, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/procurement/supplier-returns/{id}", cancellationToken)).ReadOrNullAsync<SupplierReturnDto>(cancellationToken);

    public Task<ApiResult<SupplierReturnDto>> ShipReturnAsync(Guid id, long version, CancellationToken cancellationToken) =>
        SendAsync<SupplierReturnDto>(HttpMethod.Post, $"/api/procurement/supplier-returns/{id}/ship", null, version, null, cancellationToken);

    public Task<ApiResult<SupplierReturnDto>> CancelReturnAsync(Guid id, long version, CancellationToken cancellationToken) =>
        SendAsync<SupplierReturnDto>(HttpMethod.Post, $"/api/procurement/supplier-returns/{id}/cancel", null, version, null, cancellationToken);

    public async Task<PagedResult<ReorderSuggestionDto>> SuggestionsAsync(string? status, string? warehouse, string? sku, int page, int pageSize,
        CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<PagedResult<ReorderSuggestionDto>>("/api/procurement/reorder-suggestions?" + HttpExtensions.Query(
            ("status", status), ("warehouse", warehouse), ("sku", sku), ("page", page), ("pageSize", pageSize)), TesseraJson.Options, cancellationToken))!;

    public Task<ApiResult<ReorderSuggestionDto>> DismissSuggestionAsync(Guid id, string? reason, CancellationToken cancellationToken) =>
        SendAsync<ReorderSuggestionDto>(HttpMethod.Post, $"/api/procurement/reorder-suggestions/{id}/dismiss", new { reason }, null, null, cancellationToken);

    public async Task<ApiResult<ProcurementSettingsDto>> SaveSettingsAsync(decimal? overReceiptTolerancePercent, long version, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/procurement/settings").WithJson(new { overReceiptTolerancePercent });
        request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{version}\""));
        return await ApiResult<ProcurementSettingsDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }

    public async Task<ProcurementSettingsDto> SettingsAsync(CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<ProcurementSettingsDto>("/api/procurement/settings", TesseraJson.Options, cancellationToken))!;

    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string url, object? body, long? version, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
            request.WithJson(body);
        if (version is not null)
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await http.SendAsync(request, cancellationToken);
        return await ApiResult<T>.ReadAsync(response, cancellationToken);
    }
}
