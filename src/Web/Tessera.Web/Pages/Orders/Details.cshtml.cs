using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Inventory.Contracts;
using Tessera.Orders.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Orders;

/// <summary>
/// One order: lines and customer, and a live part (status, timeline, reservations, cancel) that refreshes itself while
/// the order is Pending. Reservations come from inventory and degrade on their own.
/// </summary>
public sealed class DetailsModel(OrdersApi orders, InventoryApi inventory, IAuthorizationService authorization) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public Section<OrderDto?> Order { get; private set; } = null!;
    public Section<IReadOnlyList<ReservationDto>> Reservations { get; private set; } = null!;
    public bool CanSell { get; private set; }
    public ApiProblem? CancelProblem { get; private set; }

    public OrderDto Value => Order.Value!;
    public bool IsPending => Value.Status == OrderStatus.Pending;
    public bool CanCancel => CanSell && Value.Status is OrderStatus.Pending or OrderStatus.Confirmed;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ?? Page();

    /// <summary>The live part alone: polled while Pending, and the retry of an unavailable orders service.</summary>
    public async Task<IActionResult> OnGetLiveAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ?? Partial("_OrderLive", this);

    public async Task<IActionResult> OnGetReservationsAsync(CancellationToken cancellationToken)
    {
        // Only for an order this user can see; inventory alone would answer an empty list for anyone's order id.
        var order = await Section<OrderDto?>.LoadAsync(() => orders.GetAsync(Id, cancellationToken), $"/orders/{Id}?handler=Reservations");
        if (order.IsUp && order.Value is null)
            return NotFound();
        Reservations = await LoadReservationsAsync(cancellationToken);
        return Partial("_OrderReservations", this);
    }

    public async Task<IActionResult> OnPostCancelAsync(string? reason, long version, CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Sell)).Succeeded)
            return Forbid();
        var result = await Section<ApiResult<OrderDto>>.LoadAsync(() => orders.CancelAsync(Id, reason ?? "", version, cancellationToken), Request.Path);
        if (result.IsUp && result.Value!.Succeeded)
            return Redirect($"/orders/{Id}");

        CancelProblem = result.IsUp
            ? result.Value!.Problem
            : ProblemExtensions.Local("Orders is unavailable; the order was not cancelled. Try again in a moment.");
        if (CancelProblem.IsConflict() && CancelProblem!.Status == System.Net.HttpStatusCode.PreconditionFailed)
            CancelProblem = ProblemExtensions.Local("The order changed while you were looking at it.", "Its current state is shown below; cancel again if you still want to.");
        return await LoadAsync(cancellationToken) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        CanSell = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Sell)).Succeeded;
        Order = await Section<OrderDto?>.LoadAsync(() => orders.GetAsync(Id, cancellationToken), $"/orders/{Id}?handler=Live");
        if (Order.IsUp && Order.Value is null)
            return NotFound();
        if (Order.IsUp)
            Reservations = await LoadReservationsAsync(cancellationToken);
        return null;
    }

    private Task<Section<IReadOnlyList<ReservationDto>>> LoadReservationsAsync(CancellationToken cancellationToken) =>
        Section<IReadOnlyList<ReservationDto>>.LoadAsync(() => inventory.ReservationsAsync(Id, cancellationToken), $"/orders/{Id}?handler=Reservations");
}
