using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Security;
using Tessera.Web.Identity;

namespace Tessera.Web.FrontEnd;

/// <summary>
/// Who is calling: browsers with a session cookie (pages and their htmx fragments), API clients with a bearer access
/// token (/api/…). Session cookies are protected with Data Protection keys kept in the data folder under a fixed
/// application name, so restarting or upgrading any process signs nobody out.
/// </summary>
public static class WebAuthentication
{
    public const string Scheme = "web";
    public const string ApplicationName = "Tessera";
    public const string CookieName = "tessera.session";
    private static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(30);

    public static WebApplicationBuilder AddWebAuthentication(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<TesseraOptions>, ILoggerFactory>((options, tessera, logs) =>
        {
            var directory = Directory.CreateDirectory(Path.Combine(tessera.Value.ResolveDataDir(), "keys", "data-protection"));
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(directory.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            options.XmlRepository = new FileSystemXmlRepository(directory, logs);
        });

        // The public API accepts access tokens signed with a key only the web front-end holds.
        services.AddKeyedSingleton(TokenAudiences.Api, (sp, _) =>
            new SignedTokenCodec([sp.GetRequiredService<SecretStore>().GetOrCreateKey("access-token")], sp.GetRequiredService<TimeProvider>()));
        services.AddMemoryCache();
        services.AddAuthentication()
            .AddPolicyScheme(Scheme, "API token or session cookie", o =>
                o.ForwardDefaultSelector = context => IsApi(context) ? AccessTokens.Scheme : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<TokenAuthenticationOptions, TokenAuthenticationHandler>(AccessTokens.Scheme, o =>
            {
                o.Audience = TokenAudiences.Api;
                o.CodecKey = TokenAudiences.Api;
            })
            .AddCookie(o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/signin";
                o.LogoutPath = "/signout";
                o.AccessDeniedPath = "/denied";
                o.ExpireTimeSpan = TimeSpan.FromHours(10);
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = RevalidateAsync;
                o.Events.OnRedirectToLogin = context => RedirectAsync(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => RedirectAsync(context, StatusCodes.Status403Forbidden);
            });
        services.Configure<AuthenticationOptions>(o =>
        {
            o.DefaultScheme = Scheme;
            o.DefaultAuthenticateScheme = Scheme;
            o.DefaultChallengeScheme = Scheme;
            o.DefaultForbidScheme = Scheme;
        });
        return builder;
    }

    public static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments("/api");

    public static bool IsHtmx(HttpRequest request) => request.Headers.ContainsKey("HX-Request");

    /// <summary>
    /// htmx must not swap a sign-in page into a fragment: it is told to load the page instead (HX-Redirect).
    /// </summary>
    private static Task RedirectAsync(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (IsHtmx(context.Request))
        {
            context.Response.StatusCode = status;
            context.Response.Headers["HX-Redirect"] = context.RedirectUri;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>
    /// A session follows its user: disabled users are signed out and changed roles apply, within thirty seconds.
    /// </summary>
    private static async Task RevalidateAsync(CookieValidatePrincipalContext context)
    {
        var user = context.Principal!;
        var tenant = user.FindFirst(TesseraClaims.Tenant)?.Value;
        var name = user.FindFirst(TesseraClaims.Subject)?.Value;
        var version = user.FindFirst(Accounts.UserVersionClaim)?.Value;
        if (tenant is null || name is null)
        {
            context.RejectPrincipal();
            return;
        }

        var cache = context.HttpContext.RequestServices.GetRequiredService<IMemoryCache>();
        var current = await cache.GetOrCreateAsync($"user:{tenant}:{name}", async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = RecheckEvery;
            var accounts = context.HttpContext.RequestServices.GetRequiredService<Accounts>();
            return await accounts.FindAsync(tenant, name, context.HttpContext.RequestAborted);
        });

        if (current is null || current.Disabled)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
        else if (current.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) != version)
        {
            context.ReplacePrincipal(Accounts.Principal(current, CookieAuthenticationDefaults.AuthenticationScheme));
            context.ShouldRenew = true;
        }
    }
}

public static class AccessTokens
{
    public const string Scheme = "AccessToken";
}
