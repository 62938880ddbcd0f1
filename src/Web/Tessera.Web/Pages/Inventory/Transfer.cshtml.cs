using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Inventory.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Inventory;

public sealed class ReceiptEntry
{
    public string Sku { get; set; } = "";
    public decimal? Quantity { get; set; }
}

/// <summary>
/// One transfer: its lines with what is in transit and the cost it carries; ship a draft, cancel it, or receive what
/// arrived (in one or several deliveries). Each form carries an Idempotency-Key, so a double submit moves stock once.
/// </summary>
public sealed class TransferModel(InventoryApi inventory, IAuthorizationService authorization) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public List<ReceiptEntry> Receipts { get; set; } = [];
    [BindProperty] public string IdempotencyKey { get; set; } = Guid.NewGuid().ToString();

    public Section<TransferDto?> Transfer { get; private set; } = null!;
    public bool CanManage { get; private set; }
    public ApiProblem? Problem { get; private set; }
    private List<ReceiptEntry> _sent = [];

    public bool CanReceive => CanManage && Transfer.Value?.Status is "InTransit" or "PartiallyReceived";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostShipAsync(CancellationToken cancellationToken) =>
        await ActAsync(() => inventory.ShipTransferAsync(Id, IdempotencyKey, cancellationToken), "shipped", cancellationToken);

    public async Task<IActionResult> OnPostCancelAsync(CancellationToken cancellationToken) =>
        await ActAsync(() => inventory.CancelTransferAsync(Id, cancellationToken), "cancelled", cancellationToken);

    public async Task<IActionResult> OnPostReceiveAsync(CancellationToken cancellationToken)
    {
        _sent = Receipts.Where(r => r.Quantity is > 0).ToList();
        if (_sent.Count == 0)
        {
            Problem = ProblemExtensions.Local("Enter the quantity that arrived on at least one line.");
            _sent = Receipts;
            return await LoadAsync(cancellationToken) ?? Page();
        }
        return await ActAsync(() => inventory.ReceiveTransferAsync(Id, _sent.Select(r => new QuantityLineInput(r.Sku, r.Quantity)).ToList(), IdempotencyKey,
            cancellationToken), "received", cancellationToken);
    }

    /// <summary>The place of a line's SKU among the lines sent (the service names errors by it), or -1.</summary>
    public int ReceiveIndex(string sku) => _sent.FindIndex(r => r.Sku == sku);

    /// <summary>What the user typed for a line when the page comes back with a problem.</summary>
    public decimal? Entered(string sku) => Receipts.FirstOrDefault(r => r.Sku == sku)?.Quantity;

    private async Task<IActionResult> ActAsync(Func<Task<ApiResult<TransferDto>>> act, string done, CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.ReceiveStock)).Succeeded)
            return Forbid();
        var result = await Section<ApiResult<TransferDto>>.LoadAsync(act, Request.Path);
        if (result.IsUp && result.Value!.Succeeded)
        {
            TempData["Notice"] = $"Transfer {result.Value.Value!.Number} {done}.";
            return Redirect($"/inventory/transfers/{Id}");
        }
        Problem = result.IsUp ? result.Value!.Problem
            : ProblemExtensions.Local("Inventory is unavailable; nothing moved.", "Try again in a moment: sending the form again will not move stock twice.");
        return await LoadAsync(cancellationToken) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        CanManage = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.ReceiveStock)).Succeeded;
        Transfer = await Section<TransferDto?>.LoadAsync(() => inventory.TransferAsync(Id, cancellationToken), Request.Path);
        return Transfer.IsUp && Transfer.Value is null ? NotFound() : null;
    }
}
