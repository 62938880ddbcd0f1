using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Finance.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Finance;

/// <summary>The posting rules in force: for each business event, the entry lines it makes.</summary>
public sealed class RulesModel(FinanceApi finance) : PageModel
{
    public Section<List<PostingRuleDto>> Rules { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Rules = await Section<List<PostingRuleDto>>.LoadAsync(() => finance.RulesAsync(cancellationToken), "/finance/posting-rules?handler=Reload");

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken)
    {
        await OnGetAsync(cancellationToken);
        return PageReload.Of(this, Rules.Down);
    }
}
