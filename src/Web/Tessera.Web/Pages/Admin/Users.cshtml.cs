using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.ServiceDefaults.Security;
using Tessera.Web.Data;
using Tessera.Web.Identity;

namespace Tessera.Web.Pages.Admin;

/// <summary>The tenant's users and their roles, for the tenant's administrators.</summary>
public sealed class UsersModel(Accounts accounts) : PageModel
{
    public IReadOnlyList<UserRecord> Users { get; private set; } = [];

    [BindProperty] public string Username { get; set; } = "";
    [BindProperty] public string? DisplayName { get; set; }
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty] public List<string> SelectedRoles { get; set; } = [];

    public AccountResult? Result { get; private set; }
    public string? Notice { get; private set; }

    private string Tenant => User.FindFirst(TesseraClaims.Tenant)!.Value;

    public async Task OnGetAsync(CancellationToken cancellationToken) => Users = await accounts.UsersAsync(Tenant, cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Result = Validate();
        if (Result is null)
            Result = await accounts.CreateUserAsync(Tenant, Username.Trim(), DisplayName, Password, SelectedRoles, cancellationToken);
        if (Result.Succeeded)
        {
            Notice = $"User {Username.Trim()} was created.";
            (Username, DisplayName, Password, SelectedRoles) = ("", null, "", []);
        }
        Users = await accounts.UsersAsync(Tenant, cancellationToken);
        return Page();
    }

    private AccountResult? Validate()
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(Username.Trim(), Accounts.UsernamePattern))
            return AccountResult.Fail("username", "A username is 1 to 64 letters, digits, '.', '_', '@' or '-'.");
        return AccountForms.CheckPassword(Password, required: true) ?? AccountForms.CheckDisplayName(DisplayName);
    }
}
