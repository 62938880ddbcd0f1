using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Catalog.Contracts;
using Tessera.Inventory.Contracts;
using Tessera.Procurement.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Procurement;

/// <summary>A goods receipt: its lines (accepted, rejected with the reason, returned since), whether inventory posted it, and its returns.</summary>
public sealed class ReceiptModel(ProcurementApi procurement, CatalogApi catalog, InventoryApi inventory, IAuthorizationService authorization) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }

    public Section<GoodsReceiptDto?> Receipt { get; private set; } = null!;
    public Section<IReadOnlyDictionary<string, ProductDto>> Products { get; private set; } = null!;
    public Section<IReadOnlyDictionary<string, WarehouseDto>> Warehouses { get; private set; } = null!;
    public Section<PagedResult<SupplierReturnDto>> Returns { get; private set; } = null!;
    public bool CanReceive { get; private set; }

    public GoodsReceiptDto Value => Receipt.Value!;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken) ?? Page();

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ?? ProcurementPages.Reload(this, Receipt.Down);

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        CanReceive = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.ReceivePurchases)).Succeeded;
        Receipt = await Section<GoodsReceiptDto?>.LoadAsync(() => procurement.ReceiptAsync(Id, cancellationToken), $"/procurement/receipts/{Id}?handler=Reload");
        if (Receipt.IsUp && Receipt.Value is null)
            return NotFound();
        if (!Receipt.IsUp)
            return null;
        var products = ProcurementPages.ProductsAsync(catalog, Value.Lines.Select(l => l.Sku), "", cancellationToken);
        var warehouses = ProcurementPages.WarehousesAsync(inventory, "", cancellationToken);
        var returns = Section<PagedResult<SupplierReturnDto>>.LoadAsync(() => procurement.ReturnsAsync(null, null, Id, 1, 100, cancellationToken), "");
        (Products, Warehouses, Returns) = (await products, await warehouses, await returns);
        return null;
    }
}
