using System.Security.Claims;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Reporting.Contracts;
using Tessera.Reporting.Data;
using Tessera.Reporting.Modeling;
using Tessera.Reporting.Runs;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Tenancy;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Reporting.Features;

/// <summary>On-demand runs and backfills (POST /runs → 202 with the run), a run with its tasks and critical path, and the run history.</summary>
public static class RunsApi
{
    /// <summary>Models (all when empty), business dates (a backfill), everything downstream of the models, tasks at once.</summary>
    public sealed record Request(IReadOnlyList<string>? Models, DateOnly? From, DateOnly? To, bool? IncludeDownstream, int? Parallelism, int? BatchDays);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.From).NotNull().When(r => r.To is not null).WithMessage("Give from with to (yyyy-MM-dd), or neither.");
            RuleFor(r => r.To).NotNull().When(r => r.From is not null).WithMessage("Give to with from (yyyy-MM-dd), or neither.");
            RuleFor(r => r.To).Must((r, to) => to >= r.From).When(r => r.From is not null && r.To is not null).WithMessage("to must be on or after from.");
            RuleFor(r => r.To).Must((r, to) => to!.Value.DayNumber - r.From!.Value.DayNumber < RunQueue.MaxDays)
                .When(r => r.From is not null && r.To is not null).WithMessage($"A run covers at most {RunQueue.MaxDays} days.");
            RuleFor(r => r.Parallelism).InclusiveBetween(1, 8).When(r => r.Parallelism is not null);
            RuleFor(r => r.BatchDays).InclusiveBetween(1, 366).When(r => r.BatchDays is not null);
            RuleForEach(r => r.Models).NotEmpty().Matches(ModelParser.NamePattern()).WithMessage("'{PropertyValue}' is not a model name.");
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        var runs = api.MapGroup("/runs").WithTags("Runs");
        runs.MapPost("/", Start).Validate<Request>().RequireRoles(Roles.Finance).WithName("StartRun")
            .WithSummary("Run models now: all, or the named ones (with everything downstream when includeDownstream); over from..to (a backfill) or over the dates late events re-opened and today.")
            .Produces<RunDto>(StatusCodes.Status202Accepted);
        runs.MapGet("/{id:guid}", Get).WithName("GetRun").WithSummary("A run with each task's status, attempts, duration and error, and its critical path.");
        runs.MapGet("/", List).WithName("ListRuns").WithSummary("The latest runs, newest first.");
    }

    private static async Task<Results<Accepted<RunDto>, ValidationProblem>> Start(
        Request request, ClaimsPrincipal user, ITenantContext tenant, ModelCatalog catalog, RunQueue queue, ReportingDbContext db,
        CancellationToken cancellationToken)
    {
        var graph = await catalog.GraphAsync(tenant.TenantId!, cancellationToken);
        var unknown = (request.Models ?? []).Where(m => !graph.Contains(m)).ToList();
        if (unknown.Count > 0)
            return Problems.Validation("models", $"No model is named {string.Join(", ", unknown.Select(u => $"'{u}'"))}. GET /api/reporting/models lists them.");
        var trigger = request.From is null ? "manual" : "backfill";
        var run = await queue.EnqueueAsync(tenant.TenantId!, new RunSpec(request.Models ?? [], request.From, request.To,
            request.IncludeDownstream ?? false, request.Parallelism ?? 1, trigger, user.Actor(), BatchDays: request.BatchDays), cancellationToken);
        var dto = await LoadAsync(db, run.Id, cancellationToken);
        return TypedResults.Accepted($"/api/reporting/runs/{run.Id}", dto!);
    }

    private static async Task<Results<Ok<RunDto>, ProblemHttpResult>> Get(Guid id, ReportingDbContext db, CancellationToken cancellationToken) =>
        await LoadAsync(db, id, cancellationToken) is { } run ? TypedResults.Ok(run) : Problems.NotFound("Run", id.ToString());

    private static async Task<Ok<List<RunSummaryDto>>> List(int? limit, ReportingDbContext db, CancellationToken cancellationToken)
    {
        var runs = await db.Runs.AsNoTracking().OrderByDescending(r => r.CreatedAt).Take(Math.Clamp(limit ?? 50, 1, 500)).ToListAsync(cancellationToken);
        var ids = runs.Select(r => r.Id).ToList();
        var counts = await db.RunTasks.AsNoTracking().Where(t => ids.Contains(t.RunId)).GroupBy(t => t.RunId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return TypedResults.Ok(runs.Select(r => new RunSummaryDto(r.Id, r.Status.ToString(), r.Trigger, r.From, r.To, r.CreatedAt, r.StartedAt, r.FinishedAt,
            r.Error, counts.GetValueOrDefault(r.Id), r.CriticalPathMs)).ToList());
    }

    public static async Task<RunDto?> LoadAsync(ReportingDbContext db, Guid id, CancellationToken cancellationToken)
    {
        var run = await db.Runs.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (run is null)
            return null;
        var tasks = await db.RunTasks.AsNoTracking().Where(t => t.RunId == id).OrderBy(t => t.No).ToListAsync(cancellationToken);
        var dtos = tasks.Select(t => new RunTaskDto(t.Key, t.Model, t.BusinessDate, t.DateTo, t.Status.ToString(), t.Attempts, t.StartedAt, t.FinishedAt, t.DurationMs,
            t.Error, t.Rows, t.Checksum, JsonSerializer.Deserialize<List<string>>(t.DependsOn) ?? [], t.OnCriticalPath, t.NextAttemptAt)).ToList();
        return new RunDto(run.Id, run.Status.ToString(), run.Trigger, JsonSerializer.Deserialize<List<string>>(run.Models) ?? [], run.From, run.To,
            run.IncludeDownstream, run.Parallelism, run.CreatedAt, run.StartedAt, run.FinishedAt, run.Error, run.RequestedBy, tasks.Count,
            tasks.GroupBy(t => t.Status.ToString()).ToDictionary(g => g.Key, g => g.Count()),
            JsonSerializer.Deserialize<List<string>>(run.CriticalPath) ?? [], run.CriticalPathMs, dtos);
    }
}
