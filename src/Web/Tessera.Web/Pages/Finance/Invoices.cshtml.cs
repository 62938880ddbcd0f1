using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Finance.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Finance;

/// <summary>Customer invoices, newest first, by status.</summary>
public sealed class InvoicesModel(FinanceApi finance) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int? PageNumber { get; set; }

    public Section<(List<InvoiceDto> Items, int Total)> Invoices { get; private set; } = null!;

    public Pager Pager => new(Pager.Clamp(PageNumber), PageSize, Invoices.Value.Total, p => "/finance/invoices?" + ListQuery.Build(p, ("status", Status)));

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Invoices = await Section<(List<InvoiceDto>, int)>.LoadAsync(() => finance.InvoicesAsync(Status, Pager.Clamp(PageNumber), PageSize, cancellationToken),
            "/finance/invoices?handler=Reload&" + ListQuery.Build(Pager.Clamp(PageNumber), ("status", Status)));

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken)
    {
        await OnGetAsync(cancellationToken);
        return PageReload.Of(this, Invoices.Down);
    }
}
