using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Inventory.Contracts;
using Tessera.Orders.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Orders;

/// <summary>
/// One order in the unified model: lines with discounts and tax, totals, customer, shipping, marketing, payment,
/// operational details and the tenant's own attributes; and a live part (status, fulfilment with its shipments, alerts
/// and compensations, timeline, a line change waiting for inventory, reservations, cancel) that refreshes itself while
/// something is still to happen — a dispatch made on the shipment's page shows up here without a reload. Reservations
/// come from inventory and degrade on their own. An archived order is shown read-only.
/// </summary>
public sealed class DetailsModel(OrdersApi orders, InventoryApi inventory, IAuthorizationService authorization) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public Section<OrderDto?> Order { get; private set; } = null!;
    public Section<IReadOnlyList<ReservationDto>> Reservations { get; private set; } = null!;
    public IReadOnlyDictionary<string, AttributeDefinitionDto> Definitions { get; private set; } = new Dictionary<string, AttributeDefinitionDto>();
    public bool CanSell { get; private set; }
    public ApiProblem? CancelProblem { get; private set; }

    public OrderDto Value => Order.Value!;
    public bool IsEditable => !Value.Archived && Value.Status is OrderStatus.Pending or OrderStatus.Confirmed;
    public bool CanCancel => CanSell && IsEditable;
    public bool CanEdit => CanSell && IsEditable;

    /// <summary>Something is still to happen that another service decides: inventory confirming the order, or answering a line change.</summary>
    public bool IsSettling => !Value.Archived && (Value.Status == OrderStatus.Pending || Value.PendingChange is not null);

    /// <summary>
    /// The goods are still on their way, or the fulfilment waits for a compensation, a return or a person (an open
    /// alert): steps reported by inventory and logistics keep coming.
    /// </summary>
    public bool IsFulfilling => !Value.Archived && (Value.Status is OrderStatus.Confirmed or OrderStatus.Dispatched || Value.Fulfilment is { } fulfilment &&
        (fulfilment.Compensations.Any(c => c.Status == "Awaited") || fulfilment.Alerts.Any(a => a.ClearedAt is null) || fulfilment.Returns.Any(r => r.ReceivedAt is null)));

    /// <summary>How often the live part refreshes itself, or null when nothing is expected.</summary>
    public string? PollEvery => IsSettling ? "every 1s" : IsFulfilling ? "every 2s" : null;

    /// <summary>The live part's own address: it names the line change it waits for, so that it knows when that was decided.</summary>
    public string LiveUrl => $"/orders/{Id}?handler=Live" + (Value.PendingChange is { } pending ? $"&awaiting={pending.Id}" : "");

    /// <summary>The story of the order: every status change, edit and report; orders from before the timeline show their status history.</summary>
    public IReadOnlyList<TimelineEntryDto> Timeline => Value.Timeline is { Count: > 0 } timeline
        ? timeline
        : Value.History.Select(h => new TimelineEntryDto(h.At, "status", h.By, h.Reason is null ? h.Status.ToString() : $"{h.Status}: {h.Reason}")).ToList();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await LoadAsync(cancellationToken) is { } result)
            return result;
        if (Order.IsUp && Value.Attributes is { Count: > 0 })
            Definitions = ((await Section<IReadOnlyList<AttributeDefinitionDto>>.LoadAsync(() => orders.AttributesAsync(cancellationToken), "")).Value ?? [])
                .ToDictionary(d => d.Name);
        return Page();
    }

    /// <summary>
    /// The live part alone: polled while the order settles, and the retry of an unavailable orders service. When the
    /// line change it waited for was applied or refused, the lines and totals outside it changed too: the page reloads.
    /// </summary>
    public async Task<IActionResult> OnGetLiveAsync(Guid? awaiting, CancellationToken cancellationToken)
    {
        if (await LoadAsync(cancellationToken) is { } result)
            return result;
        if (awaiting is { } change && Order.IsUp && Value.PendingChange?.Id != change)
            Response.Headers["HX-Refresh"] = "true";
        return Partial("_OrderLive", this);
    }

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
            Reservations = Value.Archived
                ? new Section<IReadOnlyList<ReservationDto>>([], null)
                : await LoadReservationsAsync(cancellationToken);
        return null;
    }

    private Task<Section<IReadOnlyList<ReservationDto>>> LoadReservationsAsync(CancellationToken cancellationToken) =>
        Section<IReadOnlyList<ReservationDto>>.LoadAsync(() => inventory.ReservationsAsync(Id, cancellationToken), $"/orders/{Id}?handler=Reservations");

    public string AttributeLabel(string name) => Definitions.TryGetValue(name, out var definition) ? definition.Label : name;

    public string AttributeValue(string name, string value) => Definitions.TryGetValue(name, out var definition) && definition.Type == "boolean"
        ? value == "true" ? "Yes" : "No"
        : value;

    public static string TimelineKind(string kind) => kind switch
    {
        "status" => "Status",
        "change" => "Edit",
        "report" => "Report",
        "fulfilment" => "Fulfilment",
        "alert" => "Alert",
        _ => kind,
    };

    /// <summary>A state in words: PartiallyDispatched → "Partially dispatched".</summary>
    public static string Words(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));

    public static string StateBadge(FulfilmentState state) => state switch
    {
        FulfilmentState.Completed => "text-bg-dark",
        FulfilmentState.Cancelled => "text-bg-secondary",
        FulfilmentState.DeliveryFailed => "text-bg-danger",
        FulfilmentState.PartiallyReturned or FulfilmentState.Returned or FulfilmentState.ReturnedToOrigin => "text-bg-info",
        FulfilmentState.Reserved or FulfilmentState.ShipmentRequested => "text-bg-warning",
        _ => "text-bg-primary",
    };

    public static string ShipmentBadge(FulfilmentShipmentStatus status) => status switch
    {
        FulfilmentShipmentStatus.Delivered => "text-bg-success",
        FulfilmentShipmentStatus.DeliveryFailed => "text-bg-danger",
        FulfilmentShipmentStatus.Cancelled => "text-bg-secondary",
        FulfilmentShipmentStatus.ReturnedToOrigin => "text-bg-info",
        FulfilmentShipmentStatus.Dispatched or FulfilmentShipmentStatus.InTransit => "text-bg-primary",
        _ => "text-bg-light border",
    };

    /// <summary>The time of a shipment's latest step, for the table.</summary>
    public static DateTimeOffset? LatestStep(FulfilmentShipmentDto s) =>
        new[] { s.CreatedAt, s.PickedAt, s.PackedAt, s.DispatchedAt, s.InTransitAt, s.DeliveryFailedAt, s.DeliveredAt, s.ReturnedAt, s.CancelledAt }.Max();
}
