using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Procurement.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Procurement;

/// <summary>A supplier: everyone sees it; purchasing edits it. A save carries the version it started from (If-Match).</summary>
public sealed class SupplierModel(ProcurementApi procurement, IAuthorizationService authorization) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public SupplierForm Form { get; set; } = new();

    public ApiProblem? Problem { get; private set; }
    public Unavailable? Down { get; private set; }
    public bool CanPurchase { get; private set; }
    public string Title { get; private set; } = "Supplier";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        CanPurchase = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Purchase)).Succeeded;
        return await LoadAsync(cancellationToken) ?? Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        CanPurchase = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Purchase)).Succeeded;
        if (!CanPurchase)
            return Forbid();
        var result = await Section<ApiResult<SupplierDto>>.LoadAsync(() => procurement.UpdateSupplierAsync(Id, Form.ToInput(), Form.Version, cancellationToken), Request.Path);
        if (result is { IsUp: true, Value.Succeeded: true })
        {
            TempData["Notice"] = $"Supplier {result.Value.Value!.Code} was saved.";
            return Redirect($"/procurement/suppliers/{Id}");
        }
        if (!result.IsUp)
        {
            Problem = ProblemExtensions.Local("Procurement is unavailable; nothing was saved.", "Try again in a moment.");
            Title = Form.Name;
            return Page();
        }
        Problem = result.Value!.Problem;
        if (Problem?.Status == System.Net.HttpStatusCode.PreconditionFailed)
        {
            // Someone else saved first: show their version rather than overwrite it.
            var loaded = await LoadAsync(cancellationToken);
            Problem = ProblemExtensions.Local("Someone else changed this supplier while you were editing it.", "Their version is shown below. Apply your changes again and save.");
            return loaded ?? Page();
        }
        Title = Form.Name;
        return Page();
    }

    public async Task<IActionResult> OnGetReloadAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ?? ProcurementPages.Reload(this, Down);

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        var supplier = await Section<SupplierDto?>.LoadAsync(() => procurement.SupplierAsync(Id, cancellationToken), $"/procurement/suppliers/{Id}?handler=Reload");
        if (!supplier.IsUp)
        {
            Down = supplier.Down;
            return null;
        }
        if (supplier.Value is null)
            return NotFound();
        Form = SupplierForm.From(supplier.Value);
        Title = $"{supplier.Value.Name} ({supplier.Value.Code})";
        return null;
    }
}
