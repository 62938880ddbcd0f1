using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Reporting.Contracts;
using Tessera.Reporting.Data;
using Tessera.Reporting.Ods;
using Tessera.Reporting.Warehouse;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Reporting.Features;

/// <summary>Data test results, freshness per source, the ODS per producer, and the open alerts.</summary>
public static class DataQuality
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/tests", Tests).WithTags("Data quality").WithName("ListTestResults")
            .WithSummary("Data test results, newest first: the latest run's by default, or every result of a model (model=…).");
        api.MapGet("/freshness", Freshness).WithTags("Data quality").WithName("GetFreshness")
            .WithSummary("Per source: the producer's feed head, how far reporting read it, events not yet in the ODS and the lag against the target.");
        api.MapGet("/ods/sources", OdsSources).WithTags("Data quality").WithName("ListOdsSources")
            .WithSummary("Per producer: events in this tenant's ODS and distinct event ids (equal unless an event was stored twice).");
        api.MapGet("/alerts", ListAlerts).WithTags("Data quality").WithName("ListAlerts")
            .WithSummary("Alerts (deadlines, freshness, reconciliation), open ones first; includeCleared=true for the history.");
    }

    private static async Task<Ok<List<TestResultDto>>> Tests(string? model, Guid? runId, int? limit, ReportingDbContext db, CancellationToken cancellationToken)
    {
        var query = db.TestResults.AsNoTracking();
        if (model is not null)
            query = query.Where(t => t.Model == model);
        else if (runId is not null)
            query = query.Where(t => t.RunId == runId);
        else
        {
            var latest = await db.TestResults.AsNoTracking().OrderByDescending(t => t.Id).Select(t => (Guid?)t.RunId).FirstOrDefaultAsync(cancellationToken);
            query = query.Where(t => t.RunId == latest);
        }
        var rows = await query.OrderByDescending(t => t.Id).Take(Math.Clamp(limit ?? 500, 1, 5000)).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(t => new TestResultDto(t.Model, t.Test, t.Severity, t.Status, t.Failures, t.Message, t.BusinessDate, t.RunId, t.At)).ToList());
    }

    private static async Task<Ok<List<FreshnessDto>>> Freshness(ITenantContext tenant, Freshness freshness, CancellationToken cancellationToken) =>
        TypedResults.Ok(await freshness.OfAsync(tenant.TenantId!, cancellationToken));

    private static async Task<Ok<List<OdsSourceDto>>> OdsSources(ITenantContext tenant, TenantWarehouses warehouses, CancellationToken cancellationToken) =>
        TypedResults.Ok(await OdsSourcesOf(warehouses, tenant.TenantId!, cancellationToken));

    internal static async Task<List<OdsSourceDto>> OdsSourcesOf(TenantWarehouses warehouses, string tenant, CancellationToken cancellationToken)
    {
        using var connection = warehouses.Open(tenant);
        var rows = await connection.RowsAsync($"""
            SELECT producer, count(*) AS events, count(DISTINCT event_id) AS distinct_events, min(position) AS first_position, max(position) AS last_position,
                   min(occurred_at) AS first_at, max(occurred_at) AS last_at
            FROM {WarehouseSchema.Events} GROUP BY producer ORDER BY producer
            """, cancellationToken);
        return rows.Select(r => new OdsSourceDto((string)r["producer"]!, Convert.ToInt64(r["events"]), Convert.ToInt64(r["distinct_events"]),
            r["first_position"] is null ? null : Convert.ToInt64(r["first_position"]), r["last_position"] is null ? null : Convert.ToInt64(r["last_position"]),
            r["first_at"] is null ? null : Runs.RunQueue.ToOffset(r["first_at"]), r["last_at"] is null ? null : Runs.RunQueue.ToOffset(r["last_at"]))).ToList();
    }

    private static async Task<Ok<List<AlertDto>>> ListAlerts(bool? includeCleared, ReportingDbContext db, CancellationToken cancellationToken)
    {
        var query = db.Alerts.AsNoTracking();
        if (includeCleared != true)
            query = query.Where(a => a.ClearedAt == null);
        var rows = await query.OrderBy(a => a.ClearedAt != null).ThenByDescending(a => a.Id).Take(500).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(a => new AlertDto(a.Id, a.Kind, a.Subject, a.Message, a.RaisedAt, a.ClearedAt)).ToList());
    }
}
