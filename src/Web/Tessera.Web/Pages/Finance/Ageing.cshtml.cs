using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Finance.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Finance;

/// <summary>Receivables or payables by how long they are past due, as of a date.</summary>
public sealed class AgeingModel(FinanceApi finance) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Kind { get; set; } = "ar";
    [BindProperty(SupportsGet = true)] public DateOnly? AsOf { get; set; }

    public Section<AgeingDto> Ageing { get; private set; } = null!;
    public string Currency { get; private set; } = "VND";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Kind = Kind == "ap" ? "ap" : "ar";
        Ageing = await Section<AgeingDto>.LoadAsync(() => finance.AgeingAsync(Kind, AsOf, cancellationToken), $"/finance/ageing?handler=Reload&kind={Kind}");
        Currency = (await Section<LedgerSettingsDto>.LoadAsync(() => finance.LedgerAsync(cancellationToken), "")).Value?.Currency ?? Currency;
    }

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken)
    {
        await OnGetAsync(cancellationToken);
        return PageReload.Of(this, Ageing.Down);
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        var file = await finance.CsvAsync("/api/finance/ageing?" + ListQuery.Of(("kind", Kind == "ap" ? "ap" : "ar"), ("asOf", AsOf?.ToString("yyyy-MM-dd"))), cancellationToken);
        return File(file.Content, "text/csv; charset=utf-8", file.FileName);
    }
}
