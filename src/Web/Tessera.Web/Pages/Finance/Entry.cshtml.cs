using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Finance.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Finance;

/// <summary>One journal entry: its lines, where it comes from (a link to the source document), its hash, and its reversal.</summary>
public sealed class EntryModel(FinanceApi finance, IAuthorizationService authorization) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public Section<JournalEntryDto?> Entry { get; private set; } = null!;
    public string Currency { get; private set; } = "VND";
    public bool CanPost { get; private set; }
    public ApiProblem? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken) ?? Page();

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken) ?? PageReload.Of(this, Entry.Down);

    public async Task<IActionResult> OnPostReverseAsync(CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.KeepBooks)).Succeeded)
            return Forbid();
        var result = await Section<ApiResult<JournalEntryDto>>.LoadAsync(() => finance.ReverseAsync(Id, Reason ?? "", cancellationToken), Request.Path);
        if (result is { IsUp: true, Value.Succeeded: true })
        {
            TempData["Notice"] = $"Entry #{result.Value.Value!.Number} reverses this entry.";
            return Redirect($"/finance/entries/{result.Value.Value.Id}");
        }
        Problem = result.IsUp ? result.Value!.Problem : ProblemExtensions.Local("Finance is unavailable; nothing was reversed.");
        return await LoadAsync(cancellationToken) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        CanPost = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.KeepBooks)).Succeeded;
        Entry = await Section<JournalEntryDto?>.LoadAsync(() => finance.EntryAsync(Id, cancellationToken), $"/finance/entries/{Id}?handler=Reload");
        if (Entry.IsUp && Entry.Value is null)
            return NotFound();
        Currency = (await Section<LedgerSettingsDto>.LoadAsync(() => finance.LedgerAsync(cancellationToken), "")).Value?.Currency ?? Currency;
        return null;
    }
}
