using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Finance.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Finance;

/// <summary>A customer invoice: its lines with VAT, what was credited and paid, and its journal entry.</summary>
public sealed class InvoiceModel(FinanceApi finance, Documents.DocumentComposer documents) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }

    public Section<InvoiceDto?> Invoice { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken) ?? Page();

    /// <summary>The invoice as the customer receives it (PDF).</summary>
    public async Task<IActionResult> OnGetPdfAsync(CancellationToken cancellationToken) =>
        await documents.InvoiceAsync(Id, cancellationToken) is { } pdf
            ? File(pdf, Documents.DocumentComposer.ContentType, $"invoice-{Id:N}.pdf")
            : NotFound();

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken) ?? PageReload.Of(this, Invoice.Down);

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        Invoice = await Section<InvoiceDto?>.LoadAsync(() => finance.InvoiceAsync(Id, cancellationToken), $"/finance/invoices/{Id}?handler=Reload");
        return Invoice.IsUp && Invoice.Value is null ? NotFound() : null;
    }
}
