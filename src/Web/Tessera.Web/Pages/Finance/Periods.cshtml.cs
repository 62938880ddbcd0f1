using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Finance.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Finance;

/// <summary>Fiscal years and months, the lock date, closing a year, and who changed what.</summary>
public sealed class PeriodsModel(FinanceApi finance, IAuthorizationService authorization) : PageModel
{
    [BindProperty(SupportsGet = true)] public int? Year { get; set; }
    [BindProperty] public DateOnly? LockDate { get; set; }

    public Section<PeriodsDto> Periods { get; private set; } = null!;
    public bool CanPost { get; private set; }
    public ApiProblem? Problem { get; private set; }

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return PageReload.Of(this, Periods.Down);
    }

    public async Task<IActionResult> OnPostLockAsync(CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.KeepBooks)).Succeeded)
            return Forbid();
        if (LockDate is not { } date)
            Problem = ProblemExtensions.Local("Choose the last date to lock.", field: "lockDate");
        else
        {
            var result = await Section<ApiResult<LedgerSettingsDto>>.LoadAsync(() => finance.LockAsync(date, cancellationToken), Request.Path);
            if (result is { IsUp: true, Value.Succeeded: true })
            {
                TempData["Notice"] = $"The books are locked up to {Fmt(date)}.";
                return Redirect("/finance/periods");
            }
            Problem = result.IsUp ? result.Value!.Problem : ProblemExtensions.Local("Finance is unavailable; nothing was locked.");
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostCloseAsync(int close, CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.KeepBooks)).Succeeded)
            return Forbid();
        var result = await Section<ApiResult<JournalEntryDto>>.LoadAsync(() => finance.CloseYearAsync(close, cancellationToken), Request.Path);
        if (result is { IsUp: true, Value.Succeeded: true })
        {
            TempData["Notice"] = $"{close} is closed (entry #{result.Value.Value!.Number}).";
            return Redirect("/finance/periods");
        }
        Problem = result.IsUp ? result.Value!.Problem : ProblemExtensions.Local("Finance is unavailable; the year was not closed.");
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        CanPost = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.KeepBooks)).Succeeded;
        Periods = await Section<PeriodsDto>.LoadAsync(() => finance.PeriodsAsync(Year, cancellationToken), "/finance/periods?handler=Reload");
    }

    private static string Fmt(DateOnly date) => FinancePages.Iso(date);
}
