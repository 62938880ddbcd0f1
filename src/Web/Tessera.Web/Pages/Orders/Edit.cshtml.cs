using System.Net;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Inventory.Contracts;
using Tessera.Orders.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Orders;

/// <summary>
/// Edits an order: customer, shipping, lines, handling and the tenant's attributes. The form carries the version it was
/// loaded at (sent as If-Match) and a snapshot of what it showed, so that only the fields the user changed are sent.
/// When someone else changed the order meanwhile (412), the page says so, shows what they changed, and puts the user's
/// changes on top of the current version for them to check and save again; nothing is overwritten silently.
/// </summary>
public sealed class EditModel(OrdersApi orders, InventoryApi inventory) : PageModel
{
    public static readonly LineColumns Columns = new("Unit price", "unitPrice", "/orders/new?handler=Product", Adjustments: true);
    public static readonly string[] ServiceLevels = ["standard", "express", "same-day", "economy", "pickup"];

    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public OrderForm Form { get; set; } = new();
    [BindProperty] public List<LineForm> Lines { get; set; } = [];

    /// <summary>Whether the form offered the lines: not while a line change waits for inventory.</summary>
    [BindProperty] public bool EditLines { get; set; }

    /// <summary>The version the form was loaded at: the change is sent with If-Match on it.</summary>
    [BindProperty] public long Version { get; set; }

    /// <summary>The snapshot of the order as the form showed it (<see cref="OrderSnapshot.ToJson"/>).</summary>
    [BindProperty] public string? Original { get; set; }

    public OrderDto? Order { get; private set; }
    public IReadOnlyList<AttributeDefinitionDto> Definitions { get; private set; } = [];
    public bool AttributesUnavailable { get; private set; }
    public IReadOnlyList<string> Warehouses { get; private set; } = [];
    public ApiProblem? Problem { get; private set; }
    public EditConflict? Conflict { get; private set; }
    public Unavailable? Down { get; private set; }

    /// <summary>Why the order cannot be edited at all, or null.</summary>
    public string? NotEditable => Order switch
    {
        null => null,
        { Archived: true } => $"Order #{Order.Number} is closed and archived; archived orders are read-only.",
        { Status: OrderStatus.Pending or OrderStatus.Confirmed } => null,
        _ => $"Order #{Order.Number} is {Order.Status}; only Pending or Confirmed orders can be changed.",
    };

