using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Reporting.Contracts;
using Tessera.Reporting.Data;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Reporting.Ods;

/// <summary>
/// The tenants that have a warehouse, and their settings: a tenant is registered with the defaults (the time zone and
/// currency of the installation, a daily run at 01:00 and an hourly refresh of today) when its first event arrives.
/// </summary>
public sealed class TenantDirectory(IServiceScopeFactory scopes, IOptions<ReportingOptions> options, TimeProvider clock)
{
    public const string DailySchedule = "daily";
    public const string HourlySchedule = "hourly";

    private readonly ConcurrentDictionary<string, ReportingSettingsDto> _settings = new(StringComparer.Ordinal);

    public async Task<ReportingSettingsDto> SettingsAsync(string tenant, CancellationToken cancellationToken)
    {
        if (_settings.TryGetValue(tenant, out var cached))
            return cached;
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
        var db = scope.ServiceProvider.GetRequiredService<ReportingDbContext>();
        var row = await db.Settings.AsNoTracking().FirstOrDefaultAsync(cancellationToken) ?? await RegisterAsync(db, cancellationToken);
        return _settings[tenant] = ToDto(row);
    }

    public void Forget(string tenant) => _settings.TryRemove(tenant, out _);

    public async Task<IReadOnlyList<string>> TenantsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReportingDbContext>();
        return await db.Settings.IgnoreQueryFilters().Select(s => s.TenantId).OrderBy(t => t).ToListAsync(cancellationToken);
    }

    public static ReportingSettingsDto ToDto(ReportingSettings s) =>
        new(s.TimeZone, s.Currency, s.FreshnessTargetMinutes, s.ReconciliationThreshold, s.LookbackDays);

    private async Task<ReportingSettings> RegisterAsync(ReportingDbContext db, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        // A tenant's first requests at once register it once (PostgreSQL; SQLite has one writer anyway).
        await db.LockAsync($"reporting-tenant:{db.CurrentTenantId}", cancellationToken);
        var existing = await db.Settings.FirstOrDefaultAsync(cancellationToken);
        if (existing is not null)
            return existing;
        var now = clock.GetUtcNow();
        var settings = new ReportingSettings
        {
            TimeZone = options.Value.DefaultTimeZone,
            Currency = options.Value.DefaultCurrency,
            FreshnessTargetMinutes = 15,
            ReconciliationThreshold = 0m,
            LookbackDays = 2,
            Version = 1,
            UpdatedAt = now,
            UpdatedBy = "system",
        };
        db.Settings.Add(settings);
        db.Schedules.Add(new Schedule { Name = DailySchedule, Cadence = "daily 01:00", Dates = "yesterday", Enabled = true, Version = 1 });
        db.Schedules.Add(new Schedule { Name = HourlySchedule, Cadence = "hourly :05", Dates = "today", Enabled = true, Version = 1 });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return settings;
    }
}
