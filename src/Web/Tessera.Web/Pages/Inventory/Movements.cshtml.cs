using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Inventory.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Inventory;

/// <summary>The ledger: every movement that explains stock, newest first.</summary>
public sealed class MovementsModel(InventoryApi inventory) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public string? Sku { get; set; }
    [BindProperty(SupportsGet = true)] public string? Warehouse { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int? PageNumber { get; set; }

    public Section<PagedResult<MovementDto>> Movements { get; private set; } = null!;

    public Pager Pager => new(Pager.Clamp(PageNumber), PageSize, Movements.Value!.Total, Link);

    public async Task OnGetAsync(CancellationToken cancellationToken) => Movements = await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnGetTableAsync(CancellationToken cancellationToken)
    {
        // The address bar follows the filters, so a reload or a shared link shows the same list.
        Response.Headers["HX-Replace-Url"] = Link(Pager.Clamp(PageNumber));
        Movements = await LoadAsync(cancellationToken);
        return Partial("_MovementTable", this);
    }

    private Task<Section<PagedResult<MovementDto>>> LoadAsync(CancellationToken cancellationToken) =>
        Section<PagedResult<MovementDto>>.LoadAsync(() => inventory.MovementsAsync(Sku, Warehouse, Pager.Clamp(PageNumber), PageSize, cancellationToken),
            "/inventory/movements?handler=Table&" + Query(Pager.Clamp(PageNumber)));

    public string Link(int page) => "/inventory/movements?" + Query(page);

    private string Query(int page) => ListQuery.Build(page, ("sku", Sku), ("warehouse", Warehouse));
}
