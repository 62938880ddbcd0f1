using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Tessera.ServiceDefaults.Security;
using Tessera.Web.Data;

namespace Tessera.Web.FrontEnd;

/// <summary>
/// Which language a page is in: the signed-in user's choice (remembered in their account), else the tenant's default,
/// else what the person chose before signing in (a cookie), else the browser's languages, else English.
/// </summary>
public sealed class Languages(IServiceScopeFactory scopes, IMemoryCache cache)
{
    public static readonly CultureInfo[] Supported = [new("en-US"), new("vi-VN")];

    public static bool IsSupported(string? name) => name is not null && Supported.Any(c => c.Name == name);

    /// <summary>The language a user chose, read once and kept for a few minutes (a change here applies at once).</summary>
    public async Task<string?> OfUserAsync(string tenant, string username, CancellationToken cancellationToken) =>
        await cache.GetOrCreateAsync(Key(tenant, username), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<WebDbContext>();
            return await db.Users.IgnoreQueryFilters().AsNoTracking().Where(u => u.TenantId == tenant && u.Username == username)
                .Select(u => u.Language).FirstOrDefaultAsync(cancellationToken);
        });

    /// <summary>Remembers the user's choice; it does not change the user's version (nothing about access changed).</summary>
    public async Task ChooseAsync(string tenant, string username, string? language, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WebDbContext>();
        await using (await db.BeginWriteAsync(cancellationToken))
        {
            await db.Users.IgnoreQueryFilters().Where(u => u.TenantId == tenant && u.Username == username)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.Language, language), cancellationToken);
        }
        cache.Remove(Key(tenant, username));
    }

    private static string Key(string tenant, string username) => $"language:{tenant}:{username}";
}

/// <summary>The request culture from <see cref="Languages"/>: the user's choice, then the tenant's default.</summary>
public sealed class PreferenceCultureProvider : RequestCultureProvider
{
    public override async Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var user = httpContext.User;
        if (user.Identity?.IsAuthenticated != true || user.FindFirst(TesseraClaims.Tenant)?.Value is not { } tenant || WebAuthentication.IsApi(httpContext))
            return null;
        var languages = httpContext.RequestServices.GetRequiredService<Languages>();
        var chosen = await languages.OfUserAsync(tenant, user.Identity.Name ?? "", httpContext.RequestAborted);
        if (Languages.IsSupported(chosen))
            return new ProviderCultureResult(chosen);
        var settings = httpContext.Items[typeof(TenantSettings)] as TenantSettings;
        return Languages.IsSupported(settings?.DefaultLanguage) ? new ProviderCultureResult(settings!.DefaultLanguage) : null;
    }
}
