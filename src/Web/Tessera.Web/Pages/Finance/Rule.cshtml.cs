using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Finance.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Finance;

/// <summary>One posting rule: its versions, and (for accountants) a form for the next version. A refused rule shows the reason.</summary>
public sealed class RuleModel(FinanceApi finance, IAuthorizationService authorization) : PageModel
{
    public const int Rows = 8;

    [BindProperty(SupportsGet = true)] public string Posting { get; set; } = "";
    [BindProperty] public List<PostingRuleLineDto> Lines { get; set; } = [];
    [BindProperty] public string? Note { get; set; }

    public Section<List<PostingRuleDto>?> Versions { get; private set; } = null!;
    public bool CanPost { get; private set; }
    public ApiProblem? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var missing = await LoadAsync(cancellationToken);
        if (missing is not null)
            return missing;
        Lines = [.. Versions.Value?.FirstOrDefault()?.Lines ?? []];
        Pad();
        return Page();
    }

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken) ?? PageReload.Of(this, Versions.Down);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.KeepBooks)).Succeeded)
            return Forbid();
        var lines = Lines.Where(l => !string.IsNullOrWhiteSpace(l.Account) || !string.IsNullOrWhiteSpace(l.Amount)).ToList();
        var result = await Section<ApiResult<PostingRuleDto>>.LoadAsync(() => finance.ChangeRuleAsync(Posting, lines, Note, cancellationToken), Request.Path);
        if (result is { IsUp: true, Value.Succeeded: true })
        {
            TempData["Notice"] = $"Version {result.Value.Value!.Version} of {Posting} is in force for what happens from now on.";
            return Redirect($"/finance/posting-rules/{Posting}");
        }
        Problem = result.IsUp ? result.Value!.Problem : ProblemExtensions.Local("Finance is unavailable; the rule was not changed.");
        await LoadAsync(cancellationToken);
        Pad();
        return Page();
    }

    private void Pad()
    {
        while (Lines.Count < Rows)
            Lines.Add(new PostingRuleLineDto("debit", "", ""));
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        CanPost = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.KeepBooks)).Succeeded;
        Versions = await Section<List<PostingRuleDto>?>.LoadAsync(() => finance.RuleAsync(Posting, cancellationToken), $"/finance/posting-rules/{Posting}?handler=Reload");
        return Versions.IsUp && Versions.Value is null ? NotFound() : null;
    }
}
