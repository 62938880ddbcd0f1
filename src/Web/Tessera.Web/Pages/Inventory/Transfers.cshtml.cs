using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Inventory.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Inventory;

/// <summary>Transfers between warehouses, newest first, by status and warehouse.</summary>
public sealed class TransfersModel(InventoryApi inventory, IAuthorizationService authorization) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Warehouse { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int? PageNumber { get; set; }

    public Section<PagedResult<TransferDto>> Transfers { get; private set; } = null!;
    public bool CanManage { get; private set; }

    public Pager Pager => new(Pager.Clamp(PageNumber), PageSize, Transfers.Value!.Total,
        page => "/inventory/transfers?" + ListQuery.Build(page, ("status", Status), ("warehouse", Warehouse)));

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        CanManage = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.ReceiveStock)).Succeeded;
        Transfers = await Section<PagedResult<TransferDto>>.LoadAsync(
            () => inventory.TransfersAsync(Status, string.IsNullOrWhiteSpace(Warehouse) ? null : Warehouse.Trim(), Pager.Clamp(PageNumber), PageSize, cancellationToken),
            Request.Path + Request.QueryString);
    }
}
