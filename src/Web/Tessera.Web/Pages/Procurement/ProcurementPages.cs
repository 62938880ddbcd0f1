using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Catalog.Contracts;
using Tessera.Procurement.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Procurement;

/// <summary>What the purchasing pages share: status badges, and the names they compose from the catalog and inventory.</summary>
public static class ProcurementPages
{
    public static readonly (string Path, string Label)[] Sections =
    [
        ("/procurement", "Purchase orders"), ("/procurement/receipts", "Receipts"), ("/procurement/returns", "Supplier returns"),
        ("/procurement/suggestions", "Reorder suggestions"), ("/procurement/suppliers", "Suppliers"), ("/procurement/prices", "Supplier prices"),
    ];

    public static string Badge(PurchaseOrderStatus status) => status switch
    {
        PurchaseOrderStatus.Draft => "text-bg-secondary",
        PurchaseOrderStatus.Approved => "text-bg-primary",
        PurchaseOrderStatus.PartiallyReceived => "text-bg-warning",
        PurchaseOrderStatus.Received => "text-bg-success",
        PurchaseOrderStatus.Closed => "text-bg-dark",
        _ => "text-bg-light border",
    };

    public static string Badge(SupplierReturnStatus status) => status switch
    {
        SupplierReturnStatus.Draft => "text-bg-secondary",
        SupplierReturnStatus.Shipped => "text-bg-warning",
        SupplierReturnStatus.Completed => "text-bg-success",
        SupplierReturnStatus.Refused => "text-bg-danger",
        _ => "text-bg-light border",
    };

    public static string Badge(ReceiptPostingStatus posting) => posting switch
    {
        ReceiptPostingStatus.Posted => "text-bg-success",
        ReceiptPostingStatus.Pending => "text-bg-warning",
        _ => "text-bg-light border",
    };

    public static string Label(ReceiptPostingStatus posting) => posting switch
    {
        ReceiptPostingStatus.Posted => "Posted to inventory",
        ReceiptPostingStatus.Pending => "Waiting for inventory",
        _ => "Nothing to post",
    };

    public static string Label(PurchaseOrderStatus status) => status == PurchaseOrderStatus.PartiallyReceived ? "Partially received" : status.ToString();

    /// <summary>Product names for the SKUs of a page: one batch call to the catalog; when it is down the SKUs stand alone.</summary>
    public static Task<Section<IReadOnlyDictionary<string, ProductDto>>> ProductsAsync(CatalogApi catalog, IEnumerable<string> skus, string retryUrl,
        CancellationToken cancellationToken)
    {
        var list = skus.Distinct(StringComparer.Ordinal).ToList();
        return list.Count == 0
            ? Task.FromResult(new Section<IReadOnlyDictionary<string, ProductDto>>(new Dictionary<string, ProductDto>(), null))
            : Section<IReadOnlyDictionary<string, ProductDto>>.LoadAsync(() => catalog.BySkusAsync(list, cancellationToken), retryUrl,
                "Product names will show when the catalog is back.");
    }

    /// <summary>The tenant's warehouses by code: one call to inventory.</summary>
    public static Task<Section<IReadOnlyDictionary<string, Tessera.Inventory.Contracts.WarehouseDto>>> WarehousesAsync(InventoryApi inventory, string retryUrl,
        CancellationToken cancellationToken) =>
        Section<IReadOnlyDictionary<string, Tessera.Inventory.Contracts.WarehouseDto>>.LoadAsync(
            async () => (await inventory.WarehousesAsync(cancellationToken)).ToDictionary(w => w.Code, StringComparer.OrdinalIgnoreCase), retryUrl,
            "Warehouse names will show when inventory is back.");

    public static string Name(this Section<IReadOnlyDictionary<string, ProductDto>> products, string sku) =>
        products.IsUp && products.Value!.TryGetValue(sku, out var product) ? product.Name : "";

    public static string Name(this Section<IReadOnlyDictionary<string, Tessera.Inventory.Contracts.WarehouseDto>> warehouses, string code) =>
        warehouses.IsUp && warehouses.Value!.TryGetValue(code, out var warehouse) ? $"{warehouse.Name} ({code})" : code;

    /// <summary>The retry of a page whose main service was down (<see cref="PageReload"/>).</summary>
    public static IActionResult Reload(PageModel page, Unavailable? down) => PageReload.Of(page, down);

    /// <summary>A quantity typed as a percentage (10 for 10 %) as the service takes it (0.1).</summary>
    public static decimal? Rate(decimal? percent) => percent is null ? null : percent / 100m;
}
