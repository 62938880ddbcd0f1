using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Finance.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Finance;

/// <summary>A manual journal entry: a date, what it is, and lines on accounts that must balance. Empty lines are left out.</summary>
public sealed class NewEntryModel(FinanceApi finance, Formatting fmt, TimeProvider clock) : PageModel
{
    public const int Rows = 6;

    [BindProperty] public DateOnly? Date { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public List<EntryLineInput> Lines { get; set; } = [];
    [BindProperty] public string IdempotencyKey { get; set; } = Guid.NewGuid().ToString();

    public ApiProblem? Problem { get; private set; }
    public Section<List<AccountDto>> Accounts { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Date = fmt.Today(clock);
        await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var lines = Lines.Where(l => !string.IsNullOrWhiteSpace(l.Account) || l.Debit is > 0 || l.Credit is > 0).ToList();
        var result = await Section<ApiResult<JournalEntryDto>>.LoadAsync(
            () => finance.PostEntryAsync(new ManualEntryInput(Date, Description, lines), IdempotencyKey, cancellationToken), Request.Path);
        if (result is { IsUp: true, Value.Succeeded: true })
        {
            TempData["Notice"] = $"Entry #{result.Value.Value!.Number} was posted.";
            return Redirect($"/finance/entries/{result.Value.Value.Id}");
        }
        Problem = result.IsUp ? result.Value!.Problem
            : ProblemExtensions.Local("Finance is unavailable; the entry was not posted.", "Try again in a moment: sending the form again will not post it twice.");
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        while (Lines.Count < Rows)
            Lines.Add(new EntryLineInput(null, null, null, null));
        Accounts = await Section<List<AccountDto>>.LoadAsync(() => finance.AccountsAsync(cancellationToken), "");
    }
}