    public string FormUrl => $"/orders/{Id}/edit?handler=Form";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken) ?? Page();

    /// <summary>The form alone: the retry of an unavailable orders service.</summary>
    public async Task<IActionResult> OnGetFormAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ?? Partial("_EditForm", this);

    /// <summary>One more empty line.</summary>
    public IActionResult OnGetLine()
    {
        var result = Partial("_LineRow", new LineForm());
        result.ViewData["Columns"] = Columns;
        return result;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Lines = LineForm.Sent(Lines);

        var original = OrderSnapshot.FromJson(Original);
        if (original is null)
        {
            // A form without its snapshot (hand-made): compare with the order as it is now, at the version posted.
            if (await LoadOrderAsync(cancellationToken) is { } failed)
                return failed;
            if (Order is null)
                return await ShowAsync(Unavailable, cancellationToken);
            original = Snapshot(Order);
        }
        var mine = OrderSnapshot.Of(Form, EditLines ? Lines : null, original[OrderSnapshot.Lines]);
        var changed = mine.ChangedFrom(original);
        if (changed.Count == 0)
        {
            TempData["Notice"] = "Nothing was changed.";
            return Redirect($"/orders/{Id}");
        }
        if (mine.HasInvalidDeliveryDate)
            return await ShowAsync(ProblemExtensions.Local("Check the requested delivery date.", field: "shipping.requestedDeliveryDate",
                message: "A date such as 2026-12-01."), cancellationToken);

        var result = await Section<ApiResult<OrderDto>>.LoadAsync(() => orders.ChangeAsync(Id, mine.Change(changed), Version, cancellationToken), "");
        if (!result.IsUp)
            return await ShowAsync(Unavailable, cancellationToken);
        if (result.Value!.Succeeded)
        {
            var saved = result.Value.Value!;
            TempData["Notice"] = saved.PendingChange is not null && changed.Contains(OrderSnapshot.Lines)
                ? $"Order #{saved.Number} was saved. The new lines apply once inventory has adjusted the reservation."
                : $"Order #{saved.Number} was saved.";
            return Redirect($"/orders/{Id}");
        }

        var problem = result.Value.Problem!;
        if (problem.Status != HttpStatusCode.PreconditionFailed)
            return await ShowAsync(problem, cancellationToken);

        // Someone else saved first: their version, with the user's own changes re-applied on top of it.
        if (await LoadOrderAsync(cancellationToken) is { } gone)
            return gone;
        if (Order is null)
            return await ShowAsync(Unavailable, cancellationToken);
        var current = Snapshot(Order);
        Conflict = EditConflict.Of(Order, original, current, mine, changed);
        var merged = current.With(mine, changed);
        Form = merged.ToForm();
        EditLines = Order.PendingChange is null;
        Lines = merged.ToLines(Descriptions(Order));
        Version = Order.Version;
        Original = current.ToJson();
        ModelState.Clear();
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        if (await LoadOrderAsync(cancellationToken) is { } result)
            return result;
        if (Order is null)
            return null;
        var snapshot = Snapshot(Order);
        Form = snapshot.ToForm();
        EditLines = Order.PendingChange is null;
        Lines = snapshot.ToLines(Descriptions(Order));
        if (Lines.Count == 0)
            Lines.Add(new LineForm());
        Version = Order.Version;
        Original = snapshot.ToJson();
        return null;
    }

    private static ApiProblem Unavailable => ProblemExtensions.Local("Orders is unavailable; nothing was saved.",
        "Your changes are still in the form: save again in a moment.");

    /// <summary>Shows the form again as posted, with the problem, above the order as it is now.</summary>
    private async Task<IActionResult> ShowAsync(ApiProblem problem, CancellationToken cancellationToken)
    {
        Problem = problem;
        if (Order is null && await LoadOrderAsync(cancellationToken) is { } result)
            return result;
        // The posted form stays on the page even when the order cannot be read now; the problem says why.
        Down = null;
        if (Lines.Count == 0 && EditLines)
            Lines.Add(new LineForm());
        return Page();
    }

    /// <summary>The order, the tenant's attribute definitions and the warehouses to suggest; 404 for an order this user cannot see.</summary>
    private async Task<IActionResult?> LoadOrderAsync(CancellationToken cancellationToken)
    {
        var order = await Section<OrderDto?>.LoadAsync(() => orders.GetAsync(Id, cancellationToken), FormUrl);
        if (!order.IsUp)
        {
            Down = order.Down;
            return null;
        }
        if (order.Value is null)
            return NotFound();
        Order = order.Value;
        var definitions = await Section<IReadOnlyList<AttributeDefinitionDto>>.LoadAsync(() => orders.AttributesAsync(cancellationToken), "");
        (Definitions, AttributesUnavailable) = (definitions.Value ?? [], !definitions.IsUp);
        var warehouses = await Section<IReadOnlyList<WarehouseDto>>.LoadAsync(() => inventory.WarehousesAsync(cancellationToken), "");
        Warehouses = warehouses.Value?.Select(w => w.Code).ToList() ?? [];
        return null;
    }

    private OrderSnapshot Snapshot(OrderDto order) => OrderSnapshot.Of(order, Definitions.Select(d => d.Name));

    private static Dictionary<string, string?> Descriptions(OrderDto order) =>
        order.Lines.GroupBy(l => l.Sku).ToDictionary(g => g.Key, g => g.First().Description, StringComparer.Ordinal);

    public string? AttributeValue(string name) => Form.Attributes.GetValueOrDefault(name);
}
