using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Web.Services;

public sealed record OrderFilter(string? Status, string? Channel, DateTimeOffset? From, DateTimeOffset? To, string? Search);

/// <summary>An order search as the orders service takes it; Attributes are attr.&lt;name&gt;=value filters.</summary>
public sealed record OrderSearch(
    string? Text = null,
    IReadOnlyList<string>? Statuses = null,
    string? Channel = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? Sku = null,
    string? Tag = null,
    IReadOnlyDictionary<string, string>? Attributes = null,
    string? Phone = null,
    string? Email = null,
    string? Sort = null,
    int? Limit = null,
    string? After = null,
    bool IncludeArchived = false);

public sealed record OrderInput(string Channel, string? ExternalRef, string? Currency, OrderCustomerInput? Customer, IReadOnlyList<OrderLineInput> Lines,
    Guid? CustomerId = null);

public sealed record CustomerAddressInput(string? Label, string? Consignee, string? Phone, AddressInput Address);

public sealed record CustomerInput(string Name, string? Phone, string? Email, string? Reference, string? Notes, IReadOnlyList<CustomerAddressInput> Addresses);

public sealed record OrderCustomerInput(string Name, string? Phone, string? Email, string? Reference = null);

public sealed record OrderLineInput(string Sku, decimal? Quantity, decimal? UnitPrice, decimal? Discount = null, decimal? TaxRate = null);

public sealed record AddressInput(string? Line1, string? Line2, string? Ward, string? District, string? City, string? Province, string? PostalCode, string Country);

public sealed record ShippingInput(string? Consignee, string? Phone, AddressInput? Address, DateOnly? RequestedDeliveryDate, string? ServiceLevel);

public sealed record OperationalInput(string? PreferredWarehouse, string? Notes, IReadOnlyList<string> Tags);

/// <summary>The parts of an order to change; a part left null stays as it is. Attributes replace all of the order's attributes.</summary>
public sealed record OrderChange(
    OrderCustomerInput? Customer = null,
    ShippingInput? Shipping = null,
    IReadOnlyList<OrderLineInput>? Lines = null,
    OperationalInput? Operational = null,
    IReadOnlyDictionary<string, string>? Attributes = null);

public sealed record AttributeDefinitionInput(string Label, string Type, bool Required, IReadOnlyList<string> AllowedValues);

public sealed class OrdersApi(HttpClient http)
{
    public async Task<PagedResult<OrderSummaryDto>> ListAsync(OrderFilter filter, int page, int pageSize, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<PagedResult<OrderSummaryDto>>("/api/orders?" + HttpExtensions.Query(
            ("status", filter.Status), ("channel", filter.Channel), ("from", filter.From?.ToString("O")), ("to", filter.To?.ToString("O")),
            ("search", filter.Search), ("page", page), ("pageSize", pageSize)), TesseraJson.Options, cancellationToken))!;

    /// <summary>One page of a search; a filter the service refuses (too short a text, a stale cursor) comes back as its problem.</summary>
    public async Task<ApiResult<OrderSearchPageDto>> SearchAsync(OrderSearch search, CancellationToken cancellationToken)
    {
        var parameters = new List<(string, object?)>
        {
            ("q", search.Text), ("status", search.Statuses is { Count: > 0 } s ? string.Join(',', s) : null), ("channel", search.Channel),
            ("from", search.From?.ToString("O")), ("to", search.To?.ToString("O")), ("sku", search.Sku), ("tag", search.Tag),
            ("phone", search.Phone), ("email", search.Email), ("sort", search.Sort), ("limit", search.Limit), ("after", search.After),
            ("includeArchived", search.IncludeArchived ? "true" : null),
        };
        foreach (var (name, value) in search.Attributes ?? new Dictionary<string, string>())
            parameters.Add(("attr." + name, value));
        using var response = await http.GetAsync("/api/orders/search?" + HttpExtensions.Query([.. parameters]), cancellationToken);
        return await ApiResult<OrderSearchPageDto>.ReadAsync(response, cancellationToken);
    }

