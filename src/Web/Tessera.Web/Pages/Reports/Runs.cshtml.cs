using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Reporting.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Reports;

/// <summary>The warehouse's runs, newest first, and "Run now" for finance and administrators.</summary>
public sealed class RunsModel(ReportingApi reporting, IAuthorizationService authorization) : PageModel
{
    public Section<IReadOnlyList<RunSummaryDto>> Runs { get; private set; } = null!;
    public bool CanRun { get; private set; }

    [TempData]
    public string? Notice { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        CanRun = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.RunReports)).Succeeded;
        Runs = await Section<IReadOnlyList<RunSummaryDto>>.LoadAsync(() => reporting.RunsAsync(50, cancellationToken), "/reports/runs");
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.RunReports)).Succeeded)
            return Forbid();
        var started = await reporting.StartRunAsync(null, null, null, false, cancellationToken);
        if (!started.Succeeded)
        {
            Notice = started.Problem!.Detail ?? started.Problem.Title;
            return RedirectToPage();
        }
        return Redirect($"/reports/runs/{started.Value!.Id}");
    }
}
