using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Orders.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Customers;

/// <summary>
/// One customer: contact, address book, what their orders add up to, and the orders themselves (merged duplicates'
/// and archived ones included), with an edit form and a merge of duplicates for the sales people.
/// </summary>
public sealed class DetailsModel(OrdersApi orders, IAuthorizationService authorization) : PageModel
{
    public const int HistoryPage = 25;

    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty(SupportsGet = true)] public string? After { get; set; }
    [BindProperty] public CustomerForm Form { get; set; } = new();
    [BindProperty] public long Version { get; set; }
    [BindProperty] public string? Duplicate { get; set; }

    public Section<CustomerDetailsDto?> Customer { get; private set; } = null!;
    public Section<OrderSearchPageDto?> History { get; private set; } = null!;
    public bool CanSell { get; private set; }
    public ApiProblem? Problem { get; private set; }
    public ApiProblem? MergeProblem { get; private set; }
    public CustomerDetailsDto Value => Customer.Value!;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await LoadAsync(cancellationToken) is { } missing)
            return missing;
        if (Customer.IsUp)
            Form = CustomerForm.From(Value);
        return Page();
    }

    /// <summary>The order history alone, for its next page.</summary>
    public async Task<IActionResult> OnGetHistoryAsync(CancellationToken cancellationToken)
    {
        History = await Section<OrderSearchPageDto?>.LoadAsync(() => orders.CustomerOrdersAsync(Id, After, HistoryPage, cancellationToken), HistoryUrl(After));
        return History is { IsUp: true, Value: null } ? NotFound() : Partial("_CustomerOrders", this);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Sell)).Succeeded)
            return Forbid();
        var current = await orders.CustomerAsync(Id, cancellationToken);
        if (current is null)
            return NotFound();
        var result = await orders.UpdateCustomerAsync(Id, Form.ToInput(current.Addresses), Version, cancellationToken);
        if (result.Succeeded)
        {
            TempData["Notice"] = "The customer was saved.";
            return Redirect($"/customers/{Id}");
        }
        Problem = result.Problem;
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostMergeAsync(CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Sell)).Succeeded)
            return Forbid();
        var text = (Duplicate ?? "").Trim();
        var duplicate = Guid.TryParse(text, out var id)
            ? id
            : (await orders.CustomersAsync(text.StartsWith('#') ? text : "#" + text, 1, 2, cancellationToken)).Items is [var only] ? only.Id : (Guid?)null;
        if (duplicate is null)
            MergeProblem = ProblemExtensions.Local("No such customer.", null, "duplicates", "Give the number of the duplicate customer, such as #12.");
        else
        {
            var current = await orders.CustomerAsync(Id, cancellationToken);
            var result = await orders.MergeCustomersAsync(Id, [duplicate.Value], current?.Version ?? 0, cancellationToken);
            if (result.Succeeded)
            {
                TempData["Notice"] = "The duplicate was merged into this customer.";
                return Redirect($"/customers/{Id}");
            }
            MergeProblem = result.Problem;
        }
        await LoadAsync(cancellationToken);
        Form = CustomerForm.From(Value);
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        CanSell = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Sell)).Succeeded;
        Customer = await Section<CustomerDetailsDto?>.LoadAsync(() => orders.CustomerAsync(Id, cancellationToken), $"/customers/{Id}");
        if (Customer is { IsUp: true, Value: null })
            return NotFound();
        if (Customer.IsUp && Version == 0)
            Version = Value.Version;
        History = await Section<OrderSearchPageDto?>.LoadAsync(() => orders.CustomerOrdersAsync(Id, After, HistoryPage, cancellationToken), HistoryUrl(After));
        return null;
    }

    public string HistoryUrl(string? after) => $"/customers/{Id}?handler=History" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after));
}
