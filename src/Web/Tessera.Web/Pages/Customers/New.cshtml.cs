using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Customers;

/// <summary>A new customer of the master; the form's own Idempotency-Key makes a double submit create one.</summary>
public sealed class NewModel(OrdersApi orders) : PageModel
{
    [BindProperty] public CustomerForm Form { get; set; } = new();
    [BindProperty] public string IdempotencyKey { get; set; } = Guid.NewGuid().ToString();
    public ApiProblem? Problem { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await Section<ApiResult<Tessera.Orders.Contracts.CustomerDetailsDto>>.LoadAsync(
            () => orders.CreateCustomerAsync(Form.ToInput([]), IdempotencyKey, cancellationToken), "");
        if (!result.IsUp)
        {
            Problem = ProblemExtensions.Local("Orders is unavailable; the customer was not created.", "Try again in a moment: sending the form again will not create it twice.");
            return Page();
        }
        if (result.Value!.Succeeded)
            return Redirect($"/customers/{result.Value.Value!.Id}");
        Problem = result.Value.Problem;
        return Page();
    }
}
