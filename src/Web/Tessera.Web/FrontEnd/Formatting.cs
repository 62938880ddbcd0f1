using System.Globalization;
using Microsoft.Extensions.Caching.Memory;
using Tessera.ServiceDefaults.Security;
using Tessera.Web.Identity;

namespace Tessera.Web.FrontEnd;

/// <summary>The signed-in user's tenant settings that presentation depends on.</summary>
public sealed record TenantSettings(string Id, string Name, TimeZoneInfo TimeZone, string Currency, string? DefaultLanguage = null,
    string? DefaultWarehouse = null, string? InvoiceSeries = null);

public sealed class TenantSettingsProvider(Accounts accounts, IMemoryCache cache)
{
    public async Task<TenantSettings> GetAsync(string tenant, CancellationToken cancellationToken) =>
        (await cache.GetOrCreateAsync($"tenant:{tenant}", async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
            var record = await accounts.TenantAsync(tenant, cancellationToken);
            var zone = record is not null && TimeZoneInfo.TryFindSystemTimeZoneById(record.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
            return new TenantSettings(tenant, record?.Name ?? tenant, zone, record?.Currency ?? "VND", record?.DefaultLanguage, record?.DefaultWarehouse,
                record?.InvoiceSeries);
        }))!;

    /// <summary>Forgets what was read, after the settings page changed it.</summary>
    public void Forget(string tenant) => cache.Remove($"tenant:{tenant}");
}

/// <summary>
/// Numbers, money and dates as the user reads them: the request culture (en-US, vi-VN) for the format, the tenant's
/// time zone for dates, the currency's own decimals (VND has none).
/// </summary>
public sealed class Formatting
{
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;

    public Formatting(TenantSettings tenant) => Tenant = tenant;

    public TenantSettings Tenant { get; }

    public string Number(decimal value) => value.ToString(value == decimal.Truncate(value) ? "N0" : "N2", _culture);

    public string Quantity(decimal value) => (value / 1.0000000000000000000000000000m).ToString("#,0.####", _culture);

    public string Money(decimal value, string currency)
    {
        var format = (NumberFormatInfo)_culture.NumberFormat.Clone();
        format.CurrencySymbol = currency switch
        {
            "VND" => "₫",
            "USD" => "$",
            "EUR" => "€",
            _ => currency,
        };
        format.CurrencyDecimalDigits = Tessera.ServiceDefaults.Api.Currencies.MinorUnits(currency);
        return value.ToString("C", format);
    }

    public DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Tenant.TimeZone);

    public string DateTime(DateTimeOffset at) => Local(at).ToString("g", _culture);

    public string Date(DateTimeOffset at) => Local(at).ToString("d", _culture);

    public string Date(DateOnly day) => day.ToString("d", _culture);

    /// <summary>Day and month in the culture's order without the year: 11/22 in en-US, 22/11 in vi-VN.</summary>
    public string DayAndMonth(DateOnly day) =>
        day.ToString(_culture.DateTimeFormat.ShortDatePattern.Replace("yyyy", "").Replace("yy", "").Trim('/', '-', '.', ' '), _culture);

    /// <summary>Today in the tenant's time zone: what "today's orders" means.</summary>
    public DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(Local(clock.GetUtcNow()).DateTime);

    /// <summary>The instant a business day starts in the tenant's time zone.</summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Tenant.TimeZone.GetUtcOffset(local));
    }
}

public static class FormattingRegistration
{
    public static IServiceCollection AddFormatting(this IServiceCollection services)
    {
        services.AddScoped<TenantSettingsProvider>();
        services.AddScoped(sp =>
        {
            var http = sp.GetRequiredService<IHttpContextAccessor>().HttpContext;
            return new Formatting(http?.Items[typeof(TenantSettings)] as TenantSettings ?? new TenantSettings("", "", TimeZoneInfo.Utc, "VND"));
        });
        return services;
    }

    /// <summary>Loads the signed-in user's tenant settings once per request, before any page formats a value.</summary>
    public static IApplicationBuilder UseTenantSettings(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.User.FindFirst(TesseraClaims.Tenant)?.Value is { } tenant && !WebAuthentication.IsApi(context))
                context.Items[typeof(TenantSettings)] = await context.RequestServices.GetRequiredService<TenantSettingsProvider>()
                    .GetAsync(tenant, context.RequestAborted);
            await next(context);
        });
}
