using Microsoft.EntityFrameworkCore;
using Tessera.Messaging.Inbox;
using Tessera.Messaging.Transport;
using Tessera.Reporting.Contracts;
using Tessera.Reporting.Data;
using Tessera.Reporting.Features;
using Tessera.Reporting.Reconciliation;
using Tessera.Reporting.Warehouse;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Reporting.Ods;

/// <summary>
/// How far the warehouse is behind each source: the producer's feed head against reporting's checkpoint, the events
/// received but not yet in the ODS, and the time since the ODS last held everything read. A source beyond the tenant's
/// target raises a freshness alert (the scheduler checks), cleared when it has caught up.
/// </summary>
public sealed class Freshness(IServiceScopeFactory scopes, SubscriptionMonitor monitor, OdsLoader loader, TenantDirectory tenants, TenantWarehouses warehouses,
    TimeProvider clock)
{
    public async Task<List<FreshnessDto>> OfAsync(string tenant, CancellationToken cancellationToken)
    {
        var settings = await tenants.SettingsAsync(tenant, cancellationToken);
        var now = clock.GetUtcNow();
        Dictionary<string, long> inbox, staged;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ReportingDbContext>();
            inbox = await db.Set<InboxMessage>().AsNoTracking().Where(m => m.Status == InboxStatus.Pending || m.Status == InboxStatus.Parked)
                .GroupBy(m => m.Producer).Select(g => new { g.Key, Count = g.LongCount() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
            staged = await db.StagedEvents.AsNoTracking().GroupBy(s => s.Producer).Select(g => new { g.Key, Count = g.LongCount() })
                .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        }
        var ods = (await DataQuality.OdsSourcesOf(warehouses, tenant, cancellationToken)).ToDictionary(o => o.Producer);
        var target = settings.FreshnessTargetMinutes * 60;
        return monitor.Snapshot().Select(s =>
        {
            var pending = inbox.GetValueOrDefault(s.Producer) + staged.GetValueOrDefault(s.Producer);
            var behind = s.Lag > 0 || pending > 0 || s.LastError is not null;
            var since = s.FailingSince ?? (behind ? loader.CaughtUpAt ?? s.LastSuccessAt : null);
            var lag = since is null ? 0 : Math.Max(0, (now - since.Value).TotalSeconds);
            var source = ods.GetValueOrDefault(s.Producer);
            return new FreshnessDto(s.Producer, s.Head, s.Checkpoint, pending, source?.Events ?? 0, source?.LastOccurredAt, loader.CaughtUpAt, Math.Round(lag, 1),
                target, lag <= target, s.LastError, source?.FirstPosition);
        }).ToList();
    }

    /// <summary>Raises a freshness alert for each source beyond its target and clears those that caught up.</summary>
    public async Task AlertAsync(string tenant, CancellationToken cancellationToken)
    {
        var sources = await OfAsync(tenant, cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
        var db = scope.ServiceProvider.GetRequiredService<ReportingDbContext>();
        var now = clock.GetUtcNow();
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        foreach (var source in sources)
        {
            if (source.Ok)
                await Alerts.ClearAsync(db, "freshness", source.Source, now, cancellationToken);
            else if (!await db.Alerts.AnyAsync(a => a.Kind == "freshness" && a.Subject == source.Source && a.ClearedAt == null, cancellationToken))
                await Alerts.RaiseAsync(db, "freshness", source.Source,
                    $"The warehouse is {TimeSpan.FromSeconds(source.LagSeconds):g} behind {source.Source} (target {source.TargetSeconds / 60} min)" +
                    (source.Error is null ? "." : $": {source.Error}"), now, cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
