using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Inventory.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Inventory;

/// <summary>The tenant's warehouses, and a form to add one (warehouse staff).</summary>
public sealed class WarehousesModel(InventoryApi inventory, IAuthorizationService authorization) : PageModel
{
    [BindProperty] public string Code { get; set; } = "";
    [BindProperty] public string Name { get; set; } = "";
    [BindProperty] public string IdempotencyKey { get; set; } = Guid.NewGuid().ToString();

    public Section<IReadOnlyList<WarehouseDto>> Warehouses { get; private set; } = null!;
    public bool CanManage { get; private set; }
    public ApiProblem? Problem { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.ReceiveStock)).Succeeded)
            return Forbid();
        var result = await Section<ApiResult<WarehouseDto>>.LoadAsync(() => inventory.CreateWarehouseAsync(Code.Trim(), Name.Trim(), IdempotencyKey, cancellationToken), Request.Path);
        if (result.IsUp && result.Value!.Succeeded)
        {
            TempData["Notice"] = $"Warehouse {result.Value.Value!.Code} created.";
            return Redirect($"/inventory/warehouses/{result.Value.Value.Code}");
        }
        Problem = result.IsUp ? result.Value!.Problem : ProblemExtensions.Local("Inventory is unavailable; nothing was created.", "Try again in a moment.");
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        CanManage = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.ReceiveStock)).Succeeded;
        Warehouses = await Section<IReadOnlyList<WarehouseDto>>.LoadAsync(() => inventory.WarehousesAsync(cancellationToken), Request.Path);
    }
}