    public async Task<OrderDto?> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/orders/{id}", cancellationToken)).ReadOrNullAsync<OrderDto>(cancellationToken);

    public async Task<ApiResult<OrderCreatedDto>> PlaceAsync(OrderInput input, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders").WithJson(input);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await ApiResult<OrderCreatedDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }

    /// <summary>Changes the order only if it is still at <paramref name="version"/> (If-Match): 412 when someone changed it meanwhile, 409 when it can no longer change.</summary>
    public async Task<ApiResult<OrderDto>> ChangeAsync(Guid id, OrderChange change, long version, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/orders/{id}").WithJson(change);
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        return await ApiResult<OrderDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }

    public async Task<ApiResult<OrderDto>> CancelAsync(Guid id, string reason, long version, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/orders/{id}/cancel").WithJson(new { reason });
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        return await ApiResult<OrderDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }

    /// <summary>Fulfilment alerts, newest first: the open ones, or every one with <paramref name="includeCleared"/>.</summary>
    public async Task<PagedResult<FulfilmentAlertDto>> AlertsAsync(int page, int pageSize, bool includeCleared, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<PagedResult<FulfilmentAlertDto>>("/api/orders/fulfilment/alerts?" + HttpExtensions.Query(
            ("page", page), ("pageSize", pageSize), ("includeCleared", includeCleared ? "true" : null)), TesseraJson.Options, cancellationToken))!;

    /// <summary>Clears an open alert with a note of what was done.</summary>
    public async Task<ApiResult<FulfilmentAlertDto>> ResolveAlertAsync(long id, string note, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/orders/fulfilment/alerts/{id}/resolve").WithJson(new { note });
        return await ApiResult<FulfilmentAlertDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }

    /// <summary>Orders and revenue per business day of the tenant's time zone, from <paramref name="from"/> to <paramref name="to"/> inclusive.</summary>
    public async Task<IReadOnlyList<DailyOrdersDto>> DailyAsync(DateOnly from, DateOnly to, string timeZone, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<DailyOrdersDto>>("/api/orders/daily?" + HttpExtensions.Query(
            ("from", from.ToString("O")), ("to", to.ToString("O")), ("timeZone", timeZone)), TesseraJson.Options, cancellationToken))!;

    /// <summary>The tenant's own order fields (extension attributes), by name.</summary>
    public async Task<IReadOnlyList<AttributeDefinitionDto>> AttributesAsync(CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<AttributeDefinitionDto>>("/api/orders/attributes", TesseraJson.Options, cancellationToken))!;

    public async Task<ApiResult<AttributeDefinitionDto>> SaveAttributeAsync(string name, AttributeDefinitionInput input, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/orders/attributes/{Uri.EscapeDataString(name)}").WithJson(input);
        return await ApiResult<AttributeDefinitionDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }

    /// <summary>Removes a definition; null when it was removed (or was already gone), else the problem.</summary>
    public async Task<ApiProblem?> DeleteAttributeAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await http.DeleteAsync($"/api/orders/attributes/{Uri.EscapeDataString(name)}", cancellationToken);
        return response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound ? null : await ApiProblem.ReadAsync(response, cancellationToken);
    }

