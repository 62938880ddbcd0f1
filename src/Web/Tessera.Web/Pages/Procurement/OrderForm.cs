using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Inventory.Contracts;
using Tessera.Procurement.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Procurement;

/// <summary>A purchase order line as its form row holds it: tax as a percentage; a blank price means the supplier's price.</summary>
public sealed class OrderLineRow
{
    public string Key { get; set; } = Guid.NewGuid().ToString("N")[..8];
    public string Sku { get; set; } = "";
    public decimal? Quantity { get; set; }
    public decimal? UnitPrice { get; set; }
    public decimal? TaxPercent { get; set; }
    public string? Description { get; set; }
    public int Index { get; set; } = -1;

    public bool IsBlank => string.IsNullOrWhiteSpace(Sku) && Quantity is null && UnitPrice is null && TaxPercent is null;
}

public sealed class OrderForm
{
    public Guid? SupplierId { get; set; }
    public string Warehouse { get; set; } = "";
    public string? Reference { get; set; }
    public DateOnly? ExpectedDate { get; set; }
    public List<OrderLineRow> Lines { get; set; } = [];
    public long Version { get; set; }

    /// <summary>Drops blank rows and numbers the others as the service will name them (lines[i]).</summary>
    public void Compact()
    {
        Lines = Lines.Where(l => !l.IsBlank).ToList();
        for (var i = 0; i < Lines.Count; i++)
            Lines[i].Index = i;
    }

    public PurchaseOrderInput ToInput() => new(SupplierId ?? Guid.Empty, Warehouse, string.IsNullOrWhiteSpace(Reference) ? null : Reference.Trim(), ExpectedDate,
        Lines.Select(l => new PurchaseOrderLineInput(l.Sku.Trim(), l.Quantity, l.UnitPrice, ProcurementPages.Rate(l.TaxPercent))).ToList());

    public static OrderForm From(PurchaseOrderDto o) => new()
    {
        SupplierId = o.SupplierId, Warehouse = o.Warehouse, Reference = o.Reference, ExpectedDate = o.ExpectedDate, Version = o.Version,
        Lines = o.Lines.Select(l => new OrderLineRow { Sku = l.Sku, Quantity = l.Quantity, UnitPrice = l.UnitPrice, TaxPercent = l.TaxRate * 100m }).ToList(),
    };
}

/// <summary>What the order form partial shows.</summary>
public sealed record OrderFormView(
    OrderForm Form, ApiProblem? Problem, IReadOnlyList<SupplierDto> Suppliers, IReadOnlyList<WarehouseDto> Warehouses, bool SupplierFixed, string Submit,
    string? IdempotencyKey, string CancelUrl);

/// <summary>What the new and edit pages share: the supplier and warehouse choices, and a row's product lookup.</summary>
public abstract class OrderFormPage(ProcurementApi procurement, InventoryApi inventory, CatalogApi catalog) : PageModel
{
    public Section<IReadOnlyList<SupplierDto>> Suppliers { get; private set; } = null!;
    public Section<IReadOnlyList<WarehouseDto>> Warehouses { get; private set; } = null!;
    public ApiProblem? Problem { get; protected set; }

    protected async Task LoadChoicesAsync(CancellationToken cancellationToken)
    {
        var retry = Request.Path + "?handler=Reload";
        var suppliers = Section<IReadOnlyList<SupplierDto>>.LoadAsync(
            async () => (await procurement.SuppliersAsync(null, true, 1, 500, cancellationToken)).Items, retry);
        var warehouses = Section<IReadOnlyList<WarehouseDto>>.LoadAsync(() => inventory.WarehousesAsync(cancellationToken), retry,
            "Purchase orders need the warehouses they deliver to; the form comes back when inventory does.");
        (Suppliers, Warehouses) = (await suppliers, await warehouses);
    }

    public IActionResult OnGetLine() => Partial("_OrderLineRow", (new OrderLineRow(), (ApiProblem?)null));

    /// <summary>The product name of a row's SKU, from the catalog, and the supplier's price for it (the lowest quantity break) to offer.</summary>
    public async Task<IActionResult> OnGetProductAsync(string key, CancellationToken cancellationToken)
    {
        var line = await LineForm.NamedAsync(catalog, key, Request.Query[$"Form.Lines[{key}].Sku"].FirstOrDefault(), cancellationToken);
        if (line.Sku.Length > 0 && Guid.TryParse(Request.Query["Form.SupplierId"].FirstOrDefault(), out var supplier))
        {
            var prices = await Section<PagedResult<SupplierPriceDto>>.LoadAsync(() => procurement.PricesAsync(supplier, line.Sku, 1, 50, cancellationToken), "");
            line.CatalogPrice = prices.Value?.Items.Where(p => p.Sku == line.Sku).OrderBy(p => p.MinQuantity).FirstOrDefault()?.UnitPrice;
        }
        return Partial("_LineInfo", line);
    }
}
