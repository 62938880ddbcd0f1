using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Tessera.Inventory.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Inventory;

/// <summary>Creates a transfer (a draft: nothing moves until it is shipped); the form's Idempotency-Key makes a double submit create it once.</summary>
public sealed class TransferNewModel(InventoryApi inventory, CatalogApi catalog) : PageModel
{
    public const string LookupUrl = "/inventory/transfers/new?handler=Product";

    [BindProperty] public string FromWarehouse { get; set; } = "";
    [BindProperty] public string ToWarehouse { get; set; } = "";
    [BindProperty] public string? Reference { get; set; }
    [BindProperty] public List<LineForm> Lines { get; set; } = [];
    [BindProperty] public string IdempotencyKey { get; set; } = Guid.NewGuid().ToString();

    public Section<IReadOnlyList<WarehouseDto>> Warehouses { get; private set; } = null!;
    public ApiProblem? Problem { get; private set; }

    public async Task OnGetAsync(string? from, CancellationToken cancellationToken)
    {
        FromWarehouse = from ?? "";
        Lines = [new LineForm()];
        Warehouses = await Section<IReadOnlyList<WarehouseDto>>.LoadAsync(() => inventory.WarehousesAsync(cancellationToken), Request.Path);
    }

    public IActionResult OnGetLine() => Row(new LineForm());

    public async Task<IActionResult> OnGetProductAsync(string key, CancellationToken cancellationToken)
    {
        return Partial("_LineInfo", await LineForm.NamedAsync(catalog, key, Request.Query[$"Lines[{key}].Sku"].FirstOrDefault(), cancellationToken));
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Lines = LineForm.Sent(Lines);
        var input = new TransferInput(FromWarehouse, ToWarehouse, string.IsNullOrWhiteSpace(Reference) ? null : Reference.Trim(),
            Lines.Select(l => new QuantityLineInput(l.Sku.Trim(), l.Quantity)).ToList());
        if (Lines.Count == 0)
            Lines.Add(new LineForm());

        var result = await Section<ApiResult<TransferDto>>.LoadAsync(() => inventory.CreateTransferAsync(input, IdempotencyKey, cancellationToken), Request.Path);
        if (result.IsUp && result.Value!.Succeeded)
            return Redirect($"/inventory/transfers/{result.Value.Value!.Id}");

        Problem = result.IsUp ? result.Value!.Problem
            : ProblemExtensions.Local($"{result.Down!.Title} is unavailable; the transfer was not created.", "Try again in a moment: sending the form again will not create it twice.");
        Warehouses = await Section<IReadOnlyList<WarehouseDto>>.LoadAsync(() => inventory.WarehousesAsync(cancellationToken), Request.Path);
        return Page();
    }

    private PartialViewResult Row(LineForm line)
    {
        var result = Partial("_QuantityLine", line);
        result.ViewData["LookupUrl"] = LookupUrl;
        return result;
    }
}
