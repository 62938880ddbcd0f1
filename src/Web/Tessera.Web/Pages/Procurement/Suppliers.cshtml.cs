using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Procurement.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Procurement;

/// <summary>Suppliers by code, searched by code or name, or found by a contact's exact phone or e-mail (the service matches keyed hashes).</summary>
public sealed class SuppliersModel(ProcurementApi procurement, IAuthorizationService authorization) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)] public string? Search { get; set; }
    [BindProperty(SupportsGet = true)] public string? Active { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int? PageNumber { get; set; }

    public Section<PagedResult<SupplierDto>> Suppliers { get; private set; } = null!;
    public bool CanPurchase { get; private set; }

    public Pager Pager => new(Suppliers.Value!.Page, PageSize, Suppliers.Value.Total, Link);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        CanPurchase = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Purchase)).Succeeded;
        Suppliers = await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnGetTableAsync(CancellationToken cancellationToken)
    {
        Response.Headers["HX-Replace-Url"] = Link(Pager.Clamp(PageNumber));
        Suppliers = await LoadAsync(cancellationToken);
        return Partial("_SupplierTable", this);
    }

    private Task<Section<PagedResult<SupplierDto>>> LoadAsync(CancellationToken cancellationToken)
    {
        var active = Active switch { "true" => true, "false" => (bool?)false, _ => null };
        return Section<PagedResult<SupplierDto>>.LoadAsync(() => procurement.SuppliersAsync(Search, active, Pager.Clamp(PageNumber), PageSize, cancellationToken),
            "/procurement/suppliers?handler=Table&" + Query(Pager.Clamp(PageNumber)));
    }

    public string Link(int page) => "/procurement/suppliers?" + Query(page);

    private string Query(int page) => ListQuery.Build(page, ("search", Search), ("active", Active));
}
