using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Finance.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Finance;

/// <summary>The balance sheet as of a date (B01-DN for the Vietnamese chart).</summary>
public sealed class BalanceSheetModel(FinanceApi finance) : PageModel
{
    [BindProperty(SupportsGet = true)] public DateOnly? AsOf { get; set; }

    public Section<BalanceSheetDto> Sheet { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Sheet = await Section<BalanceSheetDto>.LoadAsync(() => finance.BalanceSheetAsync(AsOf, cancellationToken), "/finance/balance-sheet?handler=Reload");

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken)
    {
        await OnGetAsync(cancellationToken);
        return PageReload.Of(this, Sheet.Down);
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        var file = await finance.CsvAsync("/api/finance/balance-sheet?" + ListQuery.Of(("asOf", AsOf?.ToString("yyyy-MM-dd"))), cancellationToken);
        return File(file.Content, "text/csv; charset=utf-8", file.FileName);
    }
}
