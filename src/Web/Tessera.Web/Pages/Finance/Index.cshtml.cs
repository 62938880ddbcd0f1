using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Finance.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Finance;

/// <summary>The trial balance as of a date (and the movements of a period when From is set), each account a link to its statement.</summary>
public sealed class IndexModel(FinanceApi finance) : PageModel
{
    [BindProperty(SupportsGet = true)] public DateOnly? AsOf { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }

    public Section<TrialBalanceDto> Trial { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Trial = await Section<TrialBalanceDto>.LoadAsync(() => finance.TrialBalanceAsync(AsOf, From, cancellationToken), "/finance?handler=Reload");

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken)
    {
        await OnGetAsync(cancellationToken);
        return PageReload.Of(this, Trial.Down);
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        var file = await finance.CsvAsync("/api/finance/trial-balance?" + ListQuery.Of(("asOf", AsOf?.ToString("yyyy-MM-dd")), ("from", From?.ToString("yyyy-MM-dd"))),
            cancellationToken);
        return File(file.Content, "text/csv; charset=utf-8", file.FileName);
    }

    public string StatementLink(string account) =>
        $"/finance/accounts/{Uri.EscapeDataString(account)}?" + ListQuery.Of(("from", From is { } f ? FinancePages.Iso(f) : null),
            ("to", Trial.Value is { } t ? FinancePages.Iso(t.AsOf) : null));
}
