using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Logistics.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Shipments;

/// <summary>Tracking updates whose waybill matched no shipment: a carrier sending for a parcel Tessera does not know, or before its dispatch was recorded.</summary>
public sealed class TrackingModel(LogisticsApi logistics) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "page")] public int? PageNumber { get; set; }

    public Section<PagedResult<UnmatchedTrackingDto>> Updates { get; private set; } = null!;

    public Pager Pager => new(Pager.Clamp(PageNumber), PageSize, Updates.Value!.Total, page => $"/shipments/tracking?page={page}");

    public async Task OnGetAsync(CancellationToken cancellationToken) => Updates = await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnGetTableAsync(CancellationToken cancellationToken)
    {
        Updates = await LoadAsync(cancellationToken);
        return Partial("_UnmatchedTable", this);
    }

    private Task<Section<PagedResult<UnmatchedTrackingDto>>> LoadAsync(CancellationToken cancellationToken) =>
        Section<PagedResult<UnmatchedTrackingDto>>.LoadAsync(() => logistics.UnmatchedTrackingAsync(Pager.Clamp(PageNumber), PageSize, cancellationToken),
            $"/shipments/tracking?handler=Table&page={Pager.Clamp(PageNumber)}");
}
