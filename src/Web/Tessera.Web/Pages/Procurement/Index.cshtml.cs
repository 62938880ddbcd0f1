using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Inventory.Contracts;
using Tessera.Procurement.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Procurement;

/// <summary>Purchase orders: filtered by status, supplier, warehouse, SKU and number, newest first, with warehouse names from inventory.</summary>
public sealed class IndexModel(ProcurementApi procurement, InventoryApi inventory, IAuthorizationService authorization) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true, Name = "status")] public List<string> Statuses { get; set; } = [];
    [BindProperty(SupportsGet = true)] public Guid? Supplier { get; set; }
    [BindProperty(SupportsGet = true)] public string? Warehouse { get; set; }
    [BindProperty(SupportsGet = true)] public string? Sku { get; set; }
    [BindProperty(SupportsGet = true, Name = "q")] public string? Search { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int? PageNumber { get; set; }

    public Section<PagedResult<PurchaseOrderSummaryDto>> Orders { get; private set; } = null!;
    public Section<IReadOnlyDictionary<string, WarehouseDto>> Warehouses { get; private set; } = null!;
    public IReadOnlyList<SupplierDto> Suppliers { get; private set; } = [];
    public bool CanPurchase { get; private set; }

    public Pager Pager => new(Orders.Value!.Page, PageSize, Orders.Value.Total, Link);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        CanPurchase = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Purchase)).Succeeded;
        await LoadAsync(cancellationToken);
        if (Orders.IsUp)
            Suppliers = (await Section<PagedResult<SupplierDto>>.LoadAsync(() => procurement.SuppliersAsync(null, null, 1, 500, cancellationToken), "")).Value?.Items ?? [];
    }

    public async Task<IActionResult> OnGetTableAsync(CancellationToken cancellationToken)
    {
        Response.Headers["HX-Replace-Url"] = Link(Pager.Clamp(PageNumber));
        await LoadAsync(cancellationToken);
        return Partial("_OrderTable", this);
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Statuses = Statuses.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToList();
        var filter = new PurchaseOrderFilter(Statuses, Supplier, Warehouse, Sku, Search);
        var orders = Section<PagedResult<PurchaseOrderSummaryDto>>.LoadAsync(
            () => procurement.OrdersAsync(filter, Pager.Clamp(PageNumber), PageSize, cancellationToken), TableLink(Pager.Clamp(PageNumber)));
        var warehouses = ProcurementPages.WarehousesAsync(inventory, TableLink(Pager.Clamp(PageNumber)), cancellationToken);
        (Orders, Warehouses) = (await orders, await warehouses);
    }

    public bool HasStatus(PurchaseOrderStatus status) => Statuses.Contains(status.ToString(), StringComparer.OrdinalIgnoreCase);

    public string Link(int page) => "/procurement?" + Query(page);

    public string TableLink(int page) => "/procurement?handler=Table&" + Query(page);

    private string Query(int page) => ListQuery.Build(page, ("status", Statuses.Count == 0 ? null : string.Join(',', Statuses)), ("supplier", Supplier?.ToString()),
        ("warehouse", Warehouse), ("sku", Sku), ("q", Search));
}
