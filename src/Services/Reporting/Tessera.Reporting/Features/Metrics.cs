using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Reporting.Contracts;
using Tessera.Reporting.Data;
using Tessera.Reporting.Modeling;
using Tessera.Reporting.Ods;
using Tessera.Reporting.Warehouse;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Reporting.Features;

/// <summary>
/// The serving layer: the catalogue of metrics (every ADS model, shipped or the tenant's own) and a metric's rows for
/// a date range, optionally grouped, as JSON or CSV. Reads only the ADS table — never the ODS, never another service.
/// </summary>
public static partial class Metrics
{
    public const string DateColumn = "business_date";
    public const string MonthColumn = "month";
    public const int MaxDays = 3660;
    public const int MaxRows = 100_000;

    public static void Map(RouteGroupBuilder api)
    {
        var metrics = api.MapGroup("/metrics").WithTags("Metrics");
        metrics.MapGet("/", Catalogue).WithName("ListMetrics").WithSummary("Every metric: its columns, time column, groupBy values and when it was last built.");
        metrics.MapGet("/{name}", Query).WithName("GetMetric")
            .WithSummary("A metric's rows from..to (yyyy-MM-dd for daily metrics, yyyy-MM for monthly ones), grouped by one of its groupBy values; " +
                         "orderBy a column (largest first) and limit the rows (top N); format=csv for a CSV file.");
    }

    private static async Task<Ok<List<MetricDto>>> Catalogue(ITenantContext tenant, ModelCatalog catalog, TenantWarehouses warehouses,
        CancellationToken cancellationToken)
    {
        var graph = await catalog.GraphAsync(tenant.TenantId!, cancellationToken);
        var built = await BuiltAsync(warehouses, tenant.TenantId!, cancellationToken);
        return TypedResults.Ok(graph.Order.Select(n => graph[n]).Where(m => m.MetricName is not null).Select(m =>
        {
            var columns = built.TryGetValue(m.Name, out var b) ? ParseColumns(b.Columns) : [];
            return new MetricDto(m.MetricName!, m.Name, m.Description, TimeColumnOf(columns), m.GroupBy,
                columns.Where(c => c.Name is not "dimension" and not "member").Select(c => new MetricColumnDto(Camel(Rename(c.Name)), c.Type)).ToList(),
                m.Materialization.ToString().ToLowerInvariant(), m.Owner, b?.BuiltAt, m.Deadline?.ToString("HH:mm", CultureInfo.InvariantCulture));
        }).OrderBy(m => m.Name, StringComparer.Ordinal).ToList());
    }

