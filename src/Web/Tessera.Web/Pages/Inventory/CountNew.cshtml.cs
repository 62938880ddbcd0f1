using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Inventory.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Inventory;

/// <summary>Starts a count of a warehouse, of some SKUs or of one bin; the form's Idempotency-Key makes a double submit start one count.</summary>
public sealed class CountNewModel(InventoryApi inventory) : PageModel
{
    [BindProperty] public string Warehouse { get; set; } = "";
    [BindProperty] public string? Bin { get; set; }
    [BindProperty] public string? Skus { get; set; }
    [BindProperty] public bool Blind { get; set; }
    [BindProperty] public string? Reference { get; set; }
    [BindProperty] public string IdempotencyKey { get; set; } = Guid.NewGuid().ToString();

    public Section<IReadOnlyList<WarehouseDto>> Warehouses { get; private set; } = null!;
    public ApiProblem? Problem { get; private set; }

    public async Task OnGetAsync(string? warehouse, CancellationToken cancellationToken)
    {
        Warehouse = warehouse ?? "";
        Warehouses = await Section<IReadOnlyList<WarehouseDto>>.LoadAsync(() => inventory.WarehousesAsync(cancellationToken), Request.Path);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var skus = (Skus ?? "").Split([',', '\n', '\r', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        var input = new CountInput(Warehouse, skus.Count == 0 ? null : skus, string.IsNullOrWhiteSpace(Bin) ? null : Bin.Trim(), Blind,
            string.IsNullOrWhiteSpace(Reference) ? null : Reference.Trim());
        var result = await Section<ApiResult<CountDto>>.LoadAsync(() => inventory.StartCountAsync(input, IdempotencyKey, cancellationToken), Request.Path);
        if (result.IsUp && result.Value!.Succeeded)
            return Redirect($"/inventory/counts/{result.Value.Value!.Id}");

        Problem = result.IsUp ? result.Value!.Problem
            : ProblemExtensions.Local("Inventory is unavailable; the count was not started.", "Try again in a moment: sending the form again will not start two counts.");
        Warehouses = await Section<IReadOnlyList<WarehouseDto>>.LoadAsync(() => inventory.WarehousesAsync(cancellationToken), Request.Path);
        return Page();
    }
}
