using Microsoft.AspNetCore.Mvc;
using Tessera.Procurement.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Procurement;

/// <summary>A new draft purchase order; the form's Idempotency-Key makes a double submit create it once.</summary>
public sealed class NewOrderModel(ProcurementApi procurement, InventoryApi inventory, CatalogApi catalog) : OrderFormPage(procurement, inventory, catalog)
{
    private readonly ProcurementApi _procurement = procurement;

    [BindProperty] public OrderForm Form { get; set; } = new();
    [BindProperty] public string IdempotencyKey { get; set; } = Guid.NewGuid().ToString();
    [BindProperty(SupportsGet = true)] public Guid? Supplier { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Form = new OrderForm { SupplierId = Supplier, Lines = [new OrderLineRow()] };
        await LoadChoicesAsync(cancellationToken);
    }

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken)
    {
        await LoadChoicesAsync(cancellationToken);
        return ProcurementPages.Reload(this, Suppliers.Down ?? Warehouses.Down);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Form.Compact();
        if (Form.SupplierId is null)
            Problem = ProblemExtensions.Local("Choose the supplier to order from.", field: "supplierId", message: "Choose a supplier.");
        else if (Form.Lines.Count == 0)
            Problem = ProblemExtensions.Local("Add at least one line.", field: "lines", message: "A purchase order needs at least one line.");
        else
        {
            var result = await Section<ApiResult<PurchaseOrderDto>>.LoadAsync(() => _procurement.CreateOrderAsync(Form.ToInput(), IdempotencyKey, cancellationToken), Request.Path);
            if (result is { IsUp: true, Value.Succeeded: true })
            {
                TempData["Notice"] = $"Purchase order {result.Value.Value!.Number} was created as a draft.";
                return Redirect($"/procurement/orders/{result.Value.Value.Id}");
            }
            Problem = result.IsUp ? result.Value!.Problem
                : ProblemExtensions.Local($"{result.Down!.Title} is unavailable; the purchase order was not created.", "Try again in a moment: sending the form again will not create it twice.");
        }
        if (Form.Lines.Count == 0)
            Form.Lines.Add(new OrderLineRow());
        await LoadChoicesAsync(cancellationToken);
        return Page();
    }
}
