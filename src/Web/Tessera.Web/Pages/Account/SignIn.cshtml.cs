using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Web.Identity;

namespace Tessera.Web.Pages.Account;

public sealed class SignInModel(Accounts accounts) : PageModel
{
    [BindProperty]
    public string Tenant { get; set; } = "";

    [BindProperty]
    public string Username { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool Failed { get; private set; }

    public void OnGet() => Tenant = Request.Cookies[LastTenantCookie] ?? "";

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var user = await accounts.VerifyAsync(Tenant.Trim().ToLowerInvariant(), Username.Trim(), Password, cancellationToken);
        if (user is null)
        {
            Failed = true;
            Password = "";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            Accounts.Principal(user, CookieAuthenticationDefaults.AuthenticationScheme),
            new AuthenticationProperties { IsPersistent = true });
        Response.Cookies.Append(LastTenantCookie, user.TenantId,
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }

    private const string LastTenantCookie = "tessera.tenant";
}
