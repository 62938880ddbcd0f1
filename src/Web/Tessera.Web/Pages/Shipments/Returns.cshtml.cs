using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Logistics.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Shipments;

/// <summary>Customer returns, newest first, by status and order.</summary>
public sealed class ReturnsModel(LogisticsApi logistics, IAuthorizationService authorization) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? OrderId { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int? PageNumber { get; set; }

    public Section<PagedResult<ReturnDto>> Returns { get; private set; } = null!;
    public bool CanAuthorize { get; private set; }

    public Pager Pager => new(Pager.Clamp(PageNumber), PageSize, Returns.Value!.Total, Link);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        CanAuthorize = await ReturnRights.CanAuthorizeAsync(authorization, User);
        Returns = await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnGetTableAsync(CancellationToken cancellationToken)
    {
        Response.Headers["HX-Replace-Url"] = Link(Pager.Clamp(PageNumber));
        Returns = await LoadAsync(cancellationToken);
        return Partial("_ReturnTable", this);
    }

    private Task<Section<PagedResult<ReturnDto>>> LoadAsync(CancellationToken cancellationToken) =>
        Section<PagedResult<ReturnDto>>.LoadAsync(() => logistics.ReturnsAsync(OrderId, Status, Pager.Clamp(PageNumber), PageSize, cancellationToken),
            "/shipments/returns?handler=Table&" + Query(Pager.Clamp(PageNumber)));

    public string Link(int page) => "/shipments/returns?" + Query(page);

    public string Query(int page) => ListQuery.Build(page, ("status", Status), ("orderId", OrderId?.ToString()));
}

public static class ReturnRights
{
    /// <summary>Returns are authorized by sales (customer service) or the warehouse; received by the warehouse.</summary>
    public static async Task<bool> CanAuthorizeAsync(IAuthorizationService authorization, System.Security.Claims.ClaimsPrincipal user) =>
        (await authorization.AuthorizeAsync(user, FrontEndModule.Policies.Ship)).Succeeded
        || (await authorization.AuthorizeAsync(user, FrontEndModule.Policies.Sell)).Succeeded;
}
