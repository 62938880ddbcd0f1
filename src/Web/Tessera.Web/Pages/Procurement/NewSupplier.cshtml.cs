using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Procurement.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Procurement;

public sealed class NewSupplierModel(ProcurementApi procurement, Formatting fmt) : PageModel
{
    [BindProperty] public SupplierForm Form { get; set; } = new();
    [BindProperty] public string IdempotencyKey { get; set; } = Guid.NewGuid().ToString();

    public ApiProblem? Problem { get; private set; }

    public void OnGet() => Form.Currency = fmt.Tenant.Currency;

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await Section<ApiResult<SupplierDto>>.LoadAsync(() => procurement.CreateSupplierAsync(Form.ToInput(), IdempotencyKey, cancellationToken), Request.Path);
        if (result is { IsUp: true, Value.Succeeded: true })
        {
            TempData["Notice"] = $"Supplier {result.Value.Value!.Code} was created.";
            return Redirect($"/procurement/suppliers/{result.Value.Value.Id}");
        }
        Problem = result.IsUp ? result.Value!.Problem
            : ProblemExtensions.Local("Procurement is unavailable; the supplier was not created.", "Try again in a moment: sending the form again will not create it twice.");
        return Page();
    }
}
