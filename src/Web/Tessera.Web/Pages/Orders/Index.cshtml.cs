using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Orders.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Orders;

/// <summary>
/// Order search: every filter of the orders service's search, kept in the query string so that a search is a link to
/// share. Paging is keyset (a cursor to the next page, and back to the first), as the search read model pages.
/// </summary>
public sealed class IndexModel(OrdersApi orders, OrderExportsApi exports, IAuthorizationService authorization, Formatting fmt) : PageModel
{
    /// <summary>The orders ticked for a bulk action.</summary>
    [BindProperty] public List<Guid> Ids { get; set; } = [];
    [BindProperty] public string? BulkAction { get; set; }
    [BindProperty] public string? BulkReason { get; set; }
    [BindProperty] public string? BulkTags { get; set; }

    public BulkResultDto? BulkResult { get; private set; }
    public ApiProblem? BulkProblem { get; private set; }
    public const int DefaultLimit = 25;
    public const string DefaultSort = "-placedAt";
    public const string AttributePrefix = "attr.";
    public static readonly int[] Limits = [25, 50, 100];
    public static readonly string[] Channels = ["web", "pos", "api", "import", "marketplace:shopee", "marketplace:lazada", "marketplace:tiki"];

    public static readonly (string Value, string Label)[] Sorts =
    [
        ("-placedAt", "Newest first"), ("placedAt", "Oldest first"), ("-number", "Number, highest first"), ("number", "Number, lowest first"),
        ("-total", "Total, highest first"), ("total", "Total, lowest first"),
    ];

