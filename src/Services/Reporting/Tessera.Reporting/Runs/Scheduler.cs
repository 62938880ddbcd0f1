using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Reporting.Data;
using Tessera.Reporting.Modeling;
using Tessera.Reporting.Ods;
using Tessera.Reporting.Reconciliation;
using Tessera.Reporting.Warehouse;
using Tessera.ServiceDefaults.Tenancy;
using Tessera.ServiceDefaults.Hosting;

namespace Tessera.Reporting.Runs;

/// <summary>
/// Queues the runs of due schedules (in each tenant's time zone; a schedule whose previous run is still queued or
/// running waits for it), watches the deadline of every ADS model that has one — an alert when yesterday's data is not
/// ready at the deadline, and before that, an alert as soon as the run that builds it is projected to finish late — and
/// the freshness of every source against the tenant's target.
/// </summary>
public sealed class Scheduler(Standby standby,
    IServiceScopeFactory scopes,
    TenantDirectory tenants,
    ModelCatalog catalog,
    RunQueue queue,
    TenantWarehouses warehouses,
    Freshness freshness,
    IOptions<ReportingOptions> options,
    TimeProvider clock,
    ILogger<Scheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await standby.UntilActiveAsync(stoppingToken))
            return;
        if (!options.Value.SchedulerEnabled)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var tenant in await tenants.TenantsAsync(stoppingToken))
                {
                    await QueueDueAsync(tenant, stoppingToken);
                    await WatchDeadlinesAsync(tenant, stoppingToken);
                    await freshness.AlertAsync(tenant, stoppingToken);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Scheduling failed; trying again at the next tick");
            }
            await Task.Delay(options.Value.SchedulerInterval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private AsyncServiceScope Scope(string tenant, out ReportingDbContext db)
    {
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
        db = scope.ServiceProvider.GetRequiredService<ReportingDbContext>();
        return scope;
    }

    public async Task QueueDueAsync(string tenant, CancellationToken cancellationToken)
    {
        var settings = await tenants.SettingsAsync(tenant, cancellationToken);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone);
        await using var scope = Scope(tenant, out var db);
        var now = clock.GetUtcNow();
        foreach (var schedule in await db.Schedules.Where(s => s.Enabled).ToListAsync(cancellationToken))
        {
            if (schedule.NextDueAt is null)
            {
                await SaveAsync(db, schedule, s => s.NextDueAt = Cadence.Next(s.Cadence, now, zone), cancellationToken);
                continue;
            }
            if (schedule.NextDueAt > now)
                continue;
            var busy = await db.Runs.AnyAsync(r => r.Schedule == schedule.Name && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running), cancellationToken);
            if (busy)
                continue;
            var models = JsonSerializer.Deserialize<List<string>>(schedule.Models) ?? [];
            var run = await queue.EnqueueAsync(tenant, new RunSpec(models, null, null, false, 1, "schedule:" + schedule.Name, "scheduler", schedule.Name,
                schedule.Dates), cancellationToken);
            await SaveAsync(db, schedule, s => (s.LastRunId, s.NextDueAt) = (run.Id, Cadence.Next(s.Cadence, now, zone)), cancellationToken);
            logger.LogInformation("Schedule {Schedule} of tenant {Tenant} queued run {RunId}", schedule.Name, tenant, run.Id);
        }
    }

    private static async Task SaveAsync(ReportingDbContext db, Schedule schedule, Action<Schedule> change, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        change(schedule);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task WatchDeadlinesAsync(string tenant, CancellationToken cancellationToken)
    {
        var graph = await catalog.GraphAsync(tenant, cancellationToken);
        var watched = graph.Order.Select(n => graph[n]).Where(m => m.Deadline is not null).ToList();
        if (watched.Count == 0)
            return;
        var settings = await tenants.SettingsAsync(tenant, cancellationToken);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone);
        var now = clock.GetUtcNow();
        var localNow = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        var today = DateOnly.FromDateTime(localNow);
        var day = today.AddDays(-1);
        await using var scope = Scope(tenant, out var db);
        var estimates = await EstimatesAsync(db, cancellationToken);
        var active = await db.Runs.AsNoTracking().Where(r => r.Status == RunStatus.Queued || r.Status == RunStatus.Running)
            .OrderBy(r => r.CreatedAt).Select(r => r.Id).ToListAsync(cancellationToken);
        var activeTasks = await db.RunTasks.AsNoTracking().Where(t => active.Contains(t.RunId)).ToListAsync(cancellationToken);
        var nextDue = await db.Schedules.AsNoTracking().Where(s => s.Enabled && s.NextDueAt != null).MinAsync(s => s.NextDueAt, cancellationToken);
        var ready = await ReadyAsync(tenant, watched, day, today, zone, cancellationToken);

        foreach (var model in watched)
        {
            var deadlineLocal = today.ToDateTime(model.Deadline!.Value);
            var deadline = new DateTimeOffset(deadlineLocal, zone.GetUtcOffset(deadlineLocal));
            var subject = $"{model.Name}@{day:yyyy-MM-dd}";
            if (ready.Contains(model.Name))
            {
                await ClearAsync(db, subject, now, cancellationToken);
                continue;
            }
            if (now >= deadline)
            {
                await RaiseAsync(db, "deadline-missed", subject,
                    $"{model.Name} for {day:yyyy-MM-dd} was not ready at its deadline {model.Deadline:HH:mm:ss} ({settings.TimeZone}).", now, cancellationToken);
                continue;
            }
            var projected = ProjectedFinish(graph, model.Name, day, activeTasks, estimates, now, nextDue);
            if (projected is { } at && at > deadline)
                await RaiseAsync(db, "deadline-projected", subject, string.Create(CultureInfo.InvariantCulture,
                    $"At the current pace {model.Name} for {day:yyyy-MM-dd} will be ready at {TimeZoneInfo.ConvertTime(at, zone):HH:mm:ss}, after its deadline {model.Deadline:HH:mm:ss} ({settings.TimeZone})."),
                    now, cancellationToken);
            else
                await Alerts.ClearAsync(db, "deadline-projected", subject, now, cancellationToken);
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task RaiseAsync(ReportingDbContext db, string kind, string subject, string message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var open = await db.Alerts.AnyAsync(a => a.Kind == kind && a.Subject == subject && a.ClearedAt == null, cancellationToken);
        if (!open)
            await Alerts.RaiseAsync(db, kind, subject, message, now, cancellationToken);
    }

    private static async Task ClearAsync(ReportingDbContext db, string subject, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await Alerts.ClearAsync(db, "deadline-projected", subject, now, cancellationToken);
        await Alerts.ClearAsync(db, "deadline-missed", subject, now, cancellationToken);
    }

    /// <summary>
    /// When the model's task for <paramref name="day"/> would finish: through the remaining tasks of the active run that
    /// builds it (each estimated by its model's recent durations, a running one by what is left of that), or, with no
    /// run under way, from the next scheduled run through the model's longest chain of upstream models.
    /// </summary>
    internal static DateTimeOffset? ProjectedFinish(ModelGraph graph, string model, DateOnly day, IReadOnlyList<RunTask> activeTasks,
        IReadOnlyDictionary<string, long> estimates, DateTimeOffset now, DateTimeOffset? nextDue)
    {
        long Estimate(string m) => estimates.GetValueOrDefault(m, 1000);
        var target = activeTasks.FirstOrDefault(t => t.Model == model && (t.BusinessDate is null || t.Covers(day))
                                                     && t.Status is not (RunTaskStatus.Succeeded or RunTaskStatus.UpToDate or RunTaskStatus.Failed or RunTaskStatus.Skipped or RunTaskStatus.Blocked));
        if (target is not null)
        {
            var tasks = activeTasks.Where(t => t.RunId == target.RunId).ToDictionary(t => t.Key);
            var memo = new Dictionary<string, long>();
            long Remaining(RunTask t)
            {
                if (memo.TryGetValue(t.Key, out var known))
                    return known;
                var own = t.Status switch
                {
                    RunTaskStatus.Succeeded or RunTaskStatus.UpToDate => 0,
                    RunTaskStatus.Running when t.StartedAt is { } started => Math.Max(0, Estimate(t.Model) - (long)(now - started).TotalMilliseconds),
                    _ => Estimate(t.Model),
                };
                var upstream = (JsonSerializer.Deserialize<List<string>>(t.DependsOn) ?? []).Where(tasks.ContainsKey).Select(k => Remaining(tasks[k])).DefaultIfEmpty(0).Max();
                return memo[t.Key] = own + upstream;
            }
            return now + TimeSpan.FromMilliseconds(Remaining(target));
        }
        if (nextDue is null)
            return null;
        var chain = new Dictionary<string, long>();
        long Chain(string m) => chain.TryGetValue(m, out var known) ? known
            : chain[m] = Estimate(m) + graph.Upstream(m).Select(Chain).DefaultIfEmpty(0).Max();
        return (nextDue > now ? nextDue.Value : now) + TimeSpan.FromMilliseconds(Chain(model));
    }

    /// <summary>The mean duration of each model's last successful tasks.</summary>
    private static async Task<Dictionary<string, long>> EstimatesAsync(ReportingDbContext db, CancellationToken cancellationToken)
    {
        var recent = await db.RunTasks.AsNoTracking().Where(t => t.Status == RunTaskStatus.Succeeded && t.DurationMs != null)
            .OrderByDescending(t => t.FinishedAt).Take(2000).Select(t => new { t.Model, t.DurationMs }).ToListAsync(cancellationToken);
        return recent.GroupBy(t => t.Model).ToDictionary(g => g.Key, g => (long)g.Take(5).Average(t => t.DurationMs!.Value));
    }

    /// <summary>Models whose data for <paramref name="day"/> is built and not re-opened by a late event since.</summary>
    private async Task<HashSet<string>> ReadyAsync(string tenant, IReadOnlyList<ModelDefinition> models, DateOnly day, DateOnly today, TimeZoneInfo zone,
        CancellationToken cancellationToken)
    {
        using var connection = warehouses.Open(tenant);
        var literal = DuckDbDialect.Instance.DateLiteral(day);
        var dirty = await TaskRunner.Count(connection, $"SELECT count(*) FROM {WarehouseSchema.DirtyDates} WHERE business_date <= {literal}", cancellationToken) > 0;
        var midnight = today.ToDateTime(TimeOnly.MinValue);
        var startOfToday = new DateTimeOffset(midnight, zone.GetUtcOffset(midnight)).UtcDateTime;
        var ready = new HashSet<string>(StringComparer.Ordinal);
        if (dirty)
            return ready;
        foreach (var model in models)
        {
            var sql = model.IsPartitioned
                ? $"SELECT count(*) FROM {WarehouseSchema.Partitions} WHERE model = {Sql.Literal(model.Name)} AND business_date = {literal}"
                : $"SELECT count(*) FROM {WarehouseSchema.Models} WHERE model = {Sql.Literal(model.Name)} AND built_at >= '{startOfToday:yyyy-MM-dd HH:mm:ss}+00'";
            if (await TaskRunner.Count(connection, sql, cancellationToken) > 0)
                ready.Add(model.Name);
        }
        return ready;
    }
}
