using System.Net.Http.Headers;
using System.Net.Http.Json;
using Tessera.Logistics.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Web.Services;

public sealed record ShipmentFilter(Guid? OrderId, string? Status, string? Warehouse, string? Carrier, DateTimeOffset? From, DateTimeOffset? To, string? Search);

public sealed record PackageInput(decimal? WeightKg, decimal? LengthCm, decimal? WidthCm, decimal? HeightCm);

public sealed record CarrierInput(string Code, string Name, string TrackingUrlTemplate, IReadOnlyList<string> ServiceLevels, bool IsDefault);

public sealed record ReturnLineInput(string Sku, decimal? Quantity);

public sealed record ReturnInput(Guid OrderId, IReadOnlyList<ReturnLineInput> Lines, string Reason);

public sealed record ReceivedLineInput(string Sku, decimal? Quantity, string Condition);

public sealed record ReceiveInput(string Warehouse, IReadOnlyList<ReceivedLineInput> Lines);

/// <summary>
/// The logistics service for the pages: shipments and their warehouse actions, carriers, tracking updates nobody
/// matched, customer returns. Actions carry the version the user saw (If-Match), so a change made meanwhile is never
/// overwritten: the page gets a 412 and shows the shipment as it is now.
/// </summary>
public sealed class LogisticsApi(HttpClient http)
{
    public async Task<PagedResult<ShipmentSummaryDto>> ShipmentsAsync(ShipmentFilter filter, int page, int pageSize, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<PagedResult<ShipmentSummaryDto>>("/api/logistics/shipments?" + HttpExtensions.Query(
            ("orderId", filter.OrderId), ("status", filter.Status), ("warehouse", filter.Warehouse), ("carrier", filter.Carrier),
            ("from", filter.From?.ToString("O")), ("to", filter.To?.ToString("O")), ("search", filter.Search), ("page", page), ("pageSize", pageSize)),
            TesseraJson.Options, cancellationToken))!;

    public async Task<ShipmentDto?> ShipmentAsync(Guid id, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/logistics/shipments/{id}", cancellationToken)).ReadOrNullAsync<ShipmentDto>(cancellationToken);

    public Task<ApiResult<ShipmentDto>> PickAsync(Guid id, long version, CancellationToken cancellationToken) =>
        ActAsync(id, "pick", new { }, version, cancellationToken);

    public Task<ApiResult<ShipmentDto>> PackAsync(Guid id, IReadOnlyList<PackageInput> packages, long version, CancellationToken cancellationToken) =>
        ActAsync(id, "pack", new { packages }, version, cancellationToken);

    public Task<ApiResult<ShipmentDto>> DispatchAsync(Guid id, string? carrier, string? waybillNumber, long version, CancellationToken cancellationToken) =>
        ActAsync(id, "dispatch", new { carrier, waybillNumber }, version, cancellationToken);

    public Task<ApiResult<ShipmentDto>> ReturnToOriginAsync(Guid id, string? note, long version, CancellationToken cancellationToken) =>
        ActAsync(id, "return-to-origin", new { note }, version, cancellationToken);

    public Task<ApiResult<ShipmentDto>> CancelAsync(Guid id, string reason, long version, CancellationToken cancellationToken) =>
        ActAsync(id, "cancel", new { reason }, version, cancellationToken);

    private async Task<ApiResult<ShipmentDto>> ActAsync(Guid id, string action, object body, long version, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/logistics/shipments/{id}/{action}").WithJson(body);
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        return await ApiResult<ShipmentDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }

    /// <summary>Shipments by id, with their lines, in one call (a batch pick list).</summary>
    public async Task<IReadOnlyList<ShipmentDto>> SelectionAsync(IEnumerable<Guid> ids, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<ShipmentDto>>("/api/logistics/shipments/selection?ids=" + string.Join(',', ids), TesseraJson.Options, cancellationToken))!;

    /// <summary>Picks, packs or dispatches many shipments; each is done on its own and refusals are named.</summary>
    public async Task<ApiResult<ShipmentBatchResultDto>> BatchAsync(string action, IReadOnlyList<Guid> ids, IReadOnlyList<PackageInput>? packages, string? carrier,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/logistics/shipments/batch")
            .WithJson(new { action, shipmentIds = ids, packages, carrier });
        return await ApiResult<ShipmentBatchResultDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<CarrierDto>> CarriersAsync(CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<CarrierDto>>("/api/logistics/carriers", TesseraJson.Options, cancellationToken))!;

    public async Task<ApiResult<CarrierSecretDto>> CreateCarrierAsync(CarrierInput input, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/logistics/carriers").WithJson(input);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await ApiResult<CarrierSecretDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }

    public async Task<ApiResult<CarrierSecretDto>> RotateSecretAsync(string code, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/logistics/carriers/{Uri.EscapeDataString(code)}/rotate-secret").WithJson(new { });
        return await ApiResult<CarrierSecretDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }

    public async Task<PagedResult<UnmatchedTrackingDto>> UnmatchedTrackingAsync(int page, int pageSize, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<PagedResult<UnmatchedTrackingDto>>($"/api/logistics/tracking/unmatched?page={page}&pageSize={pageSize}",
            TesseraJson.Options, cancellationToken))!;

    public async Task<PagedResult<ReturnDto>> ReturnsAsync(Guid? orderId, string? status, int page, int pageSize, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<PagedResult<ReturnDto>>("/api/logistics/returns?" + HttpExtensions.Query(
            ("orderId", orderId), ("status", status), ("page", page), ("pageSize", pageSize)), TesseraJson.Options, cancellationToken))!;

    public async Task<ReturnDto?> ReturnAsync(Guid id, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/logistics/returns/{id}", cancellationToken)).ReadOrNullAsync<ReturnDto>(cancellationToken);

    public async Task<ReturnableDto> ReturnableAsync(Guid orderId, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<ReturnableDto>($"/api/logistics/returns/returnable?orderId={orderId}", TesseraJson.Options, cancellationToken))!;

    public async Task<ApiResult<ReturnDto>> AuthorizeReturnAsync(ReturnInput input, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/logistics/returns").WithJson(input);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await ApiResult<ReturnDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }

    public async Task<ApiResult<ReturnDto>> ReceiveReturnAsync(Guid id, ReceiveInput input, long version, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/logistics/returns/{id}/receive").WithJson(input);
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        return await ApiResult<ReturnDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }
}
