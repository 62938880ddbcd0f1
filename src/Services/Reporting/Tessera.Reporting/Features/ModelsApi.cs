using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Reporting.Contracts;
using Tessera.Reporting.Data;
using Tessera.Reporting.Modeling;
using Tessera.Reporting.Ods;
using Tessera.Reporting.Warehouse;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Reporting.Features;

/// <summary>
/// The models of the tenant's DAG (shipped and its own), the lineage, and a tenant's own models: added, changed and
/// removed without restarting anything. A model is refused, naming the problem, when its header or SQL cannot be
/// used, a ref names nothing, it would close a cycle, or its SELECT does not parse or bind against the warehouse.
/// </summary>
public static class ModelsApi
{
    public sealed record Request(string? Name, string? Sql);

    public static void Map(RouteGroupBuilder api)
    {
        var models = api.MapGroup("/models").WithTags("Models");
        models.MapGet("/", List).WithName("ListModels").WithSummary("Every model in DAG order with its layer, materialization, grain, refs, downstream and tests.");
        models.MapGet("/lineage", Lineage).WithName("GetLineage").WithSummary("The DAG: models and ODS sources, and an edge from each ref to the model reading it.");
        models.MapGet("/{name}", Get).WithName("GetModel");
        models.MapGet("/{name}/partitions", Partitions).WithName("ListPartitions")
            .WithSummary("The partitions of a partitioned model from..to: rows, checksum, and the run that last wrote each.");
        models.MapPost("/", Create).RequireRoles(Roles.Finance).WithName("CreateModel")
            .WithSummary("Add a model of the tenant's own (SQL with the same header as the shipped files); it runs with the next run that includes it.")
            .Produces<ModelDto>(StatusCodes.Status201Created);
        models.MapPut("/{name}", Change).RequireRoles(Roles.Finance).WithName("ChangeModel")
            .WithSummary("Replace a tenant's model; a changed partitioned model is rebuilt over its whole history by the next run. Send If-Match.");
        models.MapDelete("/{name}", Remove).RequireRoles(Roles.Finance).WithName("RemoveModel")
            .WithSummary("Remove a tenant's model that no other model reads; its table is dropped.");
    }

    private static async Task<Ok<List<ModelDto>>> List(ITenantContext tenant, ModelCatalog catalog, TenantWarehouses warehouses, CancellationToken cancellationToken)
    {
        var graph = await catalog.GraphAsync(tenant.TenantId!, cancellationToken);
        var built = await Metrics.BuiltAsync(warehouses, tenant.TenantId!, cancellationToken);
        return TypedResults.Ok(graph.Order.Select(n => ToDto(graph, graph[n], built.GetValueOrDefault(n)?.BuiltAt)).ToList());
    }

    private static async Task<Results<Ok<ModelDto>, ProblemHttpResult>> Get(
        string name, HttpResponse response, ITenantContext tenant, ModelCatalog catalog, TenantWarehouses warehouses, ReportingDbContext db,
        CancellationToken cancellationToken)
    {
        var graph = await catalog.GraphAsync(tenant.TenantId!, cancellationToken);
        if (!graph.Contains(name))
            return Problems.NotFound("Model", name);
        if (graph[name].Owner == ModelDefinition.TenantOwned &&
            await db.TenantModels.AsNoTracking().FirstOrDefaultAsync(m => m.Name == name, cancellationToken) is { } own)
            ETags.Set(response, own.Version);
        var built = await Metrics.BuiltAsync(warehouses, tenant.TenantId!, cancellationToken);
        return TypedResults.Ok(ToDto(graph, graph[name], built.GetValueOrDefault(name)?.BuiltAt));
    }

    private static async Task<IResult> Partitions(string name, DateOnly? from, DateOnly? to, ITenantContext tenant, ModelCatalog catalog,
        TenantWarehouses warehouses, CancellationToken cancellationToken)
    {
        var graph = await catalog.GraphAsync(tenant.TenantId!, cancellationToken);
        if (!graph.Contains(name))
            return Problems.NotFound("Model", name);
        var dialect = DuckDbDialect.Instance;
        using var connection = warehouses.Open(tenant.TenantId!);
        var rows = await connection.RowsAsync($"""
            SELECT business_date, row_count, checksum, run_id, written_at FROM {WarehouseSchema.Partitions}
            WHERE model = {Sql.Literal(name)}
              AND business_date BETWEEN {dialect.DateLiteral(from ?? DateOnly.MinValue)} AND {dialect.DateLiteral(to ?? DateOnly.MaxValue)}
            ORDER BY business_date
            """, cancellationToken);
        return TypedResults.Ok(rows.Select(r => new PartitionDto((DateOnly)r["business_date"]!, Convert.ToInt64(r["row_count"], System.Globalization.CultureInfo.InvariantCulture),
            (string)r["checksum"]!, (Guid)r["run_id"]!, Runs.RunQueue.ToOffset(r["written_at"]))).ToList());
    }

