using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Customers;

/// <summary>The customer master: find a customer by name (diacritics optional), phone, e-mail or number; export the list.</summary>
public sealed class IndexModel(OrdersApi orders, IAuthorizationService authorization) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true, Name = "q")] public string? Query { get; set; }
    [BindProperty(SupportsGet = true, Name = "page")] public int? PageNumber { get; set; }

    public Section<PagedResult<CustomerDetailsDto>> Customers { get; private set; } = null!;
    public bool CanSell { get; private set; }
    public Pager Pager => new(Pager.Clamp(PageNumber), PageSize, Customers.Value!.Total, Link);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        CanSell = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Sell)).Succeeded;
        Customers = await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnGetTableAsync(CancellationToken cancellationToken)
    {
        Response.Headers["HX-Replace-Url"] = Link(Pager.Clamp(PageNumber));
        Customers = await LoadAsync(cancellationToken);
        return Partial("_CustomerTable", this);
    }

    /// <summary>Every customer the search finds, as CSV, page by page (never the whole list in memory).</summary>
    public Task<IActionResult> OnGetExportAsync(CancellationToken cancellationToken) =>
        CsvExport.WriteAsync(Response, "customers.csv",
            ["number", "name", "phone", "email", "reference", "orders", "lifetime_value", "last_order_at"],
            CsvExport.Pages(page => orders.CustomersAsync(Clean(Query), page, 200, cancellationToken),
                c => [c.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), c.Name, c.Phone, c.Email, c.Reference,
                    c.Stats?.Orders.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    string.Join(";", c.Stats?.LifetimeValue.Select(m => $"{m.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture)} {m.Currency}") ?? []),
                    c.Stats?.LastOrderAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture)]),
            cancellationToken);

    private Task<Section<PagedResult<CustomerDetailsDto>>> LoadAsync(CancellationToken cancellationToken) =>
        Section<PagedResult<CustomerDetailsDto>>.LoadAsync(() => orders.CustomersAsync(Clean(Query), Pager.Clamp(PageNumber), PageSize, cancellationToken),
            "/customers?handler=Table&" + ListQuery.Build(Pager.Clamp(PageNumber), ("q", Query)));

    public string Link(int page) => "/customers?" + ListQuery.Build(page, ("q", Query));

    public string ExportLink => "/customers?handler=Export" + (Clean(Query) is { } q ? "&q=" + Uri.EscapeDataString(q) : "");

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
