using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Catalog.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Products;

public sealed class IndexModel(CatalogApi catalog, IAuthorizationService authorization) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Category { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public int? PageNumber { get; set; }

    public Section<PagedResult<ProductDto>> Products { get; private set; } = null!;
    public IReadOnlyList<string> Categories { get; private set; } = [];
    public bool CanManage { get; private set; }

    public Pager Pager => new(Products.Value!.Page, PageSize, Products.Value.Total, Link);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        CanManage = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.ManageProducts)).Succeeded;
        Products = await LoadAsync(cancellationToken);
        if (Products.IsUp)
            Categories = await catalog.CategoriesAsync(cancellationToken);
    }

    /// <summary>The table alone: what the search box and the retry of an unavailable catalog fetch.</summary>
    public async Task<IActionResult> OnGetTableAsync(CancellationToken cancellationToken)
    {
        // The address bar follows the filters, so a reload or a shared link shows the same list.
        Response.Headers["HX-Replace-Url"] = Link(Pager.Clamp(PageNumber));
        CanManage = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.ManageProducts)).Succeeded;
        Products = await LoadAsync(cancellationToken);
        return Partial("_ProductTable", this);
    }

    private Task<Section<PagedResult<ProductDto>>> LoadAsync(CancellationToken cancellationToken) =>
        Section<PagedResult<ProductDto>>.LoadAsync(
            () => catalog.ListAsync(Search, Category, Pager.Clamp(PageNumber), PageSize, cancellationToken),
            "/products?handler=Table&" + Query(Pager.Clamp(PageNumber)));

    public string Link(int page) => "/products?" + Query(page);

    private string Query(int page) => ListQuery.Build(page, ("search", Search), ("category", Category));
}
