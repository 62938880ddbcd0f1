using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Orders;

public sealed class IndexModel(OrdersApi orders, IAuthorizationService authorization, Formatting fmt) : PageModel
{
    public const int PageSize = 25;
    public static readonly string[] Channels = ["web", "pos", "api", "marketplace:shopee", "marketplace:lazada", "marketplace:tiki"];

    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Channel { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Search { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int? PageNumber { get; set; }

    public Section<PagedResult<OrderSummaryDto>> Orders { get; private set; } = null!;
    public bool CanSell { get; private set; }

    public Pager Pager => new(Orders.Value!.Page, PageSize, Orders.Value.Total, Link);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        CanSell = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Sell)).Succeeded;
        Orders = await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnGetTableAsync(CancellationToken cancellationToken)
    {
        // The address bar follows the filters, so a reload or a shared link shows the same list.
        Response.Headers["HX-Replace-Url"] = Link(Pager.Clamp(PageNumber));
        Orders = await LoadAsync(cancellationToken);
        return Partial("_OrderTable", this);
    }

    private Task<Section<PagedResult<OrderSummaryDto>>> LoadAsync(CancellationToken cancellationToken)
    {
        // Dates are business days of the tenant: "to" includes the whole day.
        var filter = new OrderFilter(Status, Channel, From is { } f ? fmt.StartOf(f) : null, To is { } t ? fmt.StartOf(t.AddDays(1)) : null, Search);
        return Section<PagedResult<OrderSummaryDto>>.LoadAsync(
            () => orders.ListAsync(filter, Pager.Clamp(PageNumber), PageSize, cancellationToken), "/orders?handler=Table&" + Query(Pager.Clamp(PageNumber)));
    }

    public string Link(int page) => "/orders?" + Query(page);

    private string Query(int page) =>
        ListQuery.Build(page, ("status", Status), ("channel", Channel), ("from", From?.ToString("O")), ("to", To?.ToString("O")), ("search", Search));

    public static string StatusBadge(OrderStatus status) => status switch
    {
        OrderStatus.Confirmed => "text-bg-success",
        OrderStatus.Rejected => "text-bg-danger",
        OrderStatus.Cancelled => "text-bg-secondary",
        _ => "text-bg-warning",
    };
}
