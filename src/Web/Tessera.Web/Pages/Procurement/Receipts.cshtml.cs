using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Inventory.Contracts;
using Tessera.Procurement.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Procurement;

/// <summary>Goods receipts, newest first, with whether inventory has posted each one.</summary>
public sealed class ReceiptsModel(ProcurementApi procurement, InventoryApi inventory, IAuthorizationService authorization) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)] public string? Warehouse { get; set; }
    [BindProperty(SupportsGet = true)] public string? Posting { get; set; }
    [BindProperty(SupportsGet = true, Name = "q")] public string? Search { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int? PageNumber { get; set; }

    public Section<PagedResult<GoodsReceiptDto>> Receipts { get; private set; } = null!;
    public Section<IReadOnlyDictionary<string, WarehouseDto>> Warehouses { get; private set; } = null!;
    public bool CanReceive { get; private set; }

    public Pager Pager => new(Receipts.Value!.Page, PageSize, Receipts.Value.Total, Link);

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public async Task<IActionResult> OnGetTableAsync(CancellationToken cancellationToken)
    {
        Response.Headers["HX-Replace-Url"] = Link(Pager.Clamp(PageNumber));
        await LoadAsync(cancellationToken);
        return Partial("_ReceiptTable", this);
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        CanReceive = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.ReceivePurchases)).Succeeded;
        var retry = "/procurement/receipts?handler=Table&" + Query(Pager.Clamp(PageNumber));
        var receipts = Section<PagedResult<GoodsReceiptDto>>.LoadAsync(
            () => procurement.ReceiptsAsync(null, Warehouse, Posting, Search, Pager.Clamp(PageNumber), PageSize, cancellationToken), retry);
        var warehouses = ProcurementPages.WarehousesAsync(inventory, retry, cancellationToken);
        (Receipts, Warehouses) = (await receipts, await warehouses);
    }

    public string Link(int page) => "/procurement/receipts?" + Query(page);

    private string Query(int page) => ListQuery.Build(page, ("warehouse", Warehouse), ("posting", Posting), ("q", Search));
}
