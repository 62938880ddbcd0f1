using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Logistics.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Shipments;

/// <summary>
/// The carriers the tenant ships with. Adding one shows its tracking webhook secret once, on the answer page only
/// (never stored in the front-end, never shown again); an administrator can rotate it, which shows the new one once.
/// </summary>
public sealed class CarriersModel(LogisticsApi logistics, IAuthorizationService authorization) : PageModel
{
    [BindProperty] public string Code { get; set; } = "";
    [BindProperty] public string Name { get; set; } = "";
    [BindProperty] public string TrackingUrlTemplate { get; set; } = "";
    [BindProperty] public string ServiceLevels { get; set; } = "standard, express";
    [BindProperty] public bool IsDefault { get; set; }
    [BindProperty] public string IdempotencyKey { get; set; } = Guid.NewGuid().ToString();

    public Section<IReadOnlyList<CarrierDto>> Carriers { get; private set; } = null!;
    public bool CanManage { get; private set; }
    public bool CanRotate { get; private set; }
    public ApiProblem? Problem { get; private set; }

    /// <summary>The secret just created or rotated, shown on this answer only.</summary>
    public CarrierSecretDto? Secret { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Ship)).Succeeded)
            return Forbid();
        var levels = ServiceLevels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var input = new CarrierInput(Code.Trim(), Name.Trim(), TrackingUrlTemplate.Trim(), levels, IsDefault);
        var result = await Section<ApiResult<CarrierSecretDto>>.LoadAsync(() => logistics.CreateCarrierAsync(input, IdempotencyKey, cancellationToken), Request.Path);
        if (result.IsUp && result.Value!.Succeeded)
        {
            Secret = result.Value.Value;
            (Code, Name, TrackingUrlTemplate, ServiceLevels, IsDefault, IdempotencyKey) = ("", "", "", "standard, express", false, Guid.NewGuid().ToString());
            ModelState.Clear();
        }
        else
        {
            Problem = result.IsUp ? result.Value!.Problem
                : ProblemExtensions.Local($"{result.Down!.Title} is unavailable; no carrier was added.", "Try again in a moment: sending the form again will not add it twice.");
        }
        // The answer is rendered, not redirected: the secret must not travel in a URL or be kept for a later request.
        Response.Headers.CacheControl = "no-store";
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRotateAsync(string code, CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Administer)).Succeeded)
            return Forbid();
        var result = await Section<ApiResult<CarrierSecretDto>>.LoadAsync(() => logistics.RotateSecretAsync(code, cancellationToken), Request.Path);
        if (result.IsUp && result.Value!.Succeeded)
            Secret = result.Value.Value;
        else
            Problem = result.IsUp ? result.Value!.Problem : ProblemExtensions.Local($"{result.Down!.Title} is unavailable; the secret was not changed.");
        Response.Headers.CacheControl = "no-store";
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        CanManage = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Ship)).Succeeded;
        CanRotate = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Administer)).Succeeded;
        Carriers = await Section<IReadOnlyList<CarrierDto>>.LoadAsync(() => logistics.CarriersAsync(cancellationToken), "/shipments/carriers?handler=List");
    }

    public async Task<IActionResult> OnGetListAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Partial("_CarrierList", this);
    }

    /// <summary>The public address a carrier posts its tracking to, for this tenant.</summary>
    public string WebhookUrl(string code) =>
        $"{Request.Scheme}://{Request.Host}/api/webhooks/{User.FindFirst(Tessera.ServiceDefaults.Security.TesseraClaims.Tenant)?.Value}/tracking/{code}";
}
