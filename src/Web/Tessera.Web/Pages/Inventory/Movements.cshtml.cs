using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Inventory.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Inventory;

/// <summary>
/// The ledger: every movement that explains stock, newest first, with the running balance of its SKU in its warehouse
/// after it. Paged by cursor (the oldest movement shown), so a page far back in a long history is as fast as the first.
/// </summary>
public sealed class MovementsModel(InventoryApi inventory) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public string? Sku { get; set; }
    [BindProperty(SupportsGet = true)] public string? Warehouse { get; set; }
    [BindProperty(SupportsGet = true)] public string? Before { get; set; }

    public Section<MovementHistoryPageDto> Movements { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) => Movements = await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnGetTableAsync(CancellationToken cancellationToken)
    {
        // The address bar follows the filters, so a reload or a shared link shows the same list.
        Response.Headers["HX-Replace-Url"] = Link(Before);
        Movements = await LoadAsync(cancellationToken);
        return Partial("_MovementTable", this);
    }

    private Task<Section<MovementHistoryPageDto>> LoadAsync(CancellationToken cancellationToken) =>
        Section<MovementHistoryPageDto>.LoadAsync(() => inventory.HistoryAsync(Blank(Sku), Blank(Warehouse), Blank(Before), PageSize, cancellationToken),
            "/inventory/movements?handler=Table&" + Query(Before));

    public string Link(string? before) => "/inventory/movements?" + Query(before);

    private string Query(string? before) => ListQuery.Of(("sku", Sku), ("warehouse", Warehouse), ("before", before));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