    private static async Task<IResult> Query(
        string name, string? from, string? to, string? groupBy, string? orderBy, int? limit, string? format, ITenantContext tenant, ModelCatalog catalog,
        TenantWarehouses warehouses,
        TenantDirectory tenants, ReportingDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var graph = await catalog.GraphAsync(tenant.TenantId!, cancellationToken);
        var model = graph.Models.Values.FirstOrDefault(m => m.MetricName == name);
        if (model is null)
            return Problems.NotFound("Metric", name);
        if (format is not null and not "csv" and not "json")
            return Problems.Validation("format", "format is json (the default) or csv.");
        var settings = await tenants.SettingsAsync(tenant.TenantId!, cancellationToken);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone)).DateTime);

        var built = await BuiltAsync(warehouses, tenant.TenantId!, cancellationToken);
        var columns = built.TryGetValue(model.Name, out var b) ? ParseColumns(b.Columns) : [];
        var time = TimeColumnOf(columns);
        var where = new List<string>();
        switch (time)
        {
            case "date":
                if (!TryDate(from, today.AddDays(-29), out var fromDate))
                    return Problems.Validation("from", "from is a date, yyyy-MM-dd.");
                if (!TryDate(to, today, out var toDate))
                    return Problems.Validation("to", "to is a date, yyyy-MM-dd.");
                if (toDate < fromDate || toDate.DayNumber - fromDate.DayNumber >= MaxDays)
                    return Problems.Validation("to", $"to must be on or after from, at most {MaxDays} days later.");
                where.Add($"{DateColumn} BETWEEN {DuckDbDialect.Instance.DateLiteral(fromDate)} AND {DuckDbDialect.Instance.DateLiteral(toDate)}");
                break;
            case "month":
                var lastYear = today.AddMonths(-11).ToString("yyyy-MM", CultureInfo.InvariantCulture);
                if (!TryMonth(from, lastYear, out var fromMonth))
                    return Problems.Validation("from", "from is a month, yyyy-MM.");
                if (!TryMonth(to, today.ToString("yyyy-MM", CultureInfo.InvariantCulture), out var toMonth))
                    return Problems.Validation("to", "to is a month, yyyy-MM.");
                if (string.CompareOrdinal(toMonth, fromMonth) < 0)
                    return Problems.Validation("to", "to must be the same month as from or later.");
                where.Add($"{MonthColumn} BETWEEN {Sql.Literal(fromMonth)} AND {Sql.Literal(toMonth)}");
                break;
        }
        var grouped = columns.Any(c => c.Name == "dimension") && columns.Any(c => c.Name == "member");
        if (groupBy is not null && !model.GroupBy.Contains(groupBy))
            return Problems.Validation("groupBy", model.GroupBy.Count == 0
                ? $"Metric {name} cannot be grouped."
                : $"groupBy is one of {string.Join(", ", model.GroupBy)}.");
        if (grouped)
            where.Add($"dimension = {Sql.Literal(groupBy ?? "total")}");

        if (limit is < 1 or > MaxRows)
            return Problems.Validation("limit", $"limit is from 1 to {MaxRows}.");
        var sortColumn = orderBy is null ? null : columns.Select(c => c.Name).FirstOrDefault(c => c == orderBy || Camel(Rename(c)) == orderBy);
        if (orderBy is not null && sortColumn is null)
            return Problems.Validation("orderBy", $"Metric {name} has no column '{orderBy}'.");

        var rows = new List<Dictionary<string, object?>>();
        if (columns.Count > 0)
        {
            var select = string.Join(", ", columns.Where(c => c.Name != "dimension" && (c.Name != "member" || groupBy is not null))
                .Select(c => c.Name == "member" ? $"member AS {Sql.Quote(groupBy!)}" : Sql.Quote(c.Name)));
            var order = sortColumn is not null
                ? $"{Sql.Quote(sortColumn)} DESC NULLS LAST"
                : string.Join(", ", new[] { time == "date" ? DateColumn : time == "month" ? MonthColumn : null, groupBy is null ? null : "member" }
                    .OfType<string>().DefaultIfEmpty("1"));
            using var connection = warehouses.Open(tenant.TenantId!);
            rows = await connection.RowsAsync(
                $"SELECT {select} FROM {Sql.Quote(model.Name)} {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY {order} " +
                $"LIMIT {(limit ?? MaxRows).ToString(CultureInfo.InvariantCulture)}",
                cancellationToken);
        }
        var shaped = rows.Select(r => r.ToDictionary(c => Camel(Rename(c.Key)), c => Json(c.Value))).ToList();
        if (format == "csv")
            return TypedResults.Text(Csv(shaped, columns, groupBy), "text/csv; charset=utf-8", Encoding.UTF8);
        var warnings = await WarningsAsync(db, model.Name, cancellationToken);
        return TypedResults.Ok(new { metric = name, model = model.Name, builtAt = b?.BuiltAt, warnings, rows = shaped });
    }

    /// <summary>Why the metric may be behind: the latest task of its model did not succeed (a blocking test, a failure upstream).</summary>
    private static async Task<List<string>> WarningsAsync(ReportingDbContext db, string model, CancellationToken cancellationToken)
    {
        var latest = await db.RunTasks.AsNoTracking().Where(t => t.Model == model && t.Status != RunTaskStatus.Pending && t.Status != RunTaskStatus.Running)
            .Join(db.Runs.AsNoTracking(), t => t.RunId, r => r.Id, (t, r) => new { Task = t, r.CreatedAt, RunError = r.Error })
            .OrderByDescending(x => x.CreatedAt).ThenByDescending(x => x.Task.FinishedAt).FirstOrDefaultAsync(cancellationToken);
        if (latest is null || latest.Task.Status is RunTaskStatus.Succeeded or RunTaskStatus.UpToDate)
            return [];
        return [$"The last run did not rebuild {model} ({latest.Task.Key}: {latest.Task.Status.ToString().ToLowerInvariant()}); it shows its last good version. {latest.RunError}".Trim()];
    }

    internal sealed record Built(string Columns, DateTimeOffset BuiltAt);

    internal static async Task<Dictionary<string, Built>> BuiltAsync(TenantWarehouses warehouses, string tenant, CancellationToken cancellationToken)
    {
        using var connection = warehouses.Open(tenant);
        var rows = await connection.RowsAsync($"SELECT model, columns, built_at FROM {WarehouseSchema.Models}", cancellationToken);
        return rows.ToDictionary(r => (string)r["model"]!, r => new Built((string)r["columns"]!, Runs.RunQueue.ToOffset(r["built_at"])), StringComparer.Ordinal);
    }

    internal static List<(string Name, string Type)> ParseColumns(string columns) =>
        columns.Split(", ", StringSplitOptions.RemoveEmptyEntries).Select(c => c.Split(' ', 2)).Select(p => (p[0], p.Length > 1 ? p[1] : "")).ToList();

    private static string? TimeColumnOf(IReadOnlyCollection<(string Name, string Type)> columns) =>
        columns.Any(c => c.Name == DateColumn) ? "date" : columns.Any(c => c.Name == MonthColumn) ? "month" : null;

    private static string Rename(string column) => column == DateColumn ? "date" : column;

    public static string Camel(string snake)
    {
        var parts = snake.Split('_', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? snake : parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    private static object? Json(object? value) => value switch
    {
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)),
        BigInteger i => (decimal)i,
        _ => value,
    };

    private static bool TryDate(string? text, DateOnly fallback, out DateOnly date)
    {
        date = fallback;
        return text is null || DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    private static bool TryMonth(string? text, string fallback, out string month)
    {
        month = text ?? fallback;
        return MonthPattern().IsMatch(month);
    }

    [GeneratedRegex(@"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    private static partial Regex MonthPattern();

    private static string Csv(List<Dictionary<string, object?>> rows, List<(string Name, string Type)> columns, string? groupBy)
    {
        var names = rows.Count > 0
            ? rows[0].Keys.ToList()
            : columns.Where(c => c.Name != "dimension" && (c.Name != "member" || groupBy is not null))
                .Select(c => Camel(Rename(c.Name == "member" ? groupBy! : c.Name))).ToList();
        var csv = new StringBuilder();
        csv.AppendLine(string.Join(',', names.Select(Field)));
        foreach (var row in rows)
            csv.AppendLine(string.Join(',', names.Select(n => Field(Format(row.GetValueOrDefault(n))))));
        return csv.ToString();
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        decimal d => d.ToString("0.############", CultureInfo.InvariantCulture),
        DateTimeOffset o => o.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A CSV field; text a spreadsheet would take for a formula (=, +, -, @) is quoted and prefixed with an apostrophe.</summary>
    private static string Field(string text)
    {
        if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out _))
            return text;
        var formula = text.Length > 0 && text[0] is '=' or '+' or '-' or '@';
        return formula || text.IndexOfAny([',', '"', '\n', '\r']) >= 0
            ? "\"" + (formula ? "'" : "") + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : text;
    }
}
