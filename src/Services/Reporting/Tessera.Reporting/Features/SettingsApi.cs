using System.Security.Claims;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Reporting.Contracts;
using Tessera.Reporting.Data;
using Tessera.Reporting.Modeling;
using Tessera.Reporting.Ods;
using Tessera.Reporting.Runs;
using Tessera.Reporting.Warehouse;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Tenancy;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Reporting.Features;

/// <summary>The tenant's warehouse settings and its schedules.</summary>
public static class SettingsApi
{
    public sealed record Request(string? TimeZone, string? Currency, int? FreshnessTargetMinutes, decimal? ReconciliationThreshold, int? LookbackDays);

    public sealed record ScheduleRequest(string? Cadence, string? Dates, IReadOnlyList<string>? Models, bool? Enabled);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.TimeZone).Must(tz => tz is null || TimeZoneInfo.TryFindSystemTimeZoneById(tz, out _))
                .WithMessage("'{PropertyValue}' is not a known time zone (IANA, e.g. Asia/Ho_Chi_Minh).");
            RuleFor(r => r.Currency).Matches("^[A-Z]{3}$").When(r => r.Currency is not null).WithMessage("currency is an ISO 4217 code, e.g. VND.");
            RuleFor(r => r.FreshnessTargetMinutes).InclusiveBetween(1, 10080).When(r => r.FreshnessTargetMinutes is not null);
            RuleFor(r => r.ReconciliationThreshold).InclusiveBetween(0m, 1m).When(r => r.ReconciliationThreshold is not null)
                .WithMessage("reconciliationThreshold is a rate from 0 (exact) to 1.");
            RuleFor(r => r.LookbackDays).InclusiveBetween(0, 90).When(r => r.LookbackDays is not null);
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        var settings = api.MapGroup("/settings").WithTags("Settings");
        settings.MapGet("/", Get).WithName("GetReportingSettings");
        settings.MapPut("/", Put).Validate<Request>().RequireRoles(Roles.Admin).WithName("UpdateReportingSettings")
            .WithSummary("Change the warehouse settings. A new time zone moves every business date: the ODS is re-dated and every model rebuilt.");
        var schedules = api.MapGroup("/schedules").WithTags("Runs");
        schedules.MapGet("/", Schedules).WithName("ListSchedules");
        schedules.MapPut("/{name}", PutSchedule).RequireRoles(Roles.Finance).WithName("SaveSchedule")
            .WithSummary("Create or change a schedule: cadence (daily HH:mm, hourly :mm, every N minutes), dates (today or yesterday), models (all when empty).");
    }

    private static async Task<Ok<ReportingSettingsDto>> Get(HttpResponse response, ITenantContext tenant, TenantDirectory tenants, ReportingDbContext db,
        CancellationToken cancellationToken)
    {
        var settings = await tenants.SettingsAsync(tenant.TenantId!, cancellationToken);
        ETags.Set(response, await db.Settings.AsNoTracking().Select(s => s.Version).FirstAsync(cancellationToken));
        return TypedResults.Ok(settings);
    }

    private static async Task<IResult> Put(
        Request request, HttpContext http, ClaimsPrincipal user, ITenantContext tenant, TenantDirectory tenants, TenantWarehouses warehouses,
        RunQueue queue, ReportingDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        await tenants.SettingsAsync(tenant.TenantId!, cancellationToken);
        string? movedFrom = null;
        ReportingSettings row;
        await using (var transaction = await db.BeginWriteAsync(cancellationToken))
        {
            row = await db.Settings.FirstAsync(cancellationToken);
            if (!ETags.Matches(http.Request, row.Version))
                return Problems.PreconditionFailed($"The settings are at version {row.Version}, not the one in If-Match. Reload them first.");
            if (request.TimeZone is { } zone && zone != row.TimeZone)
                (movedFrom, row.TimeZone) = (row.TimeZone, zone);
            row.Currency = request.Currency ?? row.Currency;
            row.FreshnessTargetMinutes = request.FreshnessTargetMinutes ?? row.FreshnessTargetMinutes;
            row.ReconciliationThreshold = request.ReconciliationThreshold ?? row.ReconciliationThreshold;
            row.LookbackDays = request.LookbackDays ?? row.LookbackDays;
            (row.UpdatedAt, row.UpdatedBy) = (clock.GetUtcNow(), user.Actor());
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        tenants.Forget(tenant.TenantId!);
        if (movedFrom is not null)
        {
            // Every business date moves: the ODS is dated again in the new zone, every model forgets it was built, and a run rebuilds all.
            using (var connection = warehouses.Open(tenant.TenantId!))
                await connection.ExecuteAsync($"""
                    BEGIN TRANSACTION;
                    UPDATE {WarehouseSchema.Events} SET business_date = {Ods.BusinessTime.Expression("type", "CAST(payload AS VARCHAR)", "occurred_at", row.TimeZone)};
                    DELETE FROM {WarehouseSchema.Models};
                    COMMIT;
                    """, cancellationToken);
            await queue.EnqueueAsync(tenant.TenantId!, new RunSpec([], null, null, false, 1, "time-zone", user.Actor()), cancellationToken);
        }
        ETags.Set(http.Response, row.Version);
        return TypedResults.Ok(TenantDirectory.ToDto(row));
    }

    private static async Task<Ok<List<ScheduleDto>>> Schedules(ITenantContext tenant, TenantDirectory tenants, ReportingDbContext db, CancellationToken cancellationToken)
    {
        await tenants.SettingsAsync(tenant.TenantId!, cancellationToken);
        var rows = await db.Schedules.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(ToDto).ToList());
    }

    private static async Task<IResult> PutSchedule(
        string name, ScheduleRequest request, ITenantContext tenant, TenantDirectory tenants, ModelCatalog catalog, ReportingDbContext db,
        CancellationToken cancellationToken)
    {
        if (!ModelParser.NamePattern().IsMatch(name))
            return Problems.Validation("name", "A schedule's name is lower-case letters, digits and '_'.");
        if (request.Cadence is { } cadence && !Cadence.IsValid(cadence))
            return Problems.Validation("cadence", $"'{cadence}' is not a cadence: daily HH:mm, hourly :mm, every N minutes or every N seconds.");
        if (request.Dates is not null and not "today" and not "yesterday")
            return Problems.Validation("dates", "dates is today or yesterday.");
        var graph = await catalog.GraphAsync(tenant.TenantId!, cancellationToken);
        if ((request.Models ?? []).FirstOrDefault(m => !graph.Contains(m)) is { } unknown)
            return Problems.Validation("models", $"No model is named '{unknown}'.");
        await tenants.SettingsAsync(tenant.TenantId!, cancellationToken);
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        await db.LockAsync($"schedule:{tenant.TenantId}:{name}", cancellationToken);
        var row = await db.Schedules.FirstOrDefaultAsync(s => s.Name == name, cancellationToken);
        if (row is null)
        {
            if (request.Cadence is null)
                return Problems.Validation("cadence", "A new schedule needs a cadence.");
            row = new Schedule { Name = name, Dates = "today", Enabled = true, Version = 1 };
            db.Schedules.Add(row);
        }
        row.Cadence = request.Cadence ?? row.Cadence;
        row.Dates = request.Dates ?? row.Dates;
        row.Models = request.Models is null ? row.Models : JsonSerializer.Serialize(request.Models);
        row.Enabled = request.Enabled ?? row.Enabled;
        row.NextDueAt = null;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(ToDto(row));
    }

    private static ScheduleDto ToDto(Schedule s) =>
        new(s.Name, s.Cadence, s.Dates, JsonSerializer.Deserialize<List<string>>(s.Models) ?? [], s.Enabled, s.NextDueAt, s.LastRunId);
}
