using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Logistics.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Shipments;

/// <summary>Shipments, newest first, filtered by status, warehouse, carrier, creation date, number or waybill, and order.</summary>
public sealed class IndexModel(LogisticsApi logistics, Formatting fmt) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public Guid? OrderId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Warehouse { get; set; }
    [BindProperty(SupportsGet = true)] public string? Carrier { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Search { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int? PageNumber { get; set; }

    public Section<PagedResult<ShipmentSummaryDto>> Shipments { get; private set; } = null!;
    public IReadOnlyList<CarrierDto> Carriers { get; private set; } = [];

    public Pager Pager => new(Pager.Clamp(PageNumber), PageSize, Shipments.Value!.Total, Link);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var carriers = await Section<IReadOnlyList<CarrierDto>>.LoadAsync(() => logistics.CarriersAsync(cancellationToken), "");
        Carriers = carriers.Value ?? [];
        Shipments = await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnGetTableAsync(CancellationToken cancellationToken)
    {
        Response.Headers["HX-Replace-Url"] = Link(Pager.Clamp(PageNumber));
        Shipments = await LoadAsync(cancellationToken);
        return Partial("_ShipmentTable", this);
    }

    private Task<Section<PagedResult<ShipmentSummaryDto>>> LoadAsync(CancellationToken cancellationToken) =>
        Section<PagedResult<ShipmentSummaryDto>>.LoadAsync(
            // Dates are the tenant's business days: from the start of From to the end of To.
            () => logistics.ShipmentsAsync(new ShipmentFilter(OrderId, Status, Warehouse, Carrier,
                From is { } from ? fmt.StartOf(from) : null, To is { } to ? fmt.StartOf(to.AddDays(1)) : null, Search), Pager.Clamp(PageNumber), PageSize, cancellationToken),
            "/shipments?handler=Table&" + Query(Pager.Clamp(PageNumber)));

    public string Link(int page) => "/shipments?" + Query(page);

    public string Query(int page) => ListQuery.Build(page, ("orderId", OrderId?.ToString()), ("status", Status), ("warehouse", Warehouse), ("carrier", Carrier),
        ("from", From?.ToString("yyyy-MM-dd")), ("to", To?.ToString("yyyy-MM-dd")), ("search", Search));
}
