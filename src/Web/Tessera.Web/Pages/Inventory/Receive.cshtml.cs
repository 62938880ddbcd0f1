using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Inventory.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Inventory;

/// <summary>Receives goods into a warehouse; the form's Idempotency-Key makes a double submit receive them once.</summary>
public sealed class ReceiveModel(InventoryApi inventory, CatalogApi catalog) : PageModel
{
    public static readonly LineColumns Columns = new("Unit cost", "unitCost", "/inventory/receive?handler=Product");

    [BindProperty] public string Warehouse { get; set; } = "";
    [BindProperty] public string? Reference { get; set; }
    [BindProperty] public List<LineForm> Lines { get; set; } = [];
    [BindProperty] public string IdempotencyKey { get; set; } = Guid.NewGuid().ToString();

    public Section<IReadOnlyList<WarehouseDto>> Warehouses { get; private set; } = null!;
    public ApiProblem? Problem { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Lines = [new LineForm()];
        Warehouses = await Section<IReadOnlyList<WarehouseDto>>.LoadAsync(() => inventory.WarehousesAsync(cancellationToken), Request.Path);
    }

    public IActionResult OnGetLine() => Row(new LineForm());

    /// <summary>What the catalog says about a line's SKU: its name (a cost is not a catalog price, so none is offered).</summary>
    public async Task<IActionResult> OnGetProductAsync(string key, CancellationToken cancellationToken)
    {
        return Partial("_LineInfo", await LineForm.NamedAsync(catalog, key, Request.Query[$"Lines[{key}].Sku"].FirstOrDefault(), cancellationToken));
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Lines = LineForm.Sent(Lines);
        var input = new ReceiptInput(Warehouse, string.IsNullOrWhiteSpace(Reference) ? null : Reference.Trim(),
            Lines.Select(l => new ReceiptLineInput(l.Sku.Trim(), l.Quantity, l.Price)).ToList());
        if (Lines.Count == 0)
            Lines.Add(new LineForm());

        var result = await Section<ApiResult<ReceiptDto>>.LoadAsync(() => inventory.ReceiveAsync(input, IdempotencyKey, cancellationToken), Request.Path);
        if (result.IsUp && result.Value!.Succeeded)
            return Redirect("/inventory?warehouse=" + Uri.EscapeDataString(result.Value.Value!.Warehouse));

        Problem = result.IsUp ? result.Value!.Problem
            : ProblemExtensions.Local($"{result.Down!.Title} is unavailable; nothing was received.", "Try again in a moment: sending the form again will not receive twice.");
        Warehouses = await Section<IReadOnlyList<WarehouseDto>>.LoadAsync(() => inventory.WarehousesAsync(cancellationToken), Request.Path);
        return Page();
    }

    private PartialViewResult Row(LineForm line)
    {
        var result = Partial("_LineRow", line);
        result.ViewData["Columns"] = Columns;
        return result;
    }

}
