using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Reporting.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Reports;

public sealed record Quality(
    IReadOnlyList<TestResultDto> Tests, IReadOnlyList<FreshnessDto> Freshness, IReadOnlyList<OdsSourceDto> Sources, IReadOnlyList<ReconciliationDto> Reconciliation,
    IReadOnlyList<AlertDto> Alerts);

/// <summary>Can the figures be trusted: the latest data tests, each source's freshness, the reconciliation of a day, open alerts.</summary>
public sealed class QualityModel(ReportingApi reporting, Formatting fmt, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public DateOnly? Date { get; set; }

    public DateOnly Day => Date ?? fmt.Today(clock).AddDays(-1);

    public Section<Quality> Quality { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Quality = await Section<Quality>.LoadAsync(async () =>
        {
            var tests = reporting.TestResultsAsync(cancellationToken);
            var freshness = reporting.FreshnessAsync(cancellationToken);
            var sources = reporting.OdsSourcesAsync(cancellationToken);
            var reconciliation = reporting.ReconciliationAsync(Day, cancellationToken);
            var alerts = reporting.AlertsAsync(cancellationToken);
            return new Quality(await tests, await freshness, await sources, await reconciliation, await alerts);
        }, Request.Path + Request.QueryString);
}
