using System.Net.Http.Headers;
using System.Net.Http.Json;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Web.Services;

public sealed record OrderFilter(string? Status, string? Channel, DateTimeOffset? From, DateTimeOffset? To, string? Search);

public sealed record OrderInput(string Channel, string? ExternalRef, string? Currency, OrderCustomerInput Customer, IReadOnlyList<OrderLineInput> Lines);

public sealed record OrderCustomerInput(string Name, string? Phone, string? Email);

public sealed record OrderLineInput(string Sku, decimal? Quantity, decimal? UnitPrice);

public sealed class OrdersApi(HttpClient http)
{
    public async Task<PagedResult<OrderSummaryDto>> ListAsync(OrderFilter filter, int page, int pageSize, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<PagedResult<OrderSummaryDto>>("/api/orders?" + HttpExtensions.Query(
            ("status", filter.Status), ("channel", filter.Channel), ("from", filter.From?.ToString("O")), ("to", filter.To?.ToString("O")),
            ("search", filter.Search), ("page", page), ("pageSize", pageSize)), TesseraJson.Options, cancellationToken))!;

    public async Task<OrderDto?> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/orders/{id}", cancellationToken)).ReadOrNullAsync<OrderDto>(cancellationToken);

    public async Task<ApiResult<OrderCreatedDto>> PlaceAsync(OrderInput input, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders").WithJson(input);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await ApiResult<OrderCreatedDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }

    public async Task<ApiResult<OrderDto>> CancelAsync(Guid id, string reason, long version, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/orders/{id}/cancel").WithJson(new { reason });
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        return await ApiResult<OrderDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }

    /// <summary>Orders and revenue per business day of the tenant's time zone, from <paramref name="from"/> to <paramref name="to"/> inclusive.</summary>
    public async Task<IReadOnlyList<DailyOrdersDto>> DailyAsync(DateOnly from, DateOnly to, string timeZone, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<DailyOrdersDto>>("/api/orders/daily?" + HttpExtensions.Query(
            ("from", from.ToString("O")), ("to", to.ToString("O")), ("timeZone", timeZone)), TesseraJson.Options, cancellationToken))!;
}
