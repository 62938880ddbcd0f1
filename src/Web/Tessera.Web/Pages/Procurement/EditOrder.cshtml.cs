using Microsoft.AspNetCore.Mvc;
using Tessera.Procurement.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Procurement;

/// <summary>Edits a draft purchase order; the save carries the version it started from, and a newer save by someone else is shown, not overwritten.</summary>
public sealed class EditOrderModel(ProcurementApi procurement, InventoryApi inventory, CatalogApi catalog) : OrderFormPage(procurement, inventory, catalog)
{
    private readonly ProcurementApi _procurement = procurement;

    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public OrderForm Form { get; set; } = new();

    public string Number { get; private set; } = "";
    public Unavailable? Down { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await LoadOrderAsync(cancellationToken) is { } result)
            return result;
        await LoadChoicesAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Form.Compact();
        var result = await Section<ApiResult<PurchaseOrderDto>>.LoadAsync(() => _procurement.ChangeOrderAsync(Id, Form.ToInput(), Form.Version, cancellationToken), Request.Path);
        if (result is { IsUp: true, Value.Succeeded: true })
        {
            TempData["Notice"] = $"Purchase order {result.Value.Value!.Number} was saved.";
            return Redirect($"/procurement/orders/{Id}");
        }
        Problem = result.IsUp ? result.Value!.Problem
            : ProblemExtensions.Local($"{result.Down!.Title} is unavailable; nothing was saved.", "Try again in a moment.");
        if (Problem is { Status: System.Net.HttpStatusCode.PreconditionFailed or System.Net.HttpStatusCode.Conflict })
        {
            var reloaded = await LoadOrderAsync(cancellationToken);
            Problem = ProblemExtensions.Local("This purchase order changed while you were editing it.", Problem.Detail + " Its current version is shown below.");
            if (reloaded is not null)
                return reloaded;
        }
        var order = await Section<PurchaseOrderDto?>.LoadAsync(() => _procurement.OrderAsync(Id, cancellationToken), Request.Path);
        Number = order.Value?.Number ?? "";
        if (Form.Lines.Count == 0)
            Form.Lines.Add(new OrderLineRow());
        await LoadChoicesAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken)
    {
        if (await LoadOrderAsync(cancellationToken) is { } result)
            return result;
        await LoadChoicesAsync(cancellationToken);
        return ProcurementPages.Reload(this, Down ?? Suppliers.Down ?? Warehouses.Down);
    }

    private async Task<IActionResult?> LoadOrderAsync(CancellationToken cancellationToken)
    {
        var order = await Section<PurchaseOrderDto?>.LoadAsync(() => _procurement.OrderAsync(Id, cancellationToken), $"/procurement/orders/{Id}/edit?handler=Reload");
        if (!order.IsUp)
        {
            Down = order.Down;
            return null;
        }
        if (order.Value is null)
            return NotFound();
        if (order.Value.Status != PurchaseOrderStatus.Draft)
        {
            TempData["Notice"] = $"Purchase order {order.Value.Number} is {order.Value.Status}; only drafts can be edited.";
            return Redirect($"/procurement/orders/{Id}");
        }
        Number = order.Value.Number;
        Form = OrderForm.From(order.Value);
        return null;
    }
}