    public async Task<PagedResult<CustomerDetailsDto>> CustomersAsync(string? q, int page, int pageSize, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("/api/orders/customers?" + HttpExtensions.Query(("q", q), ("page", page), ("pageSize", pageSize)), cancellationToken);
        // A search the service cannot read (a single letter) is no match, not an error page.
        if (response.StatusCode == HttpStatusCode.BadRequest)
            return new PagedResult<CustomerDetailsDto>([], page, pageSize, 0);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<PagedResult<CustomerDetailsDto>>(TesseraJson.Options, cancellationToken))!;
    }

    public async Task<CustomerDetailsDto?> CustomerAsync(Guid id, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/orders/customers/{id}", cancellationToken)).ReadOrNullAsync<CustomerDetailsDto>(cancellationToken);

    public async Task<OrderSearchPageDto?> CustomerOrdersAsync(Guid id, string? after, int limit, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/orders/customers/{id}/orders?" + HttpExtensions.Query(("after", after), ("limit", limit)), cancellationToken))
            .ReadOrNullAsync<OrderSearchPageDto>(cancellationToken);

    public async Task<ApiResult<CustomerDetailsDto>> CreateCustomerAsync(CustomerInput input, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders/customers").WithJson(input);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await ApiResult<CustomerDetailsDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }

    public async Task<ApiResult<CustomerDetailsDto>> UpdateCustomerAsync(Guid id, CustomerInput input, long version, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/orders/customers/{id}").WithJson(input);
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        return await ApiResult<CustomerDetailsDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }

    public async Task<ApiResult<CustomerDetailsDto>> MergeCustomersAsync(Guid id, IReadOnlyList<Guid> duplicates, long version, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/orders/customers/{id}/merge").WithJson(new { duplicates });
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        return await ApiResult<CustomerDetailsDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }

    /// <summary>Cancels or tags many orders; each is done on its own and refusals are named.</summary>
    public async Task<ApiResult<BulkResultDto>> BulkAsync(string action, IReadOnlyList<Guid> ids, string? reason, IReadOnlyList<string>? tags,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/orders/bulk/{action}").WithJson(new { orderIds = ids, reason, tags });
        return await ApiResult<BulkResultDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// The orders of a search as CSV, streamed: the answer is handed on as it arrives, never held whole here (a
    /// hundred thousand orders are tens of megabytes). The caller disposes the response.
    /// </summary>
    public async Task<HttpResponseMessage> ExportAsync(string query, CancellationToken cancellationToken) =>
        await http.GetAsync("/api/orders/export?" + query, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    /// <summary>The columns of an import file and the other names of the format; null from an orders service older than the endpoint.</summary>
    public async Task<OrderImportFormatDto?> ImportFormatAsync(CancellationToken cancellationToken) =>
        await (await http.GetAsync("/api/orders/imports/format", cancellationToken)).ReadOrNullAsync<OrderImportFormatDto>(cancellationToken);

    /// <summary>The latest imports, newest first.</summary>
    public async Task<IReadOnlyList<OrderImportDto>> ImportsAsync(int limit, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<OrderImportDto>>($"/api/orders/imports?limit={limit}", TesseraJson.Options, cancellationToken))!;

    public async Task<OrderImportDto?> ImportAsync(Guid id, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/orders/imports/{id}", cancellationToken)).ReadOrNullAsync<OrderImportDto>(cancellationToken);

    /// <summary>Rejected rows of an import after row <paramref name="after"/>, by row number; null for an import this tenant does not have.</summary>
    public async Task<ImportRejectionPageDto?> RejectionsAsync(Guid id, int? after, int limit, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/orders/imports/{id}/rejections?" + HttpExtensions.Query(("after", after), ("limit", limit)), cancellationToken))
            .ReadOrNullAsync<ImportRejectionPageDto>(cancellationToken);
}

/// <summary>
/// Uploads of import files, apart from <see cref="OrdersApi"/> because they need another resilience pipeline: a file
/// of up to 100 MB may take minutes to arrive from the browser, and a stream that was half sent cannot be retried.
/// The body is streamed through, never buffered here: the file holds personal data and must not land in a temporary file.
/// </summary>
public sealed class OrderUploadsApi(HttpClient http)
{
    public const string Pipeline = "orders-uploads";

    /// <summary>No retries (the stream is read once), and time for a large file to come through.</summary>
    public static readonly Tessera.ServiceDefaults.Http.ResilienceSettings Resilience = new()
    {
        MaxRetries = 0,
        AttemptTimeout = TimeSpan.FromMinutes(15),
        TotalTimeout = TimeSpan.FromMinutes(15),
    };

    public async Task<ApiResult<OrderImportDto>> UploadAsync(Stream file, string fileName, CancellationToken cancellationToken)
    {
        using var content = new MultipartFormDataContent();
        var part = new StreamContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Add(part, "file", fileName);
        using var response = await http.PostAsync("/api/orders/imports", content, cancellationToken);
        return await ApiResult<OrderImportDto>.ReadAsync(response, cancellationToken);
    }
}
