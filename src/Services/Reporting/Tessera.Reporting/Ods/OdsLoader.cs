using System.Diagnostics;
using DuckDB.NET.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Reporting.Data;
using Tessera.Reporting.Warehouse;
using Tessera.ServiceDefaults.Hosting;

namespace Tessera.Reporting.Ods;

/// <summary>
/// Moves staged events into their tenant's ODS, a batch per tenant per transaction, and only then deletes them from
/// the staging table. A crash between the two loads the batch again; the ODS insert drops event ids it already holds,
/// so nothing is lost and nothing doubles (docs/adr/0019). Each batch re-opens the business dates it touches: its
/// events' own dates and, for an event about an order, the date the order was placed.
/// </summary>
public sealed class OdsLoader(Standby standby,
    IServiceScopeFactory scopes,
    TenantWarehouses warehouses,
    TenantDirectory tenants,
    IOptions<ReportingOptions> options,
    TimeProvider clock,
    ILogger<OdsLoader> logger) : BackgroundService
{
    private static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(300);

    /// <summary>When the ODS last held everything staged, per producer (freshness).</summary>
    public DateTimeOffset? CaughtUpAt { get; private set; }

    public long Loaded { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await standby.UntilActiveAsync(stoppingToken))
            return;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var readAt = clock.GetUtcNow();
                var moved = await LoadOnceAsync(stoppingToken);
                failures = 0;
                // A full batch leaves more behind: load on at once. Anything less was everything staged when the batch
                // was read, so the loader waits for more instead of running its statements for every few events that
                // trickle in: a batch costs about the same for 5 events as for 500, and under a steady flow the
                // warehouse is then at most IdleWait behind the staging table (issue 12, docs/benchmarks.md).
                if (moved >= options.Value.LoaderBatchSize)
                    continue;
                CaughtUpAt = readAt;
                await Task.Delay(IdleWait, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                logger.LogError(ex, "Loading staged events into the ODS failed (attempt {Attempt}); retrying", failures);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, Math.Min(failures, 5)))), clock, stoppingToken)
                    .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <returns>How many staged events were moved.</returns>
    public async Task<int> LoadOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ReportingDbContext>();
        var batch = await db.StagedEvents.AsNoTracking().OrderBy(s => s.Sequence).Take(options.Value.LoaderBatchSize).ToListAsync(cancellationToken);
        if (batch.Count == 0)
            return 0;
        var started = Stopwatch.GetTimestamp();
        foreach (var group in batch.GroupBy(s => s.TenantId))
        {
            var settings = await tenants.SettingsAsync(group.Key, cancellationToken);
            using var connection = warehouses.Open(group.Key);
            await LoadAsync(connection, group.ToList(), settings.TimeZone, cancellationToken);
        }
        var sequences = batch.Select(s => s.Sequence).ToList();
        await using (var transaction = await db.BeginWriteAsync(cancellationToken))
        {
            await db.StagedEvents.Where(s => sequences.Contains(s.Sequence)).ExecuteDeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        Loaded += batch.Count;
        logger.LogDebug("Loaded {Count} events into the ODS in {ElapsedMs:0} ms", batch.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return batch.Count;
    }

    internal static async Task LoadAsync(DuckDBConnection connection, IReadOnlyList<StagedEvent> events, string timeZone, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("""
            CREATE TEMP TABLE IF NOT EXISTS _ods_batch (
                event_id UUID, producer VARCHAR, type VARCHAR, version INTEGER, tenant VARCHAR, aggregate_id VARCHAR,
                position BIGINT, occurred_at TIMESTAMPTZ, payload VARCHAR);
            DELETE FROM _ods_batch;
            """, cancellationToken);
        using (var appender = connection.CreateAppender("_ods_batch"))
        {
            foreach (var e in events)
                appender.CreateRow()
                    .AppendValue(e.EventId).AppendValue(e.Producer).AppendValue(e.Type).AppendValue(e.Version).AppendValue(e.TenantId)
                    .AppendValue(e.AggregateId).AppendValue(e.Position).AppendValue(e.OccurredAt.UtcDateTime).AppendValue(e.Payload)
                    .EndRow();
        }
        var businessDate = BusinessTime.Expression("b.type", "b.payload", "b.occurred_at", timeZone);
        var opening = string.Join(", ", BusinessTime.OpeningTypes.Select(Sql.Literal));
        // The ids of a batch are time-ordered (UUIDv7), so "no older than the batch's oldest" lets the engine skip the
        // row groups of older events when it looks for ids it already holds; a redelivered old event still matches.
        // An event's opening date is that of its aggregate's opening event (an order's placing), so the models that
        // date a whole story by its opening read one date's rows and not every later event; an event that arrives
        // before its opening one carries its own date until that one comes and moves it (re-opening both dates).
        await connection.ExecuteAsync($"""
            BEGIN TRANSACTION;
            CREATE OR REPLACE TEMP TABLE _ods_new AS
            SELECT b.event_id, b.producer, b.type, b.version, b.tenant, b.aggregate_id, b.position, b.occurred_at, {businessDate} AS business_date,
                   CAST(b.payload AS JSON) AS payload
            FROM _ods_batch b
            WHERE NOT EXISTS (SELECT 1 FROM {WarehouseSchema.Events} o
                              WHERE o.event_id = b.event_id AND o.event_id >= (SELECT min(event_id) FROM _ods_batch))
            QUALIFY row_number() OVER (PARTITION BY b.event_id ORDER BY b.position) = 1;
            CREATE OR REPLACE TEMP TABLE _ods_openings AS
            SELECT aggregate_id, min(business_date) AS opening_date, bool_or(arrived) AS arrived FROM (
                SELECT o.aggregate_id, o.business_date, false AS arrived FROM {WarehouseSchema.Events} o
                WHERE o.type IN ({opening}) AND o.aggregate_id IN (SELECT aggregate_id FROM _ods_new)
                UNION ALL
                SELECT n.aggregate_id, n.business_date, true FROM _ods_new n WHERE n.type IN ({opening}))
            GROUP BY aggregate_id;
            INSERT INTO {WarehouseSchema.DirtyDates}
            SELECT DISTINCT e.opening_date, now() FROM {WarehouseSchema.Events} e JOIN _ods_openings op ON op.aggregate_id = e.aggregate_id
            WHERE op.arrived AND e.opening_date <> op.opening_date;
            UPDATE {WarehouseSchema.Events} SET opening_date = op.opening_date FROM _ods_openings op
            WHERE op.arrived AND {WarehouseSchema.Events}.aggregate_id = op.aggregate_id AND {WarehouseSchema.Events}.opening_date <> op.opening_date;
            INSERT INTO {WarehouseSchema.Events}
                (event_id, producer, type, version, tenant, aggregate_id, position, occurred_at, business_date, ingested_at, payload, opening_date)
            SELECT n.event_id, n.producer, n.type, n.version, n.tenant, n.aggregate_id, n.position, n.occurred_at, n.business_date, now(), n.payload,
                   coalesce(op.opening_date, n.business_date)
            FROM _ods_new n LEFT JOIN _ods_openings op ON op.aggregate_id = n.aggregate_id;
            INSERT INTO {WarehouseSchema.DirtyDates}
            SELECT DISTINCT d, now() FROM (
                SELECT n.business_date AS d FROM _ods_new n
                UNION SELECT op.opening_date FROM _ods_openings op);
            DROP TABLE _ods_new;
            DROP TABLE _ods_openings;
            COMMIT;
            """, cancellationToken).ConfigureAwait(false);
    }
}
