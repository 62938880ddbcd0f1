using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Finance.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Finance;

/// <summary>Supplier bills, held ones first: why a held bill did not match its purchase order and receipts.</summary>
public sealed class BillsModel(FinanceApi finance) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }

    public Section<List<BillDto>> Bills { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Bills = await Section<List<BillDto>>.LoadAsync(() => finance.BillsAsync(Status, cancellationToken), "/finance/bills?handler=Reload");

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken)
    {
        await OnGetAsync(cancellationToken);
        return PageReload.Of(this, Bills.Down);
    }
}
