using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Catalog.Contracts;
using Tessera.Procurement.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Procurement;

/// <summary>A row of the "add prices" form; Key names it in the form, Index is its place among the prices sent.</summary>
public sealed class PriceRow
{
    public string Key { get; set; } = Guid.NewGuid().ToString("N")[..8];
    public string Sku { get; set; } = "";
    public decimal? UnitPrice { get; set; }
    public decimal? MinQuantity { get; set; }
    public int? LeadTimeDays { get; set; }
    public DateOnly? ValidFrom { get; set; }
    public DateOnly? ValidTo { get; set; }
    public bool Preferred { get; set; }
    public int Index { get; set; } = -1;

    public bool IsBlank => string.IsNullOrWhiteSpace(Sku) && UnitPrice is null && MinQuantity is null && LeadTimeDays is null && ValidFrom is null && ValidTo is null;
}

/// <summary>
/// Supplier prices, listed with product names composed from the catalog (one batch call per page); purchasing adds
/// several at once for one supplier and deletes them.
/// </summary>
public sealed class PricesModel(ProcurementApi procurement, CatalogApi catalog, IAuthorizationService authorization) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public Guid? Supplier { get; set; }
    [BindProperty(SupportsGet = true)] public string? Sku { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int? PageNumber { get; set; }
    [BindProperty] public Guid? NewSupplier { get; set; }
    [BindProperty] public List<PriceRow> Rows { get; set; } = [];
    [BindProperty] public string IdempotencyKey { get; set; } = Guid.NewGuid().ToString();

    public Section<PagedResult<SupplierPriceDto>> Prices { get; private set; } = null!;
    public Section<IReadOnlyDictionary<string, ProductDto>> Products { get; private set; } = null!;
    public IReadOnlyList<SupplierDto> Suppliers { get; private set; } = [];
    public bool CanPurchase { get; private set; }
    public ApiProblem? Problem { get; private set; }

    public Pager Pager => new(Prices.Value!.Page, PageSize, Prices.Value.Total, Link);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        NewSupplier = Supplier;
        Rows = [new PriceRow()];
        await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnGetTableAsync(CancellationToken cancellationToken)
    {
        Response.Headers["HX-Replace-Url"] = Link(Pager.Clamp(PageNumber));
        await LoadAsync(cancellationToken);
        return Partial("_PriceTable", this);
    }

    public IActionResult OnGetRow() => Partial("_PriceRow", (new PriceRow(), (ApiProblem?)null));

    public async Task<IActionResult> OnPostAddAsync(CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Purchase)).Succeeded)
            return Forbid();
        Rows = Rows.Where(r => !r.IsBlank).ToList();
        for (var i = 0; i < Rows.Count; i++)
            Rows[i].Index = i;
        if (NewSupplier is null)
            Problem = ProblemExtensions.Local("Choose the supplier these prices are from.", field: "supplier", message: "Choose a supplier.");
        else if (Rows.Count == 0)
            Problem = ProblemExtensions.Local("Enter at least one price.", field: "prices", message: "Enter at least one price.");
        else
        {
            var input = Rows.Select(r => new SupplierPriceInput(r.Sku.Trim(), r.UnitPrice, r.MinQuantity, r.LeadTimeDays, r.ValidFrom, r.ValidTo, r.Preferred)).ToList();
            var result = await Section<ApiResult<List<SupplierPriceDto>>>.LoadAsync(
                () => procurement.AddPricesAsync(NewSupplier.Value, input, IdempotencyKey, cancellationToken), Request.Path);
            if (result is { IsUp: true, Value.Succeeded: true })
            {
                TempData["Notice"] = $"{result.Value.Value!.Count} price(s) were added.";
                return Redirect($"/procurement/prices?supplier={NewSupplier}");
            }
            Problem = result.IsUp ? result.Value!.Problem
                : ProblemExtensions.Local("Procurement is unavailable; no price was added.", "Try again in a moment: sending the form again will not add them twice.");
        }
        if (Rows.Count == 0)
            Rows.Add(new PriceRow());
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, long version, CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Purchase)).Succeeded)
            return Forbid();
        var problem = await Section<ApiProblem?>.LoadAsync(() => procurement.DeletePriceAsync(id, version, cancellationToken), Request.Path);
        if (problem is { IsUp: true, Value: null })
        {
            TempData["Notice"] = "The price was deleted.";
            return Redirect(Link(Pager.Clamp(PageNumber)));
        }
        Problem = problem.IsUp ? problem.Value : ProblemExtensions.Local("Procurement is unavailable; the price was not deleted.");
        Rows = [new PriceRow()];
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        CanPurchase = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Purchase)).Succeeded;
        Prices = await Section<PagedResult<SupplierPriceDto>>.LoadAsync(
            () => procurement.PricesAsync(Supplier, Sku, Pager.Clamp(PageNumber), PageSize, cancellationToken), "/procurement/prices?handler=Table&" + Query(Pager.Clamp(PageNumber)));
        Products = Prices.IsUp
            ? await ProcurementPages.ProductsAsync(catalog, Prices.Value!.Items.Select(p => p.Sku), "", cancellationToken)
            : new Section<IReadOnlyDictionary<string, ProductDto>>(new Dictionary<string, ProductDto>(), null);
        if (Prices.IsUp)
            Suppliers = (await Section<PagedResult<SupplierDto>>.LoadAsync(() => procurement.SuppliersAsync(null, true, 1, 500, cancellationToken), "")).Value?.Items ?? [];
    }

    public string Link(int page) => "/procurement/prices?" + Query(page);

    private string Query(int page) => ListQuery.Build(page, ("supplier", Supplier?.ToString()), ("sku", Sku));
}
