using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Finance.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Finance;

/// <summary>The journal, newest first, filtered by account, source document and dates; 50 entries a page.</summary>
public sealed class JournalModel(FinanceApi finance, IAuthorizationService authorization) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Account { get; set; }
    [BindProperty(SupportsGet = true)] public string? SourceType { get; set; }
    [BindProperty(SupportsGet = true)] public string? SourceId { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public string? Before { get; set; }

    public Section<JournalEntryPageDto> Entries { get; private set; } = null!;
    public string Currency { get; private set; } = "VND";
    public bool CanPost { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        CanPost = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.KeepBooks)).Succeeded;
        Entries = await Section<JournalEntryPageDto>.LoadAsync(() => finance.EntriesAsync(Account, SourceType, SourceId, From, To, Before, cancellationToken),
            "/finance/journal?handler=Reload&" + Query(Before));
        Currency = (await Section<LedgerSettingsDto>.LoadAsync(() => finance.LedgerAsync(cancellationToken), "")).Value?.Currency ?? Currency;
    }

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken)
    {
        await OnGetAsync(cancellationToken);
        return PageReload.Of(this, Entries.Down);
    }

    public string Query(string? before) => ListQuery.Of(("account", Account), ("sourceType", SourceType), ("sourceId", SourceId),
        ("from", From?.ToString("yyyy-MM-dd")), ("to", To?.ToString("yyyy-MM-dd")), ("before", before));
}