    [BindProperty(SupportsGet = true, Name = "q")] public string? Text { get; set; }
    [BindProperty(SupportsGet = true, Name = "status")] public List<string> Statuses { get; set; } = [];
    [BindProperty(SupportsGet = true)] public string? Channel { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Sku { get; set; }
    [BindProperty(SupportsGet = true)] public string? Tag { get; set; }
    [BindProperty(SupportsGet = true)] public string? Phone { get; set; }
    [BindProperty(SupportsGet = true)] public string? Email { get; set; }
    [BindProperty(SupportsGet = true)] public string? Sort { get; set; }
    [BindProperty(SupportsGet = true)] public int? Limit { get; set; }
    [BindProperty(SupportsGet = true)] public string? After { get; set; }
    [BindProperty(SupportsGet = true)] public bool IncludeArchived { get; set; }

    /// <summary>attr.&lt;name&gt;=value filters, by attribute name.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; private set; } = new Dictionary<string, string>();

    public Section<ApiResult<OrderSearchPageDto>> Results { get; private set; } = null!;
    public IReadOnlyList<AttributeDefinitionDto> Definitions { get; private set; } = [];
    public bool CanSell { get; private set; }

    public OrderSearchPageDto? Found => Results is { IsUp: true, Value.Succeeded: true } ? Results.Value.Value : null;
    public ApiProblem? SearchProblem => Results is { IsUp: true } ? Results.Value!.Problem : null;
    public int PageSize => Math.Clamp(Limit ?? DefaultLimit, 1, 200);
    public string SortOrDefault => string.IsNullOrEmpty(Sort) ? DefaultSort : Sort;
    public string? Status => Statuses.Count == 0 ? null : string.Join(',', Statuses);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        CanSell = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Sell)).Succeeded;
        Results = await LoadAsync(cancellationToken);
        // The inputs for the tenant's own fields; without them (orders down) the list says why anyway.
        if (Results.IsUp)
            Definitions = (await Section<IReadOnlyList<AttributeDefinitionDto>>.LoadAsync(() => orders.AttributesAsync(cancellationToken), "")).Value ?? [];
    }

    /// <summary>Every order of this search as CSV, streamed from the orders service (a hundred thousand orders never sit in memory here).</summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken cancellationToken)
    {
        Normalize();
        await exports.StreamAsync(ExportQuery(), Response, cancellationToken);
        return new EmptyResult();
    }

    /// <summary>Cancel, tag or export the ticked orders; each order is done on its own and those refused are named.</summary>
    public async Task<IActionResult> OnPostBulkAsync(CancellationToken cancellationToken)
    {
        CanSell = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Sell)).Succeeded;
        if (Ids.Count == 0)
            BulkProblem = ProblemExtensions.Local("Select at least one order.");
        else if (BulkAction == "export")
        {
            // The ticked orders are on the page the form was posted from (its address holds the search): read that page once.
            Results = await LoadAsync(cancellationToken);
            var onPage = (Found?.Items ?? []).Where(o => Ids.Contains(o.Id)).ToList();
            // Ticked after the filters changed in place: the few not on the page read are read one by one (a page holds at most 200).
            foreach (var missing in Ids.Distinct().Except(onPage.Select(o => o.Id)).Take(200))
                if (await orders.GetAsync(missing, cancellationToken) is { } o)
                    onPage.Add(new OrderSummaryDto(o.Id, o.Number, o.Status, o.Channel, o.ExternalRef, o.Currency, o.Total, o.Lines.Count, o.PlacedAt,
                        o.Operational?.Tags));
            var selected = onPage.Select(o => (IReadOnlyList<string?>)
            [
                o.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), CsvExport.Moment(o.PlacedAt), o.Status.ToString(), o.Channel, o.ExternalRef,
                o.Currency, CsvExport.Number(o.Total), string.Join(';', o.Tags ?? []),
            ]).ToAsyncEnumerable();
            return await CsvExport.WriteAsync(Response, "orders-selected.csv", ["number", "placed_at", "status", "channel", "external_ref", "currency", "total", "tags"],
                selected, cancellationToken);
        }
        else if (!CanSell)
            return Forbid();
        else if (BulkAction is not ("cancel" or "tag"))
            BulkProblem = ProblemExtensions.Local("Choose what to do with the selected orders.");
        else
        {
            var tags = (BulkTags ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var result = await Section<ApiResult<BulkResultDto>>.LoadAsync(
                () => orders.BulkAsync(BulkAction, Ids, BulkReason?.Trim() ?? "", tags, cancellationToken), "");
            if (!result.IsUp)
                BulkProblem = ProblemExtensions.Local("Orders is unavailable; nothing was done.", "Try again in a moment.");
            else if (!result.Value!.Succeeded)
                BulkProblem = result.Value.Problem;
            else
                BulkResult = result.Value.Value;
        }
        Results = await LoadAsync(cancellationToken);
        if (Results.IsUp)
            Definitions = (await Section<IReadOnlyList<AttributeDefinitionDto>>.LoadAsync(() => orders.AttributesAsync(cancellationToken), "")).Value ?? [];
        return Page();
    }

    public string ExportLink => "/orders?handler=Export" + (Query(null) is { Length: > 0 } q ? "&" + q : "");

    /// <summary>The search as the orders service takes it (dates as the tenant's business days), without paging.</summary>
    private string ExportQuery() => ListQuery.Of(
    [
        ("q", Text), ("status", Status), ("channel", Channel), ("from", From is { } f ? fmt.StartOf(f).ToString("O") : null),
        ("to", To is { } t ? fmt.StartOf(t.AddDays(1)).ToString("O") : null), ("sku", Sku), ("tag", Tag), ("phone", Phone), ("email", Email),
        .. Attributes.Select(a => (AttributePrefix + a.Key, (string?)a.Value)), ("sort", Sort), ("includeArchived", IncludeArchived ? "true" : null),
    ]);

    /// <summary>The results alone: what the filters, the pager and the retry of an unavailable orders service fetch.</summary>
    public async Task<IActionResult> OnGetTableAsync(CancellationToken cancellationToken)
    {
        // The address bar follows the filters, so a reload or a shared link shows the same list.
        Response.Headers["HX-Replace-Url"] = Link(After);
        Results = await LoadAsync(cancellationToken);
        return Partial("_OrderTable", this);
    }

    private Task<Section<ApiResult<OrderSearchPageDto>>> LoadAsync(CancellationToken cancellationToken)
    {
        Normalize();
        // Dates are business days of the tenant: "to" includes the whole day.
        var search = new OrderSearch(Text, Statuses, Channel, From is { } f ? fmt.StartOf(f) : null, To is { } t ? fmt.StartOf(t.AddDays(1)) : null,
            Sku, Tag, Attributes, Phone, Email, Sort, PageSize, After, IncludeArchived);
        return Section<ApiResult<OrderSearchPageDto>>.LoadAsync(() => orders.SearchAsync(search, cancellationToken), TableLink(After));
    }

    /// <summary>Blank filters are no filters; statuses may come as status=a&amp;status=b or status=a,b; ?search= is the old name of q.</summary>
    private void Normalize()
    {
        static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        Text = Clean(Text) ?? Clean(Request.Query["search"]);
        Statuses = Statuses.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        (Channel, Sku, Tag, Phone, Email, Sort, After) = (Clean(Channel), Clean(Sku), Clean(Tag), Clean(Phone), Clean(Email), Clean(Sort), Clean(After));
        Attributes = Request.Query
            .Where(q => q.Key.StartsWith(AttributePrefix, StringComparison.Ordinal) && q.Key.Length > AttributePrefix.Length && Clean(q.Value) is not null)
            .ToDictionary(q => q.Key[AttributePrefix.Length..], q => Clean(q.Value)!, StringComparer.Ordinal);
    }

    public bool HasStatus(OrderStatus status) => Statuses.Contains(status.ToString(), StringComparer.OrdinalIgnoreCase);

    public string? AttributeValue(string name) => Attributes.GetValueOrDefault(name);

    /// <summary>This search from the page after <paramref name="after"/> (null: the first page).</summary>
    public string Link(string? after) => "/orders" + (Query(after) is { Length: > 0 } q ? "?" + q : "");

    public string TableLink(string? after) => "/orders?handler=Table" + (Query(after) is { Length: > 0 } q ? "&" + q : "");

    private string Query(string? after) => ListQuery.Of(
    [
        ("q", Text), ("status", Status), ("channel", Channel), ("from", From?.ToString("O")), ("to", To?.ToString("O")), ("sku", Sku), ("tag", Tag),
        ("phone", Phone), ("email", Email),
        .. Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => (AttributePrefix + a.Key, (string?)a.Value)),
        ("sort", SortOrDefault == DefaultSort ? null : Sort), ("limit", PageSize == DefaultLimit ? null : PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("includeArchived", IncludeArchived ? "true" : null), ("after", after),
    ]);

    public static string StatusBadge(OrderStatus status) => status switch
    {
        OrderStatus.Confirmed => "text-bg-success",
        OrderStatus.Dispatched => "text-bg-primary",
        OrderStatus.Completed => "text-bg-dark",
        OrderStatus.PartiallyReturned or OrderStatus.Returned => "text-bg-info",
        OrderStatus.Rejected => "text-bg-danger",
        OrderStatus.Cancelled => "text-bg-secondary",
        _ => "text-bg-warning",
    };
}
