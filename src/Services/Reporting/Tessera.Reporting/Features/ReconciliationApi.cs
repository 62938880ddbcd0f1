using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Reporting.Contracts;
using Tessera.Reporting.Data;
using Tessera.Reporting.Ods;
using Tessera.Reporting.Reconciliation;
using Tessera.Reporting.Warehouse;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Reporting.Features;

/// <summary>
/// Reconciliation results of a business date, reconciling a date now, and I9 for `tessera check`: the warehouse's
/// daily totals equal the source services' own, for the closed days the warehouse holds and no late event has re-opened.
/// </summary>
public static class ReconciliationApi
{
    public const string Invariant = "I9";
    public const int CheckedDays = 7;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/reconciliation", Get).WithTags("Reconciliation").WithName("GetReconciliation")
            .WithSummary("The reconciliation of a business date (date=yyyy-MM-dd; yesterday by default): each source and measure, both figures, the diff rate and whether it is within the threshold.");
        api.MapPost("/reconciliation", Run).RequireRoles(Roles.Finance).WithTags("Reconciliation").WithName("Reconcile")
            .WithSummary("Reconcile a business date now against the services' own figures.");
        api.MapGet("/consistency", Check).WithTags("Consistency").WithName("ReportingConsistency")
            .WithSummary("Checks I9 (the warehouse's daily totals = the source services' daily totals) over the last closed days.")
            .Produces<ConsistencyReportDto>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<Results<Ok<List<ReconciliationDto>>, ValidationProblem>> Get(
        string? date, ITenantContext tenant, TenantDirectory tenants, ReportingDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var day = await DateOrYesterdayAsync(date, tenant.TenantId!, tenants, clock, cancellationToken);
        if (day is null)
            return Problems.Validation("date", "date is a business date, yyyy-MM-dd.");
        var rows = await db.Reconciliations.AsNoTracking().Where(r => r.BusinessDate == day).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.OrderBy(r => r.Source).ThenBy(r => r.Measure).Select(ToDto).ToList());
    }

    private static async Task<IResult> Run(string? date, ITenantContext tenant, TenantDirectory tenants, Reconciler reconciler, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var day = await DateOrYesterdayAsync(date, tenant.TenantId!, tenants, clock, cancellationToken);
        if (day is null)
            return Problems.Validation("date", "date is a business date, yyyy-MM-dd.");
        try
        {
            var results = await reconciler.ReconcileAsync(tenant.TenantId!, [day.Value], cancellationToken);
            return TypedResults.Ok(results.OrderBy(r => r.Source).ThenBy(r => r.Measure).Select(ToDto).ToList());
        }
        catch (DependencyUnavailableException ex)
        {
            return Problems.Unavailable(ex.Service, $"The {ex.Service} service's own figures are needed and it is not answering: nothing was reconciled. Try again shortly.");
        }
    }

    private static async Task<IResult> Check(ITenantContext tenant, TenantDirectory tenants, TenantWarehouses warehouses, Reconciler reconciler,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var settings = await tenants.SettingsAsync(tenant.TenantId!, cancellationToken);
        var today = Today(settings.TimeZone, clock);
        List<DateOnly> settled;
        using (var connection = warehouses.Open(tenant.TenantId!))
        {
            var exists = await Runs.TaskRunner.Count(connection, $"SELECT count(*) FROM duckdb_tables() WHERE table_name = '{Reconciler.SalesModel}'", cancellationToken);
            settled = exists == 0 ? [] : (await connection.RowsAsync($"""
                SELECT DISTINCT business_date FROM {WarehouseSchema.Partitions}
                WHERE model = '{Reconciler.SalesModel}' AND business_date < {DuckDbDialect.Instance.DateLiteral(today)}
                  AND business_date >= {DuckDbDialect.Instance.DateLiteral(today.AddDays(-CheckedDays))}
                  AND business_date NOT IN (SELECT business_date FROM {WarehouseSchema.DirtyDates})
                ORDER BY business_date
                """, cancellationToken)).Select(r => (DateOnly)r["business_date"]!).ToList();
        }
        IReadOnlyList<ReconciliationResult> results;
        try
        {
            results = await reconciler.ReconcileAsync(tenant.TenantId!, settled, cancellationToken);
        }
        catch (DependencyUnavailableException ex)
        {
            return Problems.Unavailable(ex.Service,
                $"I9 compares the warehouse with {ex.Service}'s own figures, and {ex.Service} is not answering: nothing was checked. Try again shortly.");
        }
        var broken = results.Where(r => !r.Ok).ToList();
        var description = "The warehouse's daily totals (orders, revenue per currency, stock movements per type) equal the source services' own, " +
                          string.Create(CultureInfo.InvariantCulture, $"for the {settled.Count} closed day(s) of the last {CheckedDays} the warehouse holds and no late event has re-opened");
        var result = new InvariantResultDto(Invariant, description, broken.Count == 0, results.Count, broken.Count,
            broken.Take(100).Select(r => new InvariantViolationDto($"{r.Source} {r.Measure} {r.BusinessDate:yyyy-MM-dd}", string.Create(CultureInfo.InvariantCulture,
                $"warehouse {r.WarehouseValue:0.####}, {r.Source} {r.ServiceValue:0.####}, diff rate {r.DiffRate:0.######}"))).ToList());
        return TypedResults.Ok(new ConsistencyReportDto("reporting", clock.GetUtcNow(), result.Holds, [result]));
    }

    private static ReconciliationDto ToDto(ReconciliationResult r) =>
        new(r.Source, r.Measure, r.WarehouseValue, r.ServiceValue, r.DiffRate, r.Ok, r.BusinessDate, r.Threshold, r.CheckedAt);

    private static async Task<DateOnly?> DateOrYesterdayAsync(string? date, string tenant, TenantDirectory tenants, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (date is not null)
            return DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : null;
        var settings = await tenants.SettingsAsync(tenant, cancellationToken);
        return Today(settings.TimeZone, clock).AddDays(-1);
    }

    public static DateOnly Today(string timeZone, TimeProvider clock) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(timeZone)).DateTime);
}
