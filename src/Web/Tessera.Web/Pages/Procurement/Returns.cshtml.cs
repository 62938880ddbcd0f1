using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Procurement.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Procurement;

/// <summary>Supplier returns with their state: Draft, Shipped (waiting for inventory), Completed or Refused (with inventory's reason).</summary>
public sealed class ReturnsModel(ProcurementApi procurement) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int? PageNumber { get; set; }

    public Section<PagedResult<SupplierReturnDto>> Returns { get; private set; } = null!;

    public Pager Pager => new(Returns.Value!.Page, PageSize, Returns.Value.Total, Link);

    public async Task OnGetAsync(CancellationToken cancellationToken) => Returns = await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnGetTableAsync(CancellationToken cancellationToken)
    {
        Response.Headers["HX-Replace-Url"] = Link(Pager.Clamp(PageNumber));
        Returns = await LoadAsync(cancellationToken);
        return Partial("_ReturnTable", this);
    }

    private Task<Section<PagedResult<SupplierReturnDto>>> LoadAsync(CancellationToken cancellationToken) =>
        Section<PagedResult<SupplierReturnDto>>.LoadAsync(() => procurement.ReturnsAsync(Status, null, null, Pager.Clamp(PageNumber), PageSize, cancellationToken),
            "/procurement/returns?handler=Table&" + Query(Pager.Clamp(PageNumber)));

    public string Link(int page) => "/procurement/returns?" + Query(page);

    private string Query(int page) => ListQuery.Build(page, ("status", Status));
}
