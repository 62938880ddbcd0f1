using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.ServiceDefaults.Security;
using Tessera.Web.Identity;

namespace Tessera.Web.Pages.Account;

/// <summary>Signing out ends the session on the server: the cookie, if kept or copied, opens nothing afterwards.</summary>
public sealed class SignOutModel(Sessions sessions) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (User.FindFirst(TesseraClaims.Session)?.Value is { } session)
            await sessions.RevokeAsync(session, "signed out", cancellationToken);
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Redirect("/signin");
    }
}
