using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Finance.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Finance;

/// <summary>The income statement over a period (B02-DN for the Vietnamese chart).</summary>
public sealed class IncomeStatementModel(FinanceApi finance) : PageModel
{
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }

    public Section<IncomeStatementDto> Statement { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Statement = await Section<IncomeStatementDto>.LoadAsync(() => finance.IncomeStatementAsync(From, To, cancellationToken), "/finance/income-statement?handler=Reload");

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken)
    {
        await OnGetAsync(cancellationToken);
        return PageReload.Of(this, Statement.Down);
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        var file = await finance.CsvAsync("/api/finance/income-statement?" + ListQuery.Of(("from", From?.ToString("yyyy-MM-dd")), ("to", To?.ToString("yyyy-MM-dd"))),
            cancellationToken);
        return File(file.Content, "text/csv; charset=utf-8", file.FileName);
    }
}
