using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Catalog.Contracts;
using Tessera.Inventory.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Inventory;

public sealed record StockRow(StockDto Stock, ProductDto? Product, string WarehouseName);

/// <summary>
/// The stock list, composed at read time: quantities from inventory, product names and categories from the catalog,
/// warehouse names from inventory's warehouse list — one batch call per source for the whole page, never one per row.
/// </summary>
public sealed class IndexModel(InventoryApi inventory, CatalogApi catalog, IAuthorizationService authorization) : PageModel
{
    public const int PageSize = 50;
    public const decimal LowThreshold = 5m;

    [BindProperty(SupportsGet = true)] public string? Warehouse { get; set; }
    [BindProperty(SupportsGet = true)] public string? Sku { get; set; }
    [BindProperty(SupportsGet = true)] public bool Low { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int? PageNumber { get; set; }

    public Section<StockPage> Stock { get; private set; } = null!;
    public IReadOnlyList<WarehouseDto> Warehouses { get; private set; } = [];
    public bool CanReceive { get; private set; }

    public sealed record StockPage(IReadOnlyList<StockRow> Rows, int Total, bool NamesUnavailable);

    public Pager Pager => new(Pager.Clamp(PageNumber), PageSize, Stock.Value!.Total, Link);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        CanReceive = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.ReceiveStock)).Succeeded;
        Stock = await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnGetTableAsync(CancellationToken cancellationToken)
    {
        // The address bar follows the filters, so a reload or a shared link shows the same list.
        Response.Headers["HX-Replace-Url"] = Link(Pager.Clamp(PageNumber));
        Stock = await LoadAsync(cancellationToken);
        return Partial("_StockTable", this);
    }

    private Task<Section<StockPage>> LoadAsync(CancellationToken cancellationToken) =>
        Section<StockPage>.LoadAsync(async () =>
        {
            // The two inventory reads go out together; the catalog read needs the SKUs of the page.
            var warehousesRead = inventory.WarehousesAsync(cancellationToken);
            var stockRead = inventory.StockAsync(new StockFilter(Warehouse, Sku, null, Low ? LowThreshold : null), Pager.Clamp(PageNumber), PageSize, cancellationToken);
            await Task.WhenAll(warehousesRead, stockRead);
            var (stock, warehouses) = (stockRead.Result, warehousesRead.Result);
            var products = await Section<IReadOnlyDictionary<string, ProductDto>>.LoadAsync(
                () => catalog.BySkusAsync(stock.Items.Select(s => s.Sku), cancellationToken), "");
            Warehouses = warehouses;
            var names = Warehouses.ToDictionary(w => w.Code, w => w.Name);
            var rows = stock.Items
                .Select(s => new StockRow(s, products.Value?.GetValueOrDefault(s.Sku), names.GetValueOrDefault(s.Warehouse, s.Warehouse)))
                .ToList();
            return new StockPage(rows, stock.Total, !products.IsUp);
        }, "/inventory?handler=Table&" + Query(Pager.Clamp(PageNumber)));

    public string Link(int page) => "/inventory?" + Query(page);

    public string Query(int page) => ListQuery.Build(page, ("warehouse", Warehouse), ("sku", Sku), ("low", Low ? "true" : null));
}
