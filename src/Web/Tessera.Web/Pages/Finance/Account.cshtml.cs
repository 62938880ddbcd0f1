using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Finance.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Finance;

/// <summary>An account's statement (general ledger): opening balance, each movement with its running balance and entry, closing balance.</summary>
public sealed class AccountModel(FinanceApi finance) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Code { get; set; } = "";
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? After { get; set; }

    public Section<AccountStatementDto?> Statement { get; private set; } = null!;
    public string Currency { get; private set; } = "VND";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken) ?? Page();

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ?? PageReload.Of(this, Statement.Down);

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        var file = await finance.CsvAsync($"/api/finance/accounts/{Uri.EscapeDataString(Code)}/statement?" + Query(null), cancellationToken);
        return File(file.Content, "text/csv; charset=utf-8", file.FileName);
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        Statement = await Section<AccountStatementDto?>.LoadAsync(() => finance.StatementAsync(Code, From, To, After, cancellationToken),
            $"/finance/accounts/{Uri.EscapeDataString(Code)}?handler=Reload&{Query(After)}");
        if (Statement.IsUp && Statement.Value is null)
            return NotFound();
        Currency = (await Section<LedgerSettingsDto>.LoadAsync(() => finance.LedgerAsync(cancellationToken), "")).Value?.Currency ?? Currency;
        return null;
    }

    public string Query(string? after) => ListQuery.Of(("from", From?.ToString("yyyy-MM-dd")), ("to", To?.ToString("yyyy-MM-dd")), ("after", after));
}
