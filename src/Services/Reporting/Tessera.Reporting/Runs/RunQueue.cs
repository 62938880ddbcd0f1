using System.Globalization;
using System.Text.Json;
using DuckDB.NET.Data;
using Tessera.Reporting.Data;
using Tessera.Reporting.Modeling;
using Tessera.Reporting.Ods;
using Tessera.Reporting.Warehouse;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Reporting.Runs;

/// <summary>What to run, once validated: the models (in DAG order) and the business dates asked for, if any.</summary>
public sealed record RunSpec(IReadOnlyList<string> Models, DateOnly? From, DateOnly? To, bool IncludeDownstream, int Parallelism, string Trigger,
    string? RequestedBy, string? Schedule = null, string? DefaultDates = null, int? BatchDays = null);

/// <summary>
/// Plans and queues runs. Without dates a run covers what late events re-opened, its default day (today, or yesterday
/// for the daily schedule) and the tenant's lookback before it; with from/to it is a backfill of exactly those dates.
/// Models the run's models read that were never built join the run. A partitioned model that was never built, or whose SQL changed since it was, is built over its whole history — every
/// date the ODS has data for — and so is everything downstream of it in the run. Runs of more than a week of dates
/// batch up to <see cref="BackfillBatchDays"/> consecutive dates per task unless told otherwise.
/// </summary>
public sealed class RunQueue(
    IServiceScopeFactory scopes,
    ModelCatalog catalog,
    TenantWarehouses warehouses,
    TenantDirectory tenants,
    RunSignal signal,
    TimeProvider clock)
{
    public const int MaxDays = 3660;
    public const int BackfillBatchDays = 31;
    private const int DatesOfAnIncrementalRun = 7;

    public async Task<Run> EnqueueAsync(string tenant, RunSpec spec, CancellationToken cancellationToken)
    {
        var graph = await catalog.GraphAsync(tenant, cancellationToken);
        var settings = await tenants.SettingsAsync(tenant, cancellationToken);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone);
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var everything = spec.Models.Count == 0;
        var models = everything ? graph.Order.ToList()
            : spec.IncludeDownstream ? graph.WithDownstream(spec.Models).ToList()
            : graph.Order.Where(spec.Models.Contains).ToList();

        var state = await WarehouseStateAsync(tenant, graph, today, cancellationToken);
        // A model reads the tables of the models it refs: those never built join the run, before it.
        var missing = new HashSet<string>(StringComparer.Ordinal);
        void Need(string model)
        {
            foreach (var upstream in graph.Upstream(model).Where(u => !state.Built.ContainsKey(u) && !models.Contains(u)))
                if (missing.Add(upstream))
                    Need(upstream);
        }
        foreach (var model in models.ToList())
            Need(model);
        if (missing.Count > 0)
            models = graph.Order.Where(m => missing.Contains(m) || models.Contains(m)).ToList();
        List<DateOnly> dates;
        if (spec.From is { } from && spec.To is { } to)
            dates = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays).ToList();
        else
        {
            var anchor = spec.DefaultDates == "yesterday" ? today.AddDays(-1) : today;
            dates = [.. state.Dirty, anchor, .. Enumerable.Range(1, Math.Max(0, settings.LookbackDays)).Select(i => anchor.AddDays(-i))];
            dates = dates.Where(d => d <= today && d >= state.FirstDate).Distinct().Order().ToList();
            if (dates.Count == 0)
                dates = [today];
        }
        var history = state.Active;
        var stale = models.Where(m => graph[m].IsPartitioned && state.Built.GetValueOrDefault(m) != graph[m].SqlHash).ToList();
        var rebuilt = graph.WithDownstream(stale).Where(models.Contains).ToHashSet();
        // A cumulative model's partition adds up everything before it: every later date with data runs too.
        var later = dates.Count == 0 ? [] : history.Where(d => d > dates.Min()).ToList();
        IReadOnlyList<DateOnly> DatesOf(string m) => rebuilt.Contains(m) ? history.Union(dates).ToList()
            : graph[m].Cumulative ? dates.Union(later).ToList()
            : dates;
        // Work beyond what was asked — a whole-table model the run was not asked for by name, a cumulative model's later
        // dates — is done only if what it reads changed since it was built (the task runner checks when its turn comes).
        var asked = dates.ToHashSet();
        bool Conditional(string m, DateOnly? date) =>
            !rebuilt.Contains(m) && (date is { } d
                ? graph[m].Cumulative && !asked.Contains(d)
                : graph[m].Materialization == Materialization.Table && (everything || !spec.Models.Contains(m)));
        var batchDays = spec.BatchDays ?? (models.Any(m => graph[m].IsPartitioned && DatesOf(m).Count > DatesOfAnIncrementalRun) ? BackfillBatchDays : 1);
        var tasks = RunPlanner.Plan(graph, models, DatesOf, batchDays, Conditional);

        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
        var db = scope.ServiceProvider.GetRequiredService<ReportingDbContext>();
        var run = new Run
        {
            Id = Guid.CreateVersion7(),
            Status = RunStatus.Queued,
            Trigger = spec.Trigger,
            Models = JsonSerializer.Serialize(everything ? [] : spec.Models),
            From = spec.From ?? dates.Min(),
            To = spec.To ?? dates.Max(),
            IncludeDownstream = spec.IncludeDownstream,
            Parallelism = Math.Clamp(spec.Parallelism, 1, 8),
            RequestedBy = spec.RequestedBy,
            CreatedAt = now,
            DirtyBefore = everything ? state.DirtyBefore : null,
            Schedule = spec.Schedule,
        };
        db.Runs.Add(run);
        var no = 0;
        foreach (var task in tasks)
            db.RunTasks.Add(new RunTask
            {
                RunId = run.Id, No = ++no, Key = task.Key, Model = task.Model, BusinessDate = task.From, DateTo = task.To, Status = RunTaskStatus.Pending,
                DependsOn = JsonSerializer.Serialize(task.DependsOn), Conditional = task.Conditional,
            });
        await using (var transaction = await db.BeginWriteAsync(cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        signal.Notify();
        return run;
    }

    /// <param name="Active">Every business date the ODS holds something for (events, uploads, manual entries): a model's history.</param>
    private sealed record State(DateOnly FirstDate, IReadOnlyList<DateOnly> Active, IReadOnlyList<DateOnly> Dirty, DateTimeOffset DirtyBefore,
        IReadOnlyDictionary<string, string> Built);

    private async Task<State> WarehouseStateAsync(string tenant, ModelGraph graph, DateOnly today, CancellationToken cancellationToken)
    {
        using var connection = warehouses.Open(tenant);
        var active = (await connection.RowsAsync($"""
            SELECT business_date FROM {WarehouseSchema.Events}
            UNION SELECT business_date FROM {WarehouseSchema.Uploads}
            UNION SELECT business_date FROM {WarehouseSchema.ManualEntries}
            ORDER BY business_date
            """, cancellationToken)).Select(r => (DateOnly)r["business_date"]!).Where(d => d <= today).ToList();
        var first = active.Count > 0 ? active[0] : today;
        var dirtyRows = await connection.RowsAsync(
            $"SELECT business_date, max(marked_at) AS marked FROM {WarehouseSchema.DirtyDates} GROUP BY business_date", cancellationToken);
        var dirty = dirtyRows.Select(r => (DateOnly)r["business_date"]!).ToList();
        var before = dirtyRows.Count == 0 ? clock.GetUtcNow() : dirtyRows.Max(r => ToOffset(r["marked"]));
        var built = (await connection.RowsAsync($"SELECT model, sql_hash FROM {WarehouseSchema.Models}", cancellationToken))
            .ToDictionary(r => (string)r["model"]!, r => (string)r["sql_hash"]!, StringComparer.Ordinal);
        return new State(first, active, dirty, before, built);
    }

    internal static DateTimeOffset ToOffset(object? value) => value switch
    {
        DateTimeOffset o => o,
        DateTime t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)),
        _ => throw new InvalidCastException($"Not a timestamp: {value}"),
    };

    public static string Describe(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>Wakes the executor when a run is queued.</summary>
public sealed class RunSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();

    public Task Next
    {
        get
        {
            lock (_lock)
                return _next.Task;
        }
    }

    public void Notify()
    {
        lock (_lock)
        {
            _next.TrySetResult();
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
