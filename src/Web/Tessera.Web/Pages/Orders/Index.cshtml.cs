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
public sealed class IndexModel(OrdersApi orders, IAuthorizationService authorization, Formatting fmt) : PageModel
{
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
