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
/// Reorder suggestions made when stock fell under its reorder point: the draft purchase order each was gathered into
/// (one per supplier and warehouse), SKUs no supplier sells, and a dismiss button. Names from the catalog and inventory.
/// </summary>
public sealed class SuggestionsModel(ProcurementApi procurement, CatalogApi catalog, InventoryApi inventory, IAuthorizationService authorization) : PageModel
{
    public const int PageSize = 50;
    public const string Live = "Open,NoSupplier";

    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Warehouse { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int? PageNumber { get; set; }

    public Section<PagedResult<ReorderSuggestionDto>> Suggestions { get; private set; } = null!;
    public Section<IReadOnlyDictionary<string, ProductDto>> Products { get; private set; } = null!;
    public Section<IReadOnlyDictionary<string, WarehouseDto>> Warehouses { get; private set; } = null!;
    public bool CanPurchase { get; private set; }
    public ApiProblem? Problem { get; private set; }

    public string StatusOrDefault => Status ?? Live;
    public Pager Pager => new(Suggestions.Value!.Page, PageSize, Suggestions.Value.Total, Link);

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public async Task<IActionResult> OnGetTableAsync(CancellationToken cancellationToken)
    {
        Response.Headers["HX-Replace-Url"] = Link(Pager.Clamp(PageNumber));
        await LoadAsync(cancellationToken);
        return Partial("_SuggestionTable", this);
    }

    public async Task<IActionResult> OnPostDismissAsync(Guid id, string? reason, CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Purchase)).Succeeded)
            return Forbid();
        var result = await Section<ApiResult<ReorderSuggestionDto>>.LoadAsync(() => procurement.DismissSuggestionAsync(id, reason, cancellationToken), Request.Path);
        if (result is { IsUp: true, Value.Succeeded: true })
        {
            TempData["Notice"] = $"The suggestion for {result.Value.Value!.Sku} in {result.Value.Value.Warehouse} was dismissed.";
            return Redirect(Link(Pager.Clamp(PageNumber)));
        }
        Problem = result.IsUp ? result.Value!.Problem : ProblemExtensions.Local("Procurement is unavailable; nothing was dismissed.");
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        CanPurchase = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Purchase)).Succeeded;
        var retry = "/procurement/suggestions?handler=Table&" + Query(Pager.Clamp(PageNumber));
        var suggestions = Section<PagedResult<ReorderSuggestionDto>>.LoadAsync(
            () => procurement.SuggestionsAsync(StatusOrDefault == "all" ? null : StatusOrDefault, Warehouse, null, Pager.Clamp(PageNumber), PageSize, cancellationToken), retry);
        var warehouses = ProcurementPages.WarehousesAsync(inventory, retry, cancellationToken);
        (Suggestions, Warehouses) = (await suggestions, await warehouses);
        Products = Suggestions.IsUp
            ? await ProcurementPages.ProductsAsync(catalog, Suggestions.Value!.Items.Select(s => s.Sku), "", cancellationToken)
            : new Section<IReadOnlyDictionary<string, ProductDto>>(new Dictionary<string, ProductDto>(), null);
    }

    public string Link(int page) => "/procurement/suggestions?" + Query(page);

    private string Query(int page) => ListQuery.Build(page, ("status", Status), ("warehouse", Warehouse));
}
