using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Web.Identity;

namespace Tessera.Web.Pages.Account;

public sealed class SignInModel(Accounts accounts, Sessions sessions, TimeProvider clock) : PageModel
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

    /// <summary>Set when the account is locked after repeated failed sign-ins: how long until it may try again.</summary>
    public TimeSpan? LockedFor { get; private set; }

    public void OnGet() => Tenant = Request.Cookies[LastTenantCookie] ?? "";

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var outcome = await accounts.SignInAsync(Tenant.Trim().ToLowerInvariant(), Username.Trim(), Password, cancellationToken);
        if (outcome.User is not { } user)
        {
            Failed = true;
            Password = "";
            if (outcome.LockedUntil is not null)
            {
                LockedFor = outcome.RetryAfter(clock.GetUtcNow());
                Response.Headers.RetryAfter = Math.Ceiling(LockedFor.Value.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            Response.StatusCode = LockedFor is null ? StatusCodes.Status401Unauthorized : StatusCodes.Status429TooManyRequests;
            return Page();
        }

        var session = await sessions.StartBrowserAsync(user, cancellationToken);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            Accounts.Principal(user, CookieAuthenticationDefaults.AuthenticationScheme, session.Id),
            new AuthenticationProperties { IsPersistent = true });
        Response.Cookies.Append(LastTenantCookie, user.TenantId,
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }

    private const string LastTenantCookie = "tessera.tenant";
}
