using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DuckDB.NET.Data;
using Microsoft.Extensions.Options;
using Tessera.Reporting.Data;
using Tessera.Reporting.Modeling;
using Tessera.Reporting.Warehouse;

namespace Tessera.Reporting.Runs;

public enum TaskOutcomeKind
{
    Succeeded,
    Failed,
    Blocked,
    UpToDate,
}

public sealed record TestOutcome(ModelTest Test, string Status, long Failures, string? Message);

public sealed record TaskOutcome(TaskOutcomeKind Kind, long? Rows, string? Checksum, string? Error, bool Retryable, IReadOnlyList<TestOutcome> Tests)
{
    public static TaskOutcome Failed(string error, bool retryable, IReadOnlyList<TestOutcome>? tests = null) =>
        new(TaskOutcomeKind.Failed, null, null, error, retryable, tests ?? []);
}

/// <summary>
/// Runs one task in the tenant's warehouse, in one transaction: the model's SELECT for the task's business date,
/// the overwrite of exactly that partition (or the whole table or view), the model's data tests against what was just
/// written, and the book of what was written (rows and checksum per partition). A blocking test that fails rolls all
/// of it back, so the model keeps its last good version; so does an error or the task's timeout.
/// A conditional task (work a run was not asked for but may need) is done only if the model's inputs — a fingerprint
/// of the book entries of the models it reads and of the high-water marks of the ODS tables it reads — changed since it
/// was built; otherwise it is up to date and writes nothing.
/// </summary>
public sealed class TaskRunner(TenantWarehouses warehouses, IOptions<ReportingOptions> options)
{
    private const string Staged = "_task_out";

    public async Task<TaskOutcome> RunAsync(
        string tenant, ModelGraph graph, string model, DateOnly? date, DateOnly? dateTo, Guid runId, string timeZone, CancellationToken cancellationToken,
        bool conditional = false)
    {
        var last = dateTo ?? date;
        var definition = graph[model];
        var timeout = definition.Timeout
                      ?? (definition.Owner == ModelDefinition.TenantOwned ? options.Value.TenantModelTimeout : options.Value.TaskTimeout);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        using var connection = warehouses.Open(tenant);
        var context = new RenderContext(DuckDbDialect.Instance, timeZone, date, last);
        string select;
        try
        {
            select = ModelRenderer.Render(definition.Body, model, context, definition.File ?? $"model {model}");
        }
        catch (ModelException ex)
        {
            return TaskOutcome.Failed(ex.Message, retryable: false);
        }
        if (definition.Owner == ModelDefinition.TenantOwned)
        {
            // The tenant wrote the SELECT and the tests' conditions: each statement made from them must be one SELECT.
            var scope = definition.IsPartitioned ? Scope(date!.Value, last!.Value) : "TRUE";
            foreach (var sql in definition.Tests.Select(t => DataTests.CountSql(definition, t, scope, context)).Prepend(select))
                if (await SandboxCheck.RefusalAsync(connection, sql, cancellationToken) is { } refusal)
                    return TaskOutcome.Failed(refusal, retryable: false);
        }

        var inputs = await InputsAsync(connection, graph, definition, cancellationToken);
        if (conditional && await UpToDateAsync(connection, definition, inputs, date, last, cancellationToken) is { } upToDate)
            return upToDate;

        await connection.ExecuteAsync("BEGIN TRANSACTION", cancellationToken);
        try
        {
            var outcome = await WriteAsync(connection, definition, select, context, runId, inputs, limit.Token);
            await connection.ExecuteAsync(outcome.Kind == TaskOutcomeKind.Succeeded ? "COMMIT" : "ROLLBACK", CancellationToken.None);
            return outcome;
        }
        catch (Exception ex)
        {
            await RollbackAsync(connection);
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
                throw;
            if (ex is OperationCanceledException)
                return TaskOutcome.Failed($"Stopped at its time limit of {timeout:g}.", retryable: true);
            return TaskOutcome.Failed(Describe(ex), Retryable(ex));
        }
    }

    /// <summary>The rows of a task's partitions: business_date within its dates.</summary>
    private static string Scope(DateOnly from, DateOnly to) =>
        $"{ModelDefinition.PartitionColumn} BETWEEN {DuckDbDialect.Instance.DateLiteral(from)} AND {DuckDbDialect.Instance.DateLiteral(to)}";

