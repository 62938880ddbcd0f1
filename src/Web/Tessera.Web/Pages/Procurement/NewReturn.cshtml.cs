using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Catalog.Contracts;
using Tessera.Procurement.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Procurement;

/// <summary>A SKU that can go back, and how much of it.</summary>
public sealed record Returnable(string Sku, decimal Received, decimal Returned)
{
    public decimal Left => Received - Returned;
}

public sealed class ReturnRow
{
    public string Sku { get; set; } = "";
    public decimal? Quantity { get; set; }
    public int Sent { get; set; } = -1;
}

/// <summary>
/// Prepares a return to the supplier out of one goods receipt or one purchase order: per SKU, what was received and not
/// yet returned, and how much goes back now; the return is saved as a draft and shipped from its page.
/// </summary>
public sealed class NewReturnModel(ProcurementApi procurement, CatalogApi catalog) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid? ReceiptId { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? PurchaseOrderId { get; set; }
    [BindProperty] public List<ReturnRow> Rows { get; set; } = [];
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public string IdempotencyKey { get; set; } = Guid.NewGuid().ToString();

    public Section<(string Title, IReadOnlyList<Returnable> Lines)?> Source { get; private set; } = null!;
    public Section<IReadOnlyDictionary<string, ProductDto>> Products { get; private set; } = null!;
    public ApiProblem? Problem { get; private set; }

    public ReturnRow Row(string sku) => Rows.FirstOrDefault(r => r.Sku == sku) ?? new ReturnRow { Sku = sku };

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken) ?? Page();

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ?? ProcurementPages.Reload(this, Source.Down);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var sent = Rows.Where(r => r.Quantity is > 0).ToList();
        for (var i = 0; i < sent.Count; i++)
            sent[i].Sent = i;
        if (sent.Count == 0)
            Problem = ProblemExtensions.Local("Enter the quantity to return on at least one line.", field: "lines", message: "Nothing to return.");
        else
        {
            var input = new SupplierReturnInput(ReceiptId, ReceiptId is null ? PurchaseOrderId : null, null, null, Reason ?? "",
                sent.Select(r => new SupplierReturnLineInput(r.Sku, r.Quantity)).ToList());
            var result = await Section<ApiResult<SupplierReturnDto>>.LoadAsync(() => procurement.CreateReturnAsync(input, IdempotencyKey, cancellationToken), Request.Path);
            if (result is { IsUp: true, Value.Succeeded: true })
            {
                TempData["Notice"] = $"Supplier return {result.Value.Value!.Number} was prepared. Ship it when the goods leave.";
                return Redirect($"/procurement/returns/{result.Value.Value.Id}");
            }
            Problem = result.IsUp ? result.Value!.Problem
                : ProblemExtensions.Local("Procurement is unavailable; nothing was prepared.", "Try again in a moment: sending the form again will not prepare it twice.");
        }
        return await LoadAsync(cancellationToken) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        if (ReceiptId is null && PurchaseOrderId is null)
            return BadRequest("Name the receipt (receiptId) or purchase order (purchaseOrderId) the goods came with.");
        var retry = $"/procurement/returns/new?handler=Reload&{(ReceiptId is { } r ? $"receiptId={r}" : $"purchaseOrderId={PurchaseOrderId}")}";
        Source = await Section<(string, IReadOnlyList<Returnable>)?>.LoadAsync(async () =>
        {
            if (ReceiptId is { } receiptId)
            {
                var receipt = await procurement.ReceiptAsync(receiptId, cancellationToken);
                return receipt is null ? null
                    : ($"goods receipt {receipt.Number} ({receipt.SupplierName})",
                        receipt.Lines.GroupBy(l => l.Sku).Select(g => new Returnable(g.Key, g.Sum(l => l.AcceptedQuantity), g.Sum(l => l.ReturnedQuantity))).ToList());
            }
            var order = await procurement.OrderAsync(PurchaseOrderId!.Value, cancellationToken);
            return order is null ? null
                : ($"purchase order {order.Number} ({order.SupplierName})",
                    order.Lines.Select(l => new Returnable(l.Sku, l.ReceivedQuantity, l.ReturnedQuantity)).ToList());
        }, retry);
        if (Source.IsUp && Source.Value is null)
            return NotFound();
        Products = Source.IsUp
            ? await ProcurementPages.ProductsAsync(catalog, Source.Value!.Value.Lines.Select(l => l.Sku), "", cancellationToken)
            : new Section<IReadOnlyDictionary<string, ProductDto>>(new Dictionary<string, ProductDto>(), null);
        return null;
    }
}
