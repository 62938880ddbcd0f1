using System.Collections.Concurrent;
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
/// Executes queued runs: one run at a time per tenant, runs of different tenants side by side (up to
/// MaxConcurrentRuns). Task state lives in reporting.db, so a run interrupted by a crash resumes where it was when the
/// service starts again: a task that was running is run again, which overwrites the same partition (idempotent).
/// </summary>
public sealed class RunExecutor(Standby standby,
    IServiceScopeFactory scopes,
    ModelCatalog catalog,
    TaskRunner runner,
    TenantDirectory tenants,
    TenantWarehouses warehouses,
    RunSignal signal,
    IOptions<ReportingOptions> options,
    TimeProvider clock,
    ILogger<RunExecutor> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Task> _active = new(StringComparer.Ordinal);

    private TimeProvider Clock => clock;
    private ModelCatalog Catalog => catalog;
    private TaskRunner Runner => runner;
    private TenantDirectory Tenants => tenants;
    private TenantWarehouses Warehouses => warehouses;
    private IOptions<ReportingOptions> Options => options;
    private ILogger<RunExecutor> Logger => logger;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await standby.UntilActiveAsync(stoppingToken))
            return;
        await RecoverAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = signal.Next;
            try
            {
                await StartDueRunsAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Starting queued runs failed; retrying");
            }
            var finished = _active.IsEmpty ? Task.Delay(Timeout.Infinite, stoppingToken) : Task.WhenAny(_active.Values);
            await Task.WhenAny(wake, finished, Task.Delay(TimeSpan.FromSeconds(5), clock, stoppingToken));
        }
        await Task.WhenAll(_active.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Tasks left running by a crash go back to pending; their runs carry on.</summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReportingDbContext>();
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var interrupted = await db.RunTasks.IgnoreQueryFilters()
            .Where(t => t.Status == RunTaskStatus.Running)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.Status, RunTaskStatus.Pending), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (interrupted > 0)
            logger.LogWarning("Resuming runs: {Count} task(s) were interrupted and run again", interrupted);
    }

    private async Task StartDueRunsAsync(CancellationToken stoppingToken)
    {
        foreach (var done in _active.Where(a => a.Value.IsCompleted).Select(a => a.Key).ToList())
            _active.TryRemove(done, out _);
        if (_active.Count >= options.Value.MaxConcurrentRuns)
            return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReportingDbContext>();
        var waiting = await db.Runs.IgnoreQueryFilters().AsNoTracking()
            .Where(r => r.Status == RunStatus.Queued || r.Status == RunStatus.Running)
            .OrderBy(r => r.CreatedAt).Select(r => new { r.Id, r.TenantId }).ToListAsync(stoppingToken);
        foreach (var run in waiting.DistinctBy(r => r.TenantId))
        {
            if (_active.Count >= options.Value.MaxConcurrentRuns)
                break;
            if (_active.ContainsKey(run.TenantId))
                continue;
            _active[run.TenantId] = Task.Run(() => ExecuteRunAsync(run.TenantId, run.Id, stoppingToken), CancellationToken.None);
        }
    }

    private async Task ExecuteRunAsync(string tenant, Guid runId, CancellationToken stoppingToken)
    {
        try
        {
            await new RunWork(this, tenant, runId).ExecuteAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogInformation("Run {RunId} stops with the service; it resumes at the next start", runId);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Run {RunId} of tenant {Tenant} could not be executed", runId, tenant);
            await FailRunAsync(tenant, runId, $"The run could not be executed: {ex.Message}");
        }
        finally
        {
            signal.Notify();
        }
    }

    private async Task FailRunAsync(string tenant, Guid runId, string error)
    {
        await using var scope = Scope(tenant, out var db);
        await using var transaction = await db.BeginWriteAsync();
        var run = await db.Runs.FirstAsync(r => r.Id == runId);
        (run.Status, run.Error, run.FinishedAt) = (RunStatus.Failed, error, clock.GetUtcNow());
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    private AsyncServiceScope Scope(string tenant, out ReportingDbContext db)
    {
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
        db = scope.ServiceProvider.GetRequiredService<ReportingDbContext>();
        return scope;
    }

    /// <summary>One run being executed: its tasks in memory, each change written through to reporting.db.</summary>
    private sealed class RunWork(RunExecutor executor, string tenant, Guid runId)
    {
        private readonly Dictionary<string, RunTask> _tasks = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<string>> _dependsOn = new(StringComparer.Ordinal);

        public async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            Run run;
            await using (var scope = executor.Scope(tenant, out var db))
            {
                run = await db.Runs.AsNoTracking().FirstAsync(r => r.Id == runId, stoppingToken);
                foreach (var task in await db.RunTasks.AsNoTracking().Where(t => t.RunId == runId).OrderBy(t => t.No).ToListAsync(stoppingToken))
                {
                    _tasks[task.Key] = task;
                    _dependsOn[task.Key] = JsonSerializer.Deserialize<List<string>>(task.DependsOn) ?? [];
                }
                if (run.Status == RunStatus.Queued)
                    await UpdateRunAsync(r => (r.Status, r.StartedAt) = (RunStatus.Running, executor.Clock.GetUtcNow()), stoppingToken);
            }
            var graph = await executor.Catalog.GraphAsync(tenant, stoppingToken);
            var settings = await executor.Tenants.SettingsAsync(tenant, stoppingToken);
            var running = new Dictionary<string, Task>(StringComparer.Ordinal);
            while (true)
            {
                await SkipBehindFailuresAsync(stoppingToken);
                var now = executor.Clock.GetUtcNow();
                var ready = _tasks.Values
                    .Where(t => !running.ContainsKey(t.Key) &&
                                (t.Status == RunTaskStatus.Pending || (t.Status == RunTaskStatus.Retrying && t.NextAttemptAt <= now)) &&
                                _dependsOn[t.Key].All(d => !_tasks.TryGetValue(d, out var up) || up.Status is RunTaskStatus.Succeeded or RunTaskStatus.UpToDate))
                    .OrderBy(t => t.No)
                    .ToList();
                // Two tasks of one model would write the same table and its book entry at once (a write-write conflict in
                // the engine), so a model's tasks run one after another; parallelism is across models.
                var busy = running.Keys.Select(k => _tasks[k].Model).ToHashSet(StringComparer.Ordinal);
                foreach (var task in ready.Where(t => busy.Add(t.Model)).Take(Math.Max(0, run.Parallelism - running.Count)))
                    running[task.Key] = AttemptAsync(task, graph, settings.TimeZone, stoppingToken);
                if (running.Count == 0)
                {
                    var retry = _tasks.Values.Where(t => t.Status == RunTaskStatus.Retrying).Select(t => t.NextAttemptAt).Min();
                    if (retry is null)
                        break;
                    var wait = retry.Value - executor.Clock.GetUtcNow();
                    if (wait > TimeSpan.Zero)
                        await Task.Delay(wait, executor.Clock, stoppingToken);
                    continue;
                }
                var nextRetry = _tasks.Values.Where(t => t.Status == RunTaskStatus.Retrying).Select(t => t.NextAttemptAt).Min();
                var delay = nextRetry is { } at && at > now ? at - now : TimeSpan.FromMinutes(10);
                var completed = await Task.WhenAny(running.Values.Append(Task.Delay(delay, executor.Clock, stoppingToken)));
                foreach (var key in running.Where(r => r.Value.IsCompleted).Select(r => r.Key).ToList())
                {
                    await running[key];
                    running.Remove(key);
                }
                stoppingToken.ThrowIfCancellationRequested();
                _ = completed;
            }
            await FinishAsync(run, stoppingToken);
        }

        private async Task SkipBehindFailuresAsync(CancellationToken cancellationToken)
        {
            bool changed;
            do
            {
                changed = false;
                foreach (var task in _tasks.Values.Where(t => t.Status == RunTaskStatus.Pending))
                {
                    var failed = _dependsOn[task.Key].Select(d => _tasks.GetValueOrDefault(d))
                        .FirstOrDefault(up => up is { Status: RunTaskStatus.Failed or RunTaskStatus.Skipped or RunTaskStatus.Blocked });
                    if (failed is null)
                        continue;
                    await UpdateTaskAsync(task, t =>
                    {
                        t.Status = RunTaskStatus.Skipped;
                        t.Error = $"Skipped: {failed.Key} {failed.Status.ToString().ToLowerInvariant()}.";
                    }, cancellationToken);
                    changed = true;
                }
            }
            while (changed);
        }

        private async Task AttemptAsync(RunTask task, ModelGraph graph, string timeZone, CancellationToken stoppingToken)
        {
            var started = executor.Clock.GetUtcNow();
            await UpdateTaskAsync(task, t => (t.Status, t.Attempts, t.StartedAt, t.NextAttemptAt) = (RunTaskStatus.Running, t.Attempts + 1, started, null), stoppingToken);
            TaskOutcome outcome;
            try
            {
                outcome = graph.Contains(task.Model)
                    ? await executor.Runner.RunAsync(tenant, graph, task.Model, task.BusinessDate, task.DateTo, runId, timeZone, stoppingToken, task.Conditional)
                    : TaskOutcome.Failed($"Model {task.Model} no longer exists.", retryable: false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                outcome = TaskOutcome.Failed(ex.Message, retryable: true);
            }
            var finished = executor.Clock.GetUtcNow();
            var settings = executor.Options.Value;
            await UpdateTaskAsync(task, t =>
            {
                t.FinishedAt = finished;
                t.DurationMs = (long)(finished - started).TotalMilliseconds;
                (t.Rows, t.Checksum, t.Error) = (outcome.Rows, outcome.Checksum, outcome.Error);
                t.Status = outcome.Kind switch
                {
                    TaskOutcomeKind.Succeeded => RunTaskStatus.Succeeded,
                    TaskOutcomeKind.UpToDate => RunTaskStatus.UpToDate,
                    TaskOutcomeKind.Blocked => RunTaskStatus.Blocked,
                    _ when outcome.Retryable && t.Attempts < settings.MaxAttempts => RunTaskStatus.Retrying,
                    _ => RunTaskStatus.Failed,
                };
                if (t.Status == RunTaskStatus.Retrying)
                    t.NextAttemptAt = finished + Backoff.Delay(t.Attempts, settings.RetryBaseDelay, settings.RetryMaxDelay);
            }, stoppingToken, outcome.Tests);
            if (task.Status is RunTaskStatus.Retrying)
                executor.Logger.LogWarning("Task {Task} of run {RunId} failed (attempt {Attempt}); retrying at {At:O}: {Error}",
                    task.Key, runId, task.Attempts, task.NextAttemptAt, task.Error);
            else if (task.Status is RunTaskStatus.Failed or RunTaskStatus.Blocked)
                executor.Logger.LogError("Task {Task} of run {RunId} {Status}: {Error}", task.Key, runId, task.Status, task.Error);
        }

        private async Task FinishAsync(Run run, CancellationToken cancellationToken)
        {
            var nodes = _tasks.Values.Select(t => new CriticalPath.Node(t.Key, t.DurationMs ?? 0, _dependsOn[t.Key])).ToList();
            var (path, ms) = CriticalPath.Of(nodes);
            var onPath = path.ToHashSet(StringComparer.Ordinal);
            var failed = _tasks.Values.Where(t => t.Status is RunTaskStatus.Failed or RunTaskStatus.Blocked).OrderBy(t => t.No).ToList();
            var skipped = _tasks.Values.Count(t => t.Status == RunTaskStatus.Skipped);
            var error = failed.Count == 0
                ? null
                : $"{failed.Count} task(s) failed, {skipped} skipped. First: {failed[0].Key}: {failed[0].Error}";
            if (_tasks.Values.Any(t => t.Status == RunTaskStatus.Succeeded))
                await CheckpointAsync(cancellationToken);
            await using (var scope = executor.Scope(tenant, out var db))
            {
                await using var transaction = await db.BeginWriteAsync(cancellationToken);
                await db.RunTasks.Where(t => t.RunId == runId && onPath.Contains(t.Key))
                    .ExecuteUpdateAsync(u => u.SetProperty(t => t.OnCriticalPath, true), cancellationToken);
                var stored = await db.Runs.FirstAsync(r => r.Id == runId, cancellationToken);
                stored.Status = failed.Count == 0 ? RunStatus.Succeeded : RunStatus.Failed;
                (stored.Error, stored.FinishedAt, stored.CriticalPath, stored.CriticalPathMs) =
                    (error, executor.Clock.GetUtcNow(), JsonSerializer.Serialize(path), ms);
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            executor.Logger.LogInformation("Run {RunId} of tenant {Tenant} {Status} ({Tasks} tasks, critical path {Ms} ms)",
                runId, tenant, failed.Count == 0 ? "succeeded" : "failed", _tasks.Count, ms);
            if (failed.Count == 0 && run.DirtyBefore is { } before)
                await CloseDirtyDatesAsync(before, cancellationToken);
            if (failed.Count == 0)
                await ReconcileAsync(cancellationToken);
        }

        /// <summary>
        /// The run's writes move from the engine's write-ahead log into the warehouse file before the run counts as
        /// finished, so a run pays for its own writes: otherwise the next run's first write would, whenever the log
        /// crosses the engine's threshold (after a full rebuild, seconds). Another transaction in the file makes the
        /// engine refuse; the log is then written out at a later commit, as it would have been anyway.
        /// </summary>
        private async Task CheckpointAsync(CancellationToken cancellationToken)
        {
            try
            {
                using var connection = executor.Warehouses.Open(tenant);
                await connection.ExecuteAsync("CHECKPOINT", cancellationToken);
            }
            catch (DuckDB.NET.Data.DuckDBException ex)
            {
                executor.Logger.LogDebug(ex, "Run {RunId} of tenant {Tenant} left its writes in the write-ahead log", runId, tenant);
            }
        }

        private async Task CloseDirtyDatesAsync(DateTimeOffset before, CancellationToken cancellationToken)
        {
            var dates = _tasks.Values.SelectMany(t => t.Dates).Distinct().ToList();
            if (dates.Count == 0)
                return;
            using var connection = executor.Warehouses.Open(tenant);
            var list = string.Join(", ", dates.Select(DuckDbDialect.Instance.DateLiteral));
            await connection.ExecuteAsync(
                $"DELETE FROM {WarehouseSchema.DirtyDates} WHERE marked_at <= '{before.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}+00' AND business_date IN ({list})",
                cancellationToken);
        }

        /// <summary>Closed days the run rebuilt are compared with the services' own figures (I9).</summary>
        private async Task ReconcileAsync(CancellationToken cancellationToken)
        {
            var settings = await executor.Tenants.SettingsAsync(tenant, cancellationToken);
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(executor.Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone)).DateTime);
            var dates = _tasks.Values.Where(t => t.Status == RunTaskStatus.Succeeded && t.Model == Reconciler.SalesModel)
                .SelectMany(t => t.Dates).Where(d => d < today).Distinct().Order().TakeLast(Reconciler.MaxDaysAfterRun).ToList();
            if (dates.Count == 0)
                return;
            try
            {
                await using var scope = executor.Scope(tenant, out _);
                await scope.ServiceProvider.GetRequiredService<Reconciler>().ReconcileAsync(tenant, dates, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                executor.Logger.LogWarning(ex, "Reconciling run {RunId} of tenant {Tenant} failed; it is tried again with the next run", runId, tenant);
            }
        }

        private async Task UpdateRunAsync(Action<Run> change, CancellationToken cancellationToken)
        {
            await using var scope = executor.Scope(tenant, out var db);
            await using var transaction = await db.BeginWriteAsync(cancellationToken);
            var run = await db.Runs.FirstAsync(r => r.Id == runId, cancellationToken);
            change(run);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        private async Task UpdateTaskAsync(RunTask task, Action<RunTask> change, CancellationToken cancellationToken, IReadOnlyList<TestOutcome>? tests = null)
        {
            change(task);
            await using var scope = executor.Scope(tenant, out var db);
            await using var transaction = await db.BeginWriteAsync(cancellationToken);
            db.RunTasks.Update(task);
            var at = executor.Clock.GetUtcNow();
            foreach (var test in tests ?? [])
                db.TestResults.Add(new TestResult
                {
                    RunId = runId, Model = task.Model, BusinessDate = task.BusinessDate, Test = test.Test.Name, Severity = test.Test.Severity,
                    Status = test.Status, Failures = test.Failures, Message = test.Message, At = at,
                });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }
}
