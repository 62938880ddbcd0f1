using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Logistics.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Shipments;

/// <summary>Shipments, newest first, filtered by status, warehouse, carrier, creation date, number or waybill, and order.</summary>
public sealed class IndexModel(LogisticsApi logistics, Formatting fmt, IAuthorizationService authorization,
    Documents.DocumentComposer documents) : PageModel
{
    public const int PageSize = 50;

    /// <summary>The shipments ticked for a bulk action.</summary>
    [BindProperty] public List<Guid> Ids { get; set; } = [];
    [BindProperty] public string? Action { get; set; }
    [BindProperty] public string? BulkCarrier { get; set; }
    [BindProperty] public decimal? WeightKg { get; set; } = 1m;
    [BindProperty] public decimal? LengthCm { get; set; } = 30m;
    [BindProperty] public decimal? WidthCm { get; set; } = 20m;
    [BindProperty] public decimal? HeightCm { get; set; } = 10m;

    public bool CanShip { get; private set; }
    public ShipmentBatchResultDto? BulkResult { get; private set; }
    public ApiProblem? BulkProblem { get; private set; }

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
        CanShip = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Ship)).Succeeded;
        var carriers = await Section<IReadOnlyList<CarrierDto>>.LoadAsync(() => logistics.CarriersAsync(cancellationToken), "");
        Carriers = carriers.Value ?? [];
        Shipments = await LoadAsync(cancellationToken);
    }

    /// <summary>Pick, pack or dispatch the ticked shipments together; each that cannot take the step is named with the reason.</summary>
    public async Task<IActionResult> OnPostBulkAsync(CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Ship)).Succeeded)
            return Forbid();
        if (Ids.Count == 0)
            BulkProblem = ProblemExtensions.Local("Select at least one shipment.");
        else if (Action is not ("pick" or "pack" or "dispatch"))
            BulkProblem = ProblemExtensions.Local("Choose what to do with the selected shipments.");
        else
        {
            var packages = Action == "pack" ? new List<PackageInput> { new(WeightKg, LengthCm, WidthCm, HeightCm) } : null;
            var result = await Section<ApiResult<ShipmentBatchResultDto>>.LoadAsync(
                () => logistics.BatchAsync(Action, Ids, packages, string.IsNullOrWhiteSpace(BulkCarrier) ? null : BulkCarrier, cancellationToken), "");
            if (!result.IsUp)
                BulkProblem = ProblemExtensions.Local("Logistics is unavailable; nothing was done.", "Try again in a moment.");
            else if (!result.Value!.Succeeded)
                BulkProblem = result.Value.Problem;
            else
                BulkResult = result.Value.Value;
        }
        await OnGetAsync(cancellationToken);
        return Page();
    }

    /// <summary>One pick list for the ticked shipments: what to take from which bin, added up per SKU.</summary>
    public async Task<IActionResult> OnPostPickListAsync(CancellationToken cancellationToken)
    {
        if (Ids.Count == 0)
        {
            BulkProblem = ProblemExtensions.Local("Select at least one shipment.");
            await OnGetAsync(cancellationToken);
            return Page();
        }
        var pdf = await documents.PickListAsync(Ids, cancellationToken);
        return pdf is null ? NotFound() : File(pdf, Documents.DocumentComposer.ContentType, "pick-list.pdf");
    }

    /// <summary>The shipments of the list's filters as CSV, every page of them.</summary>
    public Task<IActionResult> OnGetExportAsync(CancellationToken cancellationToken) =>
        CsvExport.WriteAsync(Response, "shipments.csv",
            ["number", "order", "warehouse", "carrier", "service_level", "waybill", "status", "lines", "quantity", "created_at", "updated_at"],
            CsvExport.Pages(page => logistics.ShipmentsAsync(Filter(), page, CsvExport.PageSize, cancellationToken),
                s => [s.Number, s.OrderNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Warehouse, s.Carrier, s.ServiceLevel, s.WaybillNumber,
                    s.Status.ToString(), s.LineCount.ToString(System.Globalization.CultureInfo.InvariantCulture), CsvExport.Number(s.Quantity),
                    CsvExport.Moment(s.CreatedAt), CsvExport.Moment(s.UpdatedAt)], cancellationToken),
            cancellationToken);

    private ShipmentFilter Filter() => new(OrderId, Status, Warehouse, Carrier,
        From is { } from ? fmt.StartOf(from) : null, To is { } to ? fmt.StartOf(to.AddDays(1)) : null, Search);

    public string ExportLink => "/shipments?handler=Export&" + Query(1);

    public async Task<IActionResult> OnGetTableAsync(CancellationToken cancellationToken)
    {
        Response.Headers["HX-Replace-Url"] = Link(Pager.Clamp(PageNumber));
        Shipments = await LoadAsync(cancellationToken);
        return Partial("_ShipmentTable", this);
    }

    private Task<Section<PagedResult<ShipmentSummaryDto>>> LoadAsync(CancellationToken cancellationToken) =>
        Section<PagedResult<ShipmentSummaryDto>>.LoadAsync(
            // Dates are the tenant's business days: from the start of From to the end of To.
            () => logistics.ShipmentsAsync(Filter(), Pager.Clamp(PageNumber), PageSize, cancellationToken),
            "/shipments?handler=Table&" + Query(Pager.Clamp(PageNumber)));

    public string Link(int page) => "/shipments?" + Query(page);

    public string Query(int page) => ListQuery.Build(page, ("orderId", OrderId?.ToString()), ("status", Status), ("warehouse", Warehouse), ("carrier", Carrier),
        ("from", From?.ToString("yyyy-MM-dd")), ("to", To?.ToString("yyyy-MM-dd")), ("search", Search));
}
