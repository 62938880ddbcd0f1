using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Catalog.Contracts;
using Tessera.Procurement.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Procurement;

/// <summary>
/// A supplier return: ship or cancel a draft; once shipped its state follows inventory's answer (the live part polls
/// until it is Completed or Refused, with inventory's reason).
/// </summary>
public sealed class ReturnModel(ProcurementApi procurement, CatalogApi catalog, IAuthorizationService authorization) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }

    public Section<SupplierReturnDto?> Return { get; private set; } = null!;
    public Section<IReadOnlyDictionary<string, ProductDto>> Products { get; private set; } = null!;
    public bool CanReceive { get; private set; }
    public ApiProblem? ActionProblem { get; private set; }

    public SupplierReturnDto Value => Return.Value!;
    public bool AwaitsInventory => Return is { IsUp: true } && Value.Status == SupplierReturnStatus.Shipped;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken) ?? Page();

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ?? ProcurementPages.Reload(this, Return.Down);

    public async Task<IActionResult> OnGetLiveAsync(CancellationToken cancellationToken)
    {
        if (await LoadAsync(cancellationToken) is { } result)
            return result;
        return Return.IsUp ? Partial("_ReturnState", this) : Partial("_Unavailable", Return.Down);
    }

    public Task<IActionResult> OnPostShipAsync(long version, CancellationToken cancellationToken) =>
        ActAsync(() => procurement.ShipReturnAsync(Id, version, cancellationToken), "was shipped; inventory will issue the goods", cancellationToken);

    public Task<IActionResult> OnPostCancelAsync(long version, CancellationToken cancellationToken) =>
        ActAsync(() => procurement.CancelReturnAsync(Id, version, cancellationToken), "was cancelled", cancellationToken);

    private async Task<IActionResult> ActAsync(Func<Task<ApiResult<SupplierReturnDto>>> act, string done, CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.ReceivePurchases)).Succeeded)
            return Forbid();
        var result = await Section<ApiResult<SupplierReturnDto>>.LoadAsync(act, Request.Path);
        if (result is { IsUp: true, Value.Succeeded: true })
        {
            TempData["Notice"] = $"Supplier return {result.Value.Value!.Number} {done}.";
            return Redirect($"/procurement/returns/{Id}");
        }
        ActionProblem = result.IsUp ? result.Value!.Problem : ProblemExtensions.Local("Procurement is unavailable; nothing was changed. Try again in a moment.");
        return await LoadAsync(cancellationToken) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        CanReceive = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.ReceivePurchases)).Succeeded;
        Return = await Section<SupplierReturnDto?>.LoadAsync(() => procurement.ReturnAsync(Id, cancellationToken), $"/procurement/returns/{Id}?handler=Reload");
        if (Return.IsUp && Return.Value is null)
            return NotFound();
        Products = Return.IsUp
            ? await ProcurementPages.ProductsAsync(catalog, Value.Lines.Select(l => l.Sku), "", cancellationToken)
            : new Section<IReadOnlyDictionary<string, ProductDto>>(new Dictionary<string, ProductDto>(), null);
        return null;
    }
}
