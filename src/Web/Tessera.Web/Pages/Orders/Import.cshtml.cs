using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Orders.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Orders;

/// <summary>
/// One import: its progress (refreshing itself every second until it is finished; a reload shows the same without
/// script), its counts, and the report of rejected rows with their reasons, paged by row number.
/// </summary>
public sealed class ImportModel(OrdersApi orders) : PageModel
{
    public const int RejectionPageSize = 50;

    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }

    /// <summary>The report continues after this row (the previous page's last).</summary>
    [BindProperty(SupportsGet = true)] public int? After { get; set; }

    public Section<ImportReport?> Report { get; private set; } = null!;

    public sealed record ImportReport(OrderImportDto Import, ImportRejectionPageDto Rejections);

    public OrderImportDto Import => Report.Value!.Import;
    public ImportRejectionPageDto Rejections => Report.Value!.Rejections;
    public string LiveUrl => $"/orders/imports/{Id}?handler=Live" + (After is { } after ? $"&after={after}" : "");

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken) ?? Page();

    /// <summary>Progress, counts and the report alone: polled while the import runs, and the retry of an unavailable orders service.</summary>
    public async Task<IActionResult> OnGetLiveAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ?? Partial("_ImportLive", this);

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        Report = await Section<ImportReport?>.LoadAsync(async () =>
        {
            var import = await orders.ImportAsync(Id, cancellationToken);
            if (import is null)
                return null;
            var rejections = await orders.RejectionsAsync(Id, After, RejectionPageSize, cancellationToken);
            return rejections is null ? null : new ImportReport(import, rejections);
        }, LiveUrl);
        return Report.IsUp && Report.Value is null ? NotFound() : null;
    }
}
