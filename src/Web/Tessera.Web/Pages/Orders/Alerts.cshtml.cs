using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Orders;

/// <summary>
/// The fulfilment alerts of the tenant (sales and administrators): orders not dispatched or not delivered in time,
/// failed deliveries, cancellations the goods outran, stock issues inventory could not post. Newest first, paged; an
/// alert that needs a person is resolved here with a note of what was done.
/// </summary>
public sealed class AlertsModel(OrdersApi orders) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true, Name = "page")]
    public int? PageNumber { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool All { get; set; }

    public Section<PagedResult<FulfilmentAlertDto>> Alerts { get; private set; } = null!;
    public ApiProblem? Problem { get; private set; }
    public long? ProblemAlert { get; private set; }

    public string ListUrl(int page) => "/orders/alerts?" + ListQuery.Build(page, ("all", All ? "true" : null));

    public Pager Pager => new(Alerts.Value!.Page, Alerts.Value.PageSize, Alerts.Value.Total, ListUrl);

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    /// <summary>The list alone: the retry of an unavailable orders service.</summary>
    public async Task<IActionResult> OnGetListAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Partial("_AlertList", this);
    }

    public async Task<IActionResult> OnPostResolveAsync(long id, string? note, CancellationToken cancellationToken)
    {
        var result = await Section<ApiResult<FulfilmentAlertDto>>.LoadAsync(() => orders.ResolveAlertAsync(id, note ?? "", cancellationToken), Request.Path);
        if (result.IsUp && result.Value!.Succeeded)
            return Redirect(ListUrl(Pager.Clamp(PageNumber)));
        Problem = result.IsUp ? result.Value!.Problem : ProblemExtensions.Local("Orders is unavailable; the alert was not resolved. Try again in a moment.");
        ProblemAlert = id;
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken) =>
        Alerts = await Section<PagedResult<FulfilmentAlertDto>>.LoadAsync(
            () => orders.AlertsAsync(Pager.Clamp(PageNumber), PageSize, All, cancellationToken), ListUrl(Pager.Clamp(PageNumber)).Replace("?", "?handler=List&", StringComparison.Ordinal));

    public static string KindLabel(string kind) => kind switch
    {
        "dispatch-overdue" => "Not dispatched in time",
        "delivery-overdue" => "Not delivered in time",
        "delivery-failed" => "Delivery failed",
        "cancellation-failed" => "Left despite cancellation",
        "shipment-cancelled" => "Shipment cancelled",
        "stock-issue-failed" => "Stock issue failed",
        "reservation-expired" => "Reservation expired",
        _ => kind,
    };
}
