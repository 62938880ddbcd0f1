using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Catalog.Contracts;
using Tessera.Inventory.Contracts;
using Tessera.Procurement.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Procurement;

/// <summary>One purchase order line at the door: what was accepted into stock, what was rejected and why.</summary>
public sealed class ReceiveRow
{
    public int LineNo { get; set; }
    public decimal? Accepted { get; set; }
    public decimal? Rejected { get; set; }
    public string? Reason { get; set; }

    /// <summary>Where this row is among the lines sent (the service names errors "lines[i]"), or -1 when it was not sent.</summary>
    public int Sent { get; set; } = -1;

    public bool IsBlank => (Accepted ?? 0) == 0 && (Rejected ?? 0) == 0 && string.IsNullOrWhiteSpace(Reason);
}

/// <summary>
/// Receives goods against an approved purchase order, line by line: accepted and rejected quantities with a reason. A
/// refusal (more than ordered beyond the tolerance) is shown beside the line it is about; a double submit receives once.
/// </summary>
public sealed class ReceiveModel(ProcurementApi procurement, CatalogApi catalog, InventoryApi inventory) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public List<ReceiveRow> Rows { get; set; } = [];
    [BindProperty] public string? DeliveryNote { get; set; }
    [BindProperty] public string IdempotencyKey { get; set; } = Guid.NewGuid().ToString();

    public Section<PurchaseOrderDto?> Order { get; private set; } = null!;
    public Section<IReadOnlyDictionary<string, ProductDto>> Products { get; private set; } = null!;
    public Section<IReadOnlyDictionary<string, WarehouseDto>> Warehouses { get; private set; } = null!;
    public decimal? Tolerance { get; private set; }
    public ApiProblem? Problem { get; private set; }

    public PurchaseOrderDto Value => Order.Value!;

    public ReceiveRow Row(int lineNo) => Rows.FirstOrDefault(r => r.LineNo == lineNo) ?? new ReceiveRow { LineNo = lineNo };

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await LoadAsync(cancellationToken) is { } result)
            return result;
        if (Order.IsUp && !IsReceivable(Value))
        {
            TempData["Notice"] = $"Purchase order {Value.Number} is {ProcurementPages.Label(Value.Status)}; nothing can be received on it.";
            return Redirect($"/procurement/orders/{Id}");
        }
        return Page();
    }

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ?? ProcurementPages.Reload(this, Order.Down);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var sent = Rows.Where(r => !r.IsBlank).ToList();
        for (var i = 0; i < sent.Count; i++)
            sent[i].Sent = i;
        if (sent.Count == 0)
            Problem = ProblemExtensions.Local("Enter what was accepted or rejected on at least one line.", field: "lines", message: "Nothing to receive.");
        else
        {
            var lines = sent.Select(r => new ReceiptLineInputForm(r.LineNo, r.Accepted, r.Rejected, string.IsNullOrWhiteSpace(r.Reason) ? null : r.Reason.Trim())).ToList();
            var result = await Section<ApiResult<GoodsReceiptDto>>.LoadAsync(
                () => procurement.ReceiveAsync(Id, string.IsNullOrWhiteSpace(DeliveryNote) ? null : DeliveryNote.Trim(), lines, IdempotencyKey, cancellationToken), Request.Path);
            if (result is { IsUp: true, Value.Succeeded: true })
            {
                var receipt = result.Value.Value!;
                TempData["Notice"] = $"Goods receipt {receipt.Number} was recorded: {Fmt(receipt.Lines.Sum(l => l.AcceptedQuantity))} accepted, " +
                                     $"{Fmt(receipt.Lines.Sum(l => l.RejectedQuantity))} rejected.";
                return Redirect($"/procurement/orders/{Id}");
            }
            Problem = result.IsUp ? result.Value!.Problem
                : ProblemExtensions.Local("Procurement is unavailable; nothing was received.", "Try again in a moment: sending the form again will not receive twice.");
        }
        return await LoadAsync(cancellationToken) ?? Page();
    }

    private static string Fmt(decimal quantity) => (quantity / 1.0000000000000000000000000000m).ToString(System.Globalization.CultureInfo.CurrentCulture);

    private static bool IsReceivable(PurchaseOrderDto order) => order.Status is PurchaseOrderStatus.Approved or PurchaseOrderStatus.PartiallyReceived;

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        Order = await Section<PurchaseOrderDto?>.LoadAsync(() => procurement.OrderAsync(Id, cancellationToken), $"/procurement/orders/{Id}/receive?handler=Reload");
        if (Order.IsUp && Order.Value is null)
            return NotFound();
        if (!Order.IsUp)
            return null;
        var products = ProcurementPages.ProductsAsync(catalog, Value.Lines.Select(l => l.Sku), "", cancellationToken);
        var warehouses = ProcurementPages.WarehousesAsync(inventory, "", cancellationToken);
        var settings = Section<ProcurementSettingsDto>.LoadAsync(() => procurement.SettingsAsync(cancellationToken), "");
        (Products, Warehouses) = (await products, await warehouses);
        Tolerance = (await settings).Value?.OverReceiptTolerancePercent;
        return null;
    }
}
