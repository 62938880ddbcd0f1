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

/// <summary>
/// A purchase order: lines with what was received, rejected and returned, totals, status history, its receipts (with
/// whether inventory posted them) and returns; and the actions its status allows — edit, approve, cancel, close,
/// receive. Product names come from the catalog in one batch call; the warehouse name from inventory.
/// </summary>
public sealed class OrderModel(ProcurementApi procurement, CatalogApi catalog, InventoryApi inventory, IAuthorizationService authorization,
    Documents.DocumentComposer documents) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }

    public Section<PurchaseOrderDto?> Order { get; private set; } = null!;
    public Section<IReadOnlyDictionary<string, ProductDto>> Products { get; private set; } = null!;
    public Section<IReadOnlyDictionary<string, WarehouseDto>> Warehouses { get; private set; } = null!;
    public Section<PagedResult<GoodsReceiptDto>> Receipts { get; private set; } = null!;
    public Section<PagedResult<SupplierReturnDto>> Returns { get; private set; } = null!;
    public bool CanPurchase { get; private set; }
    public bool CanReceive { get; private set; }
    public ApiProblem? ActionProblem { get; private set; }

    public PurchaseOrderDto Value => Order.Value!;
    public bool IsDraft => Value.Status == PurchaseOrderStatus.Draft;
    public bool IsReceivable => Value.Status is PurchaseOrderStatus.Approved or PurchaseOrderStatus.PartiallyReceived;
    public bool IsCancellable => Value.Status is PurchaseOrderStatus.Draft || (Value.Status == PurchaseOrderStatus.Approved && Value.Lines.All(l => l.ReceivedQuantity == 0));
    public bool IsClosable => Value.Status is PurchaseOrderStatus.PartiallyReceived or PurchaseOrderStatus.Received;
    public bool AwaitsInventory => Receipts is { IsUp: true } && Receipts.Value!.Items.Any(r => r.Posting == ReceiptPostingStatus.Pending);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken) ?? Page();

    /// <summary>The purchase order to send to the supplier (PDF).</summary>
    public async Task<IActionResult> OnGetPdfAsync(CancellationToken cancellationToken) =>
        await documents.PurchaseOrderAsync(Id, cancellationToken) is { } pdf
            ? File(pdf, Documents.DocumentComposer.ContentType, $"purchase-order-{Id:N}.pdf")
            : NotFound();

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ?? ProcurementPages.Reload(this, Order.Down);

    /// <summary>The receipts and returns part: polled while inventory has not posted a receipt yet, and the retry when procurement was down.</summary>
    public async Task<IActionResult> OnGetActivityAsync(CancellationToken cancellationToken)
    {
        if (await LoadAsync(cancellationToken) is { } result)
            return result;
        return Order.IsUp ? Partial("_OrderActivity", this) : Partial("_Unavailable", Order.Down);
    }

    public Task<IActionResult> OnPostApproveAsync(long version, CancellationToken cancellationToken) =>
        ActAsync(FrontEndModule.Policies.Purchase, () => procurement.ApproveAsync(Id, version, cancellationToken), "was approved", cancellationToken);

    public Task<IActionResult> OnPostCancelAsync(long version, string? reason, CancellationToken cancellationToken) =>
        ActAsync(FrontEndModule.Policies.Purchase, () => procurement.CancelOrderAsync(Id, reason ?? "", version, cancellationToken), "was cancelled", cancellationToken);

    public Task<IActionResult> OnPostCloseAsync(long version, string? reason, CancellationToken cancellationToken) =>
        ActAsync(FrontEndModule.Policies.Purchase, () => procurement.CloseOrderAsync(Id, reason, version, cancellationToken), "was closed", cancellationToken);

    private async Task<IActionResult> ActAsync(string policy, Func<Task<ApiResult<PurchaseOrderDto>>> act, string done, CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, policy)).Succeeded)
            return Forbid();
        var result = await Section<ApiResult<PurchaseOrderDto>>.LoadAsync(act, Request.Path);
        if (result is { IsUp: true, Value.Succeeded: true })
        {
            TempData["Notice"] = $"Purchase order {result.Value.Value!.Number} {done}.";
            return Redirect($"/procurement/orders/{Id}");
        }
        ActionProblem = result.IsUp ? result.Value!.Problem : ProblemExtensions.Local("Procurement is unavailable; nothing was changed. Try again in a moment.");
        if (ActionProblem?.Status == System.Net.HttpStatusCode.PreconditionFailed)
            ActionProblem = ProblemExtensions.Local("The purchase order changed while you were looking at it.", "Its current state is shown below; try again if you still want to.");
        return await LoadAsync(cancellationToken) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        CanPurchase = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Purchase)).Succeeded;
        CanReceive = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.ReceivePurchases)).Succeeded;
        var retry = $"/procurement/orders/{Id}?handler=Activity";
        Order = await Section<PurchaseOrderDto?>.LoadAsync(() => procurement.OrderAsync(Id, cancellationToken), $"/procurement/orders/{Id}?handler=Reload");
        if (Order.IsUp && Order.Value is null)
            return NotFound();
        if (!Order.IsUp)
            return null;
        var products = ProcurementPages.ProductsAsync(catalog, Value.Lines.Select(l => l.Sku), "", cancellationToken);
        var warehouses = ProcurementPages.WarehousesAsync(inventory, "", cancellationToken);
        var receipts = Section<PagedResult<GoodsReceiptDto>>.LoadAsync(() => procurement.ReceiptsAsync(Id, null, null, null, 1, 100, cancellationToken), retry);
        var returns = Section<PagedResult<SupplierReturnDto>>.LoadAsync(() => procurement.ReturnsAsync(null, Id, null, 1, 100, cancellationToken), retry);
        (Products, Warehouses, Receipts, Returns) = (await products, await warehouses, await receipts, await returns);
        return null;
    }
}