    private static async Task<Ok<LineageDto>> Lineage(ITenantContext tenant, ModelCatalog catalog, CancellationToken cancellationToken)
    {
        var graph = await catalog.GraphAsync(tenant.TenantId!, cancellationToken);
        var nodes = WarehouseSchema.Sources.Select(s => new LineageNodeDto(s, "ods", "source", ModelDefinition.Shipped, 0))
            .Concat(graph.Order.Select(n => new LineageNodeDto(n, graph[n].Layer, graph[n].Materialization.ToString().ToLowerInvariant(), graph[n].Owner,
                graph.Depth(n) + 1)))
            .ToList();
        var edges = graph.Order.SelectMany(n => graph[n].Refs.Select(r => new LineageEdgeDto(r, n))).ToList();
        return TypedResults.Ok(new LineageDto(nodes, edges));
    }

    private static async Task<IResult> Create(
        Request request, ClaimsPrincipal user, ITenantContext tenant, ModelCatalog catalog, TenantWarehouses warehouses, TenantDirectory tenants,
        ReportingDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
            return Problems.Validation("name", "Name the model: lower-case letters, digits and '_', starting with a letter.");
        if (await db.TenantModels.AnyAsync(m => m.Name == request.Name, cancellationToken))
            return Problems.Conflict("The model exists", $"Model '{request.Name}' exists already; change it with PUT /api/reporting/models/{request.Name}.");
        var checkedModel = await CheckAsync(request.Name, request.Sql, tenant.TenantId!, catalog, warehouses, tenants, db, null, cancellationToken);
        if (checkedModel.Problem is not null)
            return checkedModel.Problem;
        var now = clock.GetUtcNow();
        var row = new TenantModel { Name = request.Name, Sql = request.Sql!, CreatedBy = user.Actor(), CreatedAt = now, UpdatedAt = now, Version = 1 };
        await using (var transaction = await db.BeginWriteAsync(cancellationToken))
        {
            // Checked again inside the write: two creates of one name at once make one model and one 409.
            await db.LockAsync($"tenant-model:{tenant.TenantId}:{request.Name}", cancellationToken);
            if (await db.TenantModels.AnyAsync(m => m.Name == request.Name, cancellationToken))
                return Problems.Conflict("The model exists", $"Model '{request.Name}' exists already; change it with PUT /api/reporting/models/{request.Name}.");
            db.TenantModels.Add(row);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catalog.Forget(tenant.TenantId!);
        var graph = await catalog.GraphAsync(tenant.TenantId!, cancellationToken);
        return TypedResults.Created($"/api/reporting/models/{row.Name}", ToDto(graph, graph[row.Name], null));
    }

    private static async Task<IResult> Change(
        string name, Request request, HttpContext http, ITenantContext tenant, ModelCatalog catalog, TenantWarehouses warehouses, TenantDirectory tenants,
        ReportingDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var row = await db.TenantModels.FirstOrDefaultAsync(m => m.Name == name, cancellationToken);
        if (row is null)
            return catalog.ShippedGraph.Contains(name)
                ? Problems.Conflict("A shipped model cannot be changed", $"Model '{name}' ships with Tessera; add a model of your own that reads it instead.")
                : Problems.NotFound("Model", name);
        if (!ETags.Matches(http.Request, row.Version))
            return Problems.PreconditionFailed($"Model '{name}' is at version {row.Version}, not the one in If-Match. Reload it first.");
        if (request.Name is not null && request.Name != name)
            return Problems.Validation("name", "A model keeps its name; add a new model for a new name.");
        var checkedModel = await CheckAsync(name, request.Sql, tenant.TenantId!, catalog, warehouses, tenants, db, name, cancellationToken);
        if (checkedModel.Problem is not null)
            return checkedModel.Problem;
        await using (var transaction = await db.BeginWriteAsync(cancellationToken))
        {
            (row.Sql, row.UpdatedAt) = (request.Sql!, clock.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catalog.Forget(tenant.TenantId!);
        var graph = await catalog.GraphAsync(tenant.TenantId!, cancellationToken);
        ETags.Set(http.Response, row.Version);
        return TypedResults.Ok(ToDto(graph, graph[name], null));
    }

    private static async Task<IResult> Remove(string name, ITenantContext tenant, ModelCatalog catalog, TenantWarehouses warehouses, ReportingDbContext db,
        CancellationToken cancellationToken)
    {
        var row = await db.TenantModels.FirstOrDefaultAsync(m => m.Name == name, cancellationToken);
        if (row is null)
            return catalog.ShippedGraph.Contains(name)
                ? Problems.Conflict("A shipped model cannot be removed", $"Model '{name}' ships with Tessera.")
                : Problems.NotFound("Model", name);
        var graph = await catalog.GraphAsync(tenant.TenantId!, cancellationToken);
        if (graph.DirectDownstream(name) is { Count: > 0 } readers)
            return Problems.Conflict("The model is read by other models", $"Remove or change {string.Join(", ", readers)} first: they read '{name}'.");
        await using (var transaction = await db.BeginWriteAsync(cancellationToken))
        {
            db.TenantModels.Remove(row);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catalog.Forget(tenant.TenantId!);
        using var connection = warehouses.Open(tenant.TenantId!);
        var kind = graph[name].Materialization == Materialization.View ? "VIEW" : "TABLE";
        await connection.ExecuteAsync($"""
            DROP {kind} IF EXISTS {Sql.Quote(name)};
            DELETE FROM {WarehouseSchema.Models} WHERE model = {Sql.Literal(name)};
            DELETE FROM {WarehouseSchema.Partitions} WHERE model = {Sql.Literal(name)};
            """, cancellationToken);
        return TypedResults.NoContent();
    }

    private sealed record Checked(ModelDefinition? Model, IResult? Problem);

    /// <summary>Header, name, refs and cycle (the DAG with the model in it), then one SELECT that binds in the tenant's warehouse.</summary>
    private static async Task<Checked> CheckAsync(string name, string? sql, string tenant, ModelCatalog catalog, TenantWarehouses warehouses,
        TenantDirectory tenants, ReportingDbContext db, string? replacing, CancellationToken cancellationToken)
    {
        if (!ModelParser.NamePattern().IsMatch(name))
            return new Checked(null, Problems.Validation("name", $"'{name}' is not a model name: lower-case letters, digits and '_', starting with a letter, at most 63 characters."));
        if (string.IsNullOrWhiteSpace(sql))
            return new Checked(null, Problems.Validation("sql", "Give the model's SQL: a header (-- layer: …, -- materialized: …) and one SELECT."));
        if (sql.Length > 100_000)
            return new Checked(null, Problems.Validation("sql", "A model's SQL is at most 100,000 characters."));
        ModelDefinition model;
        ModelGraph graph;
        try
        {
            model = ModelCatalog.Parse(name, sql);
            if (model.Name != name)
                return new Checked(null, Problems.Validation("sql", $"The header names the model '{model.Name}', the request '{name}'."));
            var own = await db.TenantModels.AsNoTracking().Where(m => m.Name != replacing).ToListAsync(cancellationToken);
            graph = catalog.With(own.Select(m => ModelCatalog.Parse(m.Name, m.Sql)).Append(model));
        }
        catch (ModelException ex)
        {
            return new Checked(null, Problems.Validation("sql", ex.Line is null ? ex.Reason : $"line {ex.Line}: {ex.Reason}"));
        }
        var settings = await tenants.SettingsAsync(tenant, cancellationToken);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var context = new RenderContext(DuckDbDialect.Instance, settings.TimeZone, model.IsPartitioned ? today : null, model.IsPartitioned ? today : null);
        string rendered;
        try
        {
            rendered = ModelRenderer.Render(model.Body, name, context, $"model {name}");
        }
        catch (ModelException ex)
        {
            return new Checked(null, Problems.Validation("sql", ex.Reason));
        }
        using var connection = warehouses.Open(tenant);
        if (await SandboxCheck.RefusalAsync(connection, rendered, cancellationToken) is { } refusal)
            return new Checked(null, Problems.Validation("sql", refusal));
        foreach (var test in model.Tests)
        {
            string testSql;
            try
            {
                testSql = DataTests.CountSql(model, test, "TRUE", context);
            }
            catch (ModelException ex)
            {
                return new Checked(null, Problems.Validation("sql", $"test {test.Name}: {ex.Reason}"));
            }
            if (await SandboxCheck.RefusalAsync(connection, testSql, cancellationToken) is { } testRefusal)
                return new Checked(null, Problems.Validation("sql", $"test {test.Name}: {testRefusal}"));
        }
        // Binding needs the tables it reads; models not built yet are checked at their first run instead.
        var missing = new List<string>();
        foreach (var reference in model.Refs.Where(graph.Contains))
            if (await Runs.TaskRunner.Count(connection, $"SELECT count(*) FROM duckdb_tables() WHERE table_name = {Sql.Literal(reference)}", cancellationToken) == 0 &&
                await Runs.TaskRunner.Count(connection, $"SELECT count(*) FROM duckdb_views() WHERE view_name = {Sql.Literal(reference)}", cancellationToken) == 0)
                missing.Add(reference);
        if (missing.Count == 0)
        {
            try
            {
                await connection.ColumnsAsync($"({rendered})", cancellationToken);
            }
            catch (DuckDB.NET.Data.DuckDBException ex)
            {
                return new Checked(null, Problems.Validation("sql", ex.Message.Split('\n')[0]));
            }
        }
        return new Checked(graph[name], null);
    }

    public static ModelDto ToDto(ModelGraph graph, ModelDefinition m, DateTimeOffset? builtAt) => new(
        m.Name, m.Layer, m.Materialization.ToString().ToLowerInvariant(), m.Grain, m.Description, m.Refs, graph.DirectDownstream(m.Name),
        m.Tests.Select(t => new ModelTestDto(t.Name, t.Severity, t.WarnAbove, t.ErrorAbove)).ToList(),
        m.Deadline?.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), m.Owner, m.File, m.Text, builtAt, m.MetricName);
}
