using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Inventory.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Inventory;

/// <summary>One warehouse: its bins with what lies in each (one call for the bins, one for their contents), and a form to add a bin.</summary>
public sealed class WarehouseModel(InventoryApi inventory, IAuthorizationService authorization) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Code { get; set; } = "";
    [BindProperty] public string BinCode { get; set; } = "";
    [BindProperty] public string BinName { get; set; } = "";
    [BindProperty] public string IdempotencyKey { get; set; } = Guid.NewGuid().ToString();

    public Section<WarehouseDto?> Warehouse { get; private set; } = null!;
    public IReadOnlyList<BinDto> Bins { get; private set; } = [];
    public IReadOnlyList<BinStockDto> Contents { get; private set; } = [];
    public bool CanManage { get; private set; }
    public ApiProblem? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.ReceiveStock)).Succeeded)
            return Forbid();
        var result = await Section<ApiResult<BinDto>>.LoadAsync(() => inventory.CreateBinAsync(Code, BinCode.Trim(), BinName.Trim(), IdempotencyKey, cancellationToken), Request.Path);
        if (result.IsUp && result.Value!.Succeeded)
        {
            TempData["Notice"] = $"Bin {result.Value.Value!.Code} added.";
            return Redirect($"/inventory/warehouses/{Uri.EscapeDataString(Code)}");
        }
        Problem = result.IsUp ? result.Value!.Problem : ProblemExtensions.Local("Inventory is unavailable; the bin was not added.", "Try again in a moment.");
        return await LoadAsync(cancellationToken) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        CanManage = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.ReceiveStock)).Succeeded;
        Warehouse = await Section<WarehouseDto?>.LoadAsync(async () =>
        {
            var warehouse = await inventory.WarehouseAsync(Code, cancellationToken);
            if (warehouse is null)
                return null;
            var bins = inventory.BinsAsync(warehouse.Code, cancellationToken);
            var contents = inventory.BinStockAsync(warehouse.Code, null, cancellationToken);
            await Task.WhenAll(bins, contents);
            (Bins, Contents) = (bins.Result, contents.Result);
            return warehouse;
        }, Request.Path);
        return Warehouse.IsUp && Warehouse.Value is null ? NotFound() : null;
    }
}
