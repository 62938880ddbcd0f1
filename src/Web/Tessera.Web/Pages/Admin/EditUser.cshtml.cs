using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.ServiceDefaults.Security;
using Tessera.Web.Identity;

namespace Tessera.Web.Pages.Admin;

public sealed class EditUserModel(Accounts accounts) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Username { get; set; } = "";
    [BindProperty] public string? DisplayName { get; set; }
    [BindProperty] public List<string> SelectedRoles { get; set; } = [];
    [BindProperty] public bool Disabled { get; set; }
    [BindProperty] public string? NewPassword { get; set; }

    public AccountResult? Result { get; private set; }

    private string Tenant => User.FindFirst(TesseraClaims.Tenant)!.Value;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var user = await accounts.FindAsync(Tenant, Username, cancellationToken);
        if (user is null)
            return NotFound();
        (DisplayName, SelectedRoles, Disabled) = (user.DisplayName, user.RoleList.Where(Roles.TenantRoles.Contains).ToList(), user.Disabled);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Result = AccountForms.CheckPassword(NewPassword, required: false) ?? AccountForms.CheckDisplayName(DisplayName);
        if (Result is not null)
            return Page();
        Result = await accounts.UpdateUserAsync(Tenant, Username, User.Actor(), User.FindFirst(TesseraClaims.Session)?.Value, DisplayName, SelectedRoles,
            Disabled, NewPassword, cancellationToken);
        return Result.Succeeded ? Redirect("/admin/users") : Page();
    }
}
