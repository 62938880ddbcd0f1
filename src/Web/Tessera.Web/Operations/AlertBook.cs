using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults.Data;
using Tessera.Web.Data;

namespace Tessera.Web.Operations;

/// <summary>A condition that needs an operator, as one round of checks found it; <see cref="Key"/> says which one it is.</summary>
public sealed record AlertCondition(string Key, string Kind, string Subject, string Detail, string? Record);

public static class AlertKinds
{
    public const string Lag = "lag";
    public const string Parked = "parked";
    public const string Invariant = "invariant";
    public const string Reconciliation = "reconciliation";
    public const string Reporting = "reporting";
    public const string RestartLoop = "restart-loop";
    public const string Down = "down";
}

/// <summary>
/// Turns what the checks found into alerts: a condition not yet open is raised, an open one that is gone is cleared,
/// one still there is left alone (so it is raised — and sent — once, however many rounds see it).
/// </summary>
public sealed class AlertBook(WebDbContext db, IOptions<AlertOptions> options, TimeProvider clock)
{
    public IReadOnlyList<AlertCondition> Conditions(IReadOnlyList<ServiceSnapshot> snapshots, IReadOnlyList<InvariantRunRecord> latestRuns)
    {
        var settings = options.Value;
        var conditions = new List<AlertCondition>();
        foreach (var s in snapshots)
        {
            if (!s.Ready)
                conditions.Add(new($"down:{s.Service}", AlertKinds.Down, s.Service, "No instance of the service is ready.", null));
            foreach (var feed in s.Subscriptions.Where(f => f.Lag > settings.LagThreshold))
                conditions.Add(new($"lag:{s.Service}:{feed.Producer}", AlertKinds.Lag, $"{feed.Producer} → {s.Service}",
                    Invariant($"{s.Service} is {feed.Lag} events behind {feed.Producer}'s outbox (threshold {settings.LagThreshold})."), null));
            foreach (var inbox in s.Inboxes.Where(i => i.Parked > 0))
            {
                var first = s.Parked.FirstOrDefault(p => p.Tenant == inbox.Tenant);
                conditions.Add(new($"parked:{s.Service}:{inbox.Tenant}", AlertKinds.Parked, $"{s.Service} · {inbox.Tenant}",
                    Invariant($"{inbox.Parked} message(s) parked: replay or discard them on the console."),
                    first is null ? null : $"{first.Type} {first.Id} from {first.Producer} ({first.AggregateId}): {first.LastError?.Split('\n')[0]}"));
            }
            if (s.Supervisor is { } supervisor && supervisor.RestartsSeen.Count >= settings.RestartLoopCount)
                conditions.Add(new($"restart-loop:{s.Service}", AlertKinds.RestartLoop, s.Service,
                    Invariant($"Restarted {supervisor.RestartsSeen.Count} times within {settings.RestartLoopWindow.TotalMinutes:0.#} min ({supervisor.Restarts} in all)."), null));
            foreach (var own in s.Alerts)
            {
                var kind = own.Kind == AlertKinds.Reconciliation ? AlertKinds.Reconciliation : AlertKinds.Reporting;
                conditions.Add(new($"{s.Service}:{own.Tenant}:{own.Kind}:{own.Subject}", kind, $"{s.Service} · {own.Tenant} · {own.Subject}", own.Message, own.Subject));
            }
        }
        foreach (var run in latestRuns.Where(r => !r.Holds))
            conditions.Add(new($"invariant:{run.Service}:{run.TenantId}:{run.Invariant}", AlertKinds.Invariant, $"{run.Invariant} · {run.Service} · {run.TenantId}",
                Invariant($"{run.Invariant} broken by {run.ViolationCount} of {run.Checked} checked: {run.Description}"),
                run.FirstKey is null ? null : $"{run.FirstKey} — {run.FirstDetail}"));
        return conditions;
    }

    /// <summary>The latest result of every invariant of every service and tenant.</summary>
    public async Task<IReadOnlyList<InvariantRunRecord>> LatestRunsAsync(CancellationToken cancellationToken)
    {
        var latest = db.InvariantRuns.GroupBy(r => new { r.Service, r.TenantId, r.Invariant }).Select(g => g.Max(r => r.Id));
        return await db.InvariantRuns.AsNoTracking().Where(r => latest.Contains(r.Id)).ToListAsync(cancellationToken);
    }

    public async Task ApplyAsync(IReadOnlyList<AlertCondition> conditions, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        // Raising reads the open alerts, then adds those not open: instances that apply rounds at once on PostgreSQL take
        // their turn here, so the second finds what the first raised instead of failing on the one-open-alert index
        // (docs/adr/0024).
        await db.LockAsync(AlertsLock, cancellationToken);
        var open = await db.Alerts.Where(a => a.ClearedAt == null).ToListAsync(cancellationToken);
        var found = conditions.GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.First());
        foreach (var alert in open.Where(a => !found.ContainsKey(a.Key)))
        {
            alert.ClearedAt = now;
            alert.Attempts = 0;
            alert.NextAttemptAt = now;
        }
        // Still there: what it says may have moved on (more parked, another first record); it is not raised again.
        foreach (var alert in open.Where(a => found.ContainsKey(a.Key)))
            (alert.Detail, alert.Record) = (found[alert.Key].Detail, found[alert.Key].Record);
        var openKeys = open.Select(a => a.Key).ToHashSet();
        foreach (var condition in found.Values.Where(c => !openKeys.Contains(c.Key)))
            db.Alerts.Add(new AlertRecord
            {
                Key = condition.Key, Kind = condition.Kind, Subject = condition.Subject, Detail = condition.Detail, Record = condition.Record,
                RaisedAt = now, NextAttemptAt = now,
            });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private const string AlertsLock = "operations:alerts";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