    /// <summary>
    /// What the model reads, as of now: the SQL version and partition checksums of each partitioned model it refs, the
    /// SQL version and checksum of each table, the SQL version of each view with what that view reads in turn, and the
    /// high-water mark of each ODS source (rows and latest ingest time: the ODS is append-only). Null when that cannot
    /// be known from the book — a model it refs was never built — so such a model is always rebuilt.
    /// </summary>
    internal static async Task<string?> InputsAsync(DuckDBConnection connection, ModelGraph graph, ModelDefinition model, CancellationToken cancellationToken)
    {
        var entries = new List<string>();
        foreach (var source in model.Refs.Where(r => !graph.Contains(r)).Distinct().Order(StringComparer.Ordinal))
        {
            if (WarehouseSchema.WatermarkSql(source) is not { } watermark)
                return null;
            entries.Add($"{source}@{await connection.ScalarAsync(watermark, cancellationToken)}");
        }
        var upstream = graph.Upstream(model.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        if (upstream.Count > 0)
        {
            var names = string.Join(", ", upstream.Select(Sql.Literal));
            var built = await connection.ScalarAsync($"""
                SELECT md5(string_agg(entry, ';' ORDER BY entry)) FROM (
                    SELECT m.model || '#' || m.sql_hash || '=' || coalesce(p.dates, m.checksum, '') AS entry
                    FROM {WarehouseSchema.Models} m
                    LEFT JOIN (SELECT model, md5(string_agg(CAST(business_date AS VARCHAR) || ':' || checksum, ',' ORDER BY business_date)) AS dates
                               FROM {WarehouseSchema.Partitions} WHERE model IN ({names}) GROUP BY model) p ON p.model = m.model
                    WHERE m.model IN ({names})
                ) x
                HAVING count(*) = {upstream.Count.ToString(CultureInfo.InvariantCulture)}
                """, cancellationToken) as string;
            if (built is null)
                return null;
            entries.Add(built);
        }
        // A view holds nothing of its own: what it shows changes with what it reads.
        foreach (var view in upstream.Where(u => graph[u].Materialization == Materialization.View))
        {
            if (await InputsAsync(connection, graph, graph[view], cancellationToken) is not { } read)
                return null;
            entries.Add($"{view}<{read}");
        }
        return entries.Count == 0 ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(";", entries))))[..32];
    }

    /// <summary>The outcome of a conditional task whose model is built with this SQL from these inputs (and, if partitioned, holds its dates); else null.</summary>
    private static async Task<TaskOutcome?> UpToDateAsync(
        DuckDBConnection connection, ModelDefinition model, string? inputs, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        if (inputs is null)
            return null;
        var book = (await connection.RowsAsync(
            $"SELECT sql_hash, inputs, row_count, checksum FROM {WarehouseSchema.Models} WHERE model = {Sql.Literal(model.Name)}", cancellationToken)).SingleOrDefault();
        if (book is null || (string?)book["sql_hash"] != model.SqlHash || (string?)book["inputs"] != inputs)
            return null;
        if (from is not { } a || to is not { } b)
            return new TaskOutcome(TaskOutcomeKind.UpToDate, book["row_count"] is null ? null : Convert.ToInt64(book["row_count"], CultureInfo.InvariantCulture),
                (string?)book["checksum"], null, false, []);
        var held = (await connection.RowsAsync($"""
            SELECT count(*) AS dates, CAST(coalesce(sum(row_count), 0) AS BIGINT) AS row_count FROM {WarehouseSchema.Partitions}
            WHERE model = {Sql.Literal(model.Name)} AND {Scope(a, b)}
            """, cancellationToken)).Single();
        return Convert.ToInt32(held["dates"], CultureInfo.InvariantCulture) == b.DayNumber - a.DayNumber + 1
            ? new TaskOutcome(TaskOutcomeKind.UpToDate, Convert.ToInt64(held["row_count"], CultureInfo.InvariantCulture), null, null, false, [])
            : null;
    }

    private static async Task<TaskOutcome> WriteAsync(
        DuckDBConnection connection, ModelDefinition model, string select, RenderContext context, Guid runId, string? inputs, CancellationToken cancellationToken)
    {
        var table = Sql.Quote(model.Name);
        long? rows;
        string? checksum;
        var columns = "";
        switch (model.Materialization)
        {
            case Materialization.Partitioned:
                var (from, to) = (context.PartitionStart!.Value, context.PartitionEnd!.Value);
                var scope = Scope(from, to);
                await connection.ExecuteAsync($"CREATE TEMP TABLE {Staged} AS (\n{select}\n)", cancellationToken);
                var produced = await connection.ColumnsAsync(Staged, cancellationToken);
                if (!produced.Any(c => c.Name == ModelDefinition.PartitionColumn && c.Type == "DATE"))
                    return TaskOutcome.Failed($"A partitioned model must select a DATE column {ModelDefinition.PartitionColumn}.", retryable: false);
                var outside = await Count(connection, $"SELECT count(*) FROM {Staged} WHERE NOT coalesce({scope}, FALSE)", cancellationToken);
                if (outside > 0)
                    return TaskOutcome.Failed(
                        $"The model produced {outside} row(s) outside its partitions {RunPlanner.KeyOf("", from, to)[1..]}; filter with {{{{ partition_filter(…) }}}}.",
                        retryable: false);
                columns = Describe(produced);
                var existing = await Existing(connection, model.Name, cancellationToken);
                if (existing is null || existing != columns)
                {
                    // A new model, or a new version whose columns changed: its table starts again (the run planned its whole history).
                    await connection.ExecuteAsync($"""
                        DROP TABLE IF EXISTS {table};
                        CREATE TABLE {table} AS SELECT * FROM {Staged} LIMIT 0;
                        DELETE FROM {WarehouseSchema.Partitions} WHERE model = {Sql.Literal(model.Name)};
                        """, cancellationToken);
                }
                await connection.ExecuteAsync($"""
                    DELETE FROM {table} WHERE {scope};
                    INSERT INTO {table} BY NAME SELECT * FROM {Staged};
                    DROP TABLE {Staged};
                    """, cancellationToken);
                (rows, checksum) = await Checksum(connection, table, scope, cancellationToken);
                break;
            case Materialization.Table:
                await connection.ExecuteAsync($"CREATE OR REPLACE TABLE {table} AS (\n{select}\n)", cancellationToken);
                columns = Describe(await connection.ColumnsAsync(table, cancellationToken));
                (rows, checksum) = await Checksum(connection, table, "TRUE", cancellationToken);
                break;
            default:
                await connection.ExecuteAsync($"CREATE OR REPLACE VIEW {table} AS (\n{select}\n)", cancellationToken);
                columns = Describe(await connection.ColumnsAsync(table, cancellationToken));
                (rows, checksum) = (null, null);
                break;
        }

        var tests = new List<TestOutcome>();
        var written = model.IsPartitioned ? Scope(context.PartitionStart!.Value, context.PartitionEnd!.Value) : "TRUE";
        foreach (var test in model.Tests)
            tests.Add(await DataTests.RunAsync(connection, model, test, written, context, cancellationToken));
        if (tests.FirstOrDefault(t => t.Status == DataTests.Error) is { } blocking)
            return new TaskOutcome(TaskOutcomeKind.Blocked, rows, checksum,
                $"Blocking test {blocking.Test.Name} failed: {blocking.Message}; the model keeps its last good version.", false, tests);

        var now = "now()";
        if (model.IsPartitioned)
        {
            // Every date of the task is a partition of its own in the book, written or found empty.
            var dialect = DuckDbDialect.Instance;
            await connection.ExecuteAsync($"""
                DELETE FROM {WarehouseSchema.Partitions} WHERE model = {Sql.Literal(model.Name)} AND {written};
                INSERT INTO {WarehouseSchema.Partitions}
                SELECT {Sql.Literal(model.Name)}, d.date, count(t.{ModelDefinition.PartitionColumn}),
                       CAST(count(t.{ModelDefinition.PartitionColumn}) AS VARCHAR) || ':' ||
                           CAST(coalesce(sum(CASE WHEN t.{ModelDefinition.PartitionColumn} IS NULL THEN NULL ELSE hash(t) END), 0) AS VARCHAR), '{runId}', {now}
                FROM {dialect.DateSeries(dialect.DateLiteral(context.PartitionStart!.Value), dialect.DateLiteral(context.PartitionEnd!.Value))} d
                LEFT JOIN {table} t ON t.{ModelDefinition.PartitionColumn} = d.date
                GROUP BY d.date;
                """, cancellationToken);
        }
        // The inputs a model is built from: for a partitioned model, only once it is written up to its last date (a
        // cumulative model's later dates add up the earlier ones); until then it keeps those it had.
        var recorded = inputs is null ? "NULL" : Sql.Literal(inputs);
        if (model.IsPartitioned)
            recorded = $"""
                CASE WHEN EXISTS (SELECT 1 FROM {WarehouseSchema.Partitions} WHERE model = {Sql.Literal(model.Name)}
                                  AND business_date > {DuckDbDialect.Instance.DateLiteral(context.PartitionEnd!.Value)})
                     THEN (SELECT inputs FROM {WarehouseSchema.Models} WHERE model = {Sql.Literal(model.Name)}) ELSE {recorded} END
                """;
        await connection.ExecuteAsync($"""
            CREATE OR REPLACE TEMP TABLE _task_inputs AS SELECT {recorded} AS inputs;
            DELETE FROM {WarehouseSchema.Models} WHERE model = {Sql.Literal(model.Name)};
            INSERT INTO {WarehouseSchema.Models} VALUES ({Sql.Literal(model.Name)}, {Sql.Literal(model.SqlHash)}, {Sql.Literal(columns)},
                {(rows is null ? "NULL" : rows.Value.ToString(CultureInfo.InvariantCulture))}, {(checksum is null ? "NULL" : Sql.Literal(checksum))}, '{runId}', {now},
                (SELECT inputs FROM _task_inputs));
            DROP TABLE _task_inputs;
            """, cancellationToken);
        return new TaskOutcome(TaskOutcomeKind.Succeeded, rows, checksum, null, false, tests);
    }

    /// <summary>Rows and an order-independent checksum (count and the sum of every row's hash) of the rows in scope.</summary>
    public static async Task<(long Rows, string Checksum)> Checksum(DuckDBConnection connection, string table, string where, CancellationToken cancellationToken)
    {
        var row = (await connection.RowsAsync($"SELECT count(*) AS n, CAST(coalesce(sum(hash(t)), 0) AS VARCHAR) AS h FROM {table} t WHERE {where}",
            cancellationToken)).Single();
        var count = Convert.ToInt64(row["n"], CultureInfo.InvariantCulture);
        return (count, $"{count}:{row["h"]}");
    }

    private static async Task<string?> Existing(DuckDBConnection connection, string model, CancellationToken cancellationToken)
    {
        var exists = await Count(connection,
            $"SELECT count(*) FROM duckdb_tables() WHERE table_name = {Sql.Literal(model)} AND NOT temporary", cancellationToken);
        return exists == 0 ? null : Describe(await connection.ColumnsAsync(Sql.Quote(model), cancellationToken));
    }

    private static string Describe(IEnumerable<(string Name, string Type)> columns) => string.Join(", ", columns.Select(c => $"{c.Name} {c.Type}"));

    internal static async Task<long> Count(DuckDBConnection connection, string sql, CancellationToken cancellationToken) =>
        Convert.ToInt64(await connection.ScalarAsync(sql, cancellationToken), CultureInfo.InvariantCulture);

    private static async Task RollbackAsync(DuckDBConnection connection)
    {
        try
        {
            await connection.ExecuteAsync("ROLLBACK", CancellationToken.None);
        }
        catch (DuckDBException)
        {
            // The engine had already ended the transaction with the error; the connection is closed next anyway.
        }
    }

    /// <summary>Errors a second attempt cannot fix (the SQL itself is wrong or not allowed) are not retried.</summary>
    private static bool Retryable(Exception error)
    {
        var message = error.Message;
        return !(message.StartsWith("Parser Error", StringComparison.Ordinal) || message.StartsWith("Binder Error", StringComparison.Ordinal)
                 || message.StartsWith("Catalog Error", StringComparison.Ordinal) || message.StartsWith("Permission Error", StringComparison.Ordinal)
                 || message.StartsWith("Not implemented Error", StringComparison.Ordinal));
    }

    private static string Describe(Exception error)
    {
        var message = error.Message.Split('\n')[0];
        return message.Length <= 2000 ? message : message[..2000];
    }
}
