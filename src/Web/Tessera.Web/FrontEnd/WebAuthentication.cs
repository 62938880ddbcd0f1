using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
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
        services.Configure<SessionSettings>(builder.Configuration.GetSection(SessionSettings.Section));
        services.AddSingleton<SessionCache>();
        services.AddScoped<Sessions>();
        services.AddHostedService<SessionCleanup>();
        services.AddAuthentication()
            .AddPolicyScheme(Scheme, "API token or session cookie", o =>
                o.ForwardDefaultSelector = context => IsApi(context) ? AccessTokens.Scheme : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddScheme<TokenAuthenticationOptions, TokenAuthenticationHandler>(AccessTokens.Scheme, o =>
            {
                o.Audience = TokenAudiences.Api;
                o.CodecKey = TokenAudiences.Api;
                o.CheckRevocation = (context, claims) => context.RequestServices.GetRequiredService<SessionCache>().CheckAccessTokenAsync(context, claims);
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
    /// A cookie is only as good as its server-side session: signed out, disabled or with a changed password, it opens
    /// nothing any more (within <see cref="SessionSettings.RecheckEvery"/>, at once in this process). Changed roles apply
    /// without a new sign-in. A cookie from before sessions existed gets one, so an upgrade signs nobody out.
    /// </summary>
    private static async Task RevalidateAsync(CookieValidatePrincipalContext context)
    {
        var user = context.Principal!;
        var services = context.HttpContext.RequestServices;
        var tenant = user.FindFirst(TesseraClaims.Tenant)?.Value;
        var name = user.FindFirst(TesseraClaims.Subject)?.Value;
        if (tenant is null || name is null)
        {
            context.RejectPrincipal();
            return;
        }

        if (user.FindFirst(TesseraClaims.Session)?.Value is not { } sessionId)
        {
            var account = await services.GetRequiredService<Accounts>().FindAsync(tenant, name, context.HttpContext.RequestAborted);
            if (account is null || account.Disabled)
            {
                await RejectAsync(context);
                return;
            }
            var started = await services.GetRequiredService<Sessions>().StartBrowserAsync(account, context.HttpContext.RequestAborted);
            context.ReplacePrincipal(Accounts.Principal(account, CookieAuthenticationDefaults.AuthenticationScheme, started.Id));
            context.ShouldRenew = true;
            return;
        }

        var state = await services.GetRequiredService<SessionCache>().GetAsync(sessionId, context.HttpContext.RequestAborted);
        if (state is null || !state.Active || state.TenantId != tenant || state.Username != name)
        {
            await RejectAsync(context);
            return;
        }
        if (state.UserVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) != user.FindFirst(Accounts.UserVersionClaim)?.Value)
        {
            var current = await services.GetRequiredService<Accounts>().FindAsync(tenant, name, context.HttpContext.RequestAborted);
            if (current is null)
            {
                await RejectAsync(context);
                return;
            }
            context.ReplacePrincipal(Accounts.Principal(current, CookieAuthenticationDefaults.AuthenticationScheme, sessionId));
            context.ShouldRenew = true;
        }
    }

    private static async Task RejectAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}

public static class AccessTokens
{
    public const string Scheme = "AccessToken";
}
