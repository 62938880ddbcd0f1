using System.Globalization;
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
/// </summary>
public sealed class TaskRunner(TenantWarehouses warehouses, IOptions<ReportingOptions> options)
{
    private const string Staged = "_task_out";

    public async Task<TaskOutcome> RunAsync(
        string tenant, ModelGraph graph, string model, DateOnly? date, DateOnly? dateTo, Guid runId, string timeZone, CancellationToken cancellationToken)
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

        await connection.ExecuteAsync("BEGIN TRANSACTION", cancellationToken);
        try
        {
            var outcome = await WriteAsync(connection, definition, select, context, runId, limit.Token);
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

    private static async Task<TaskOutcome> WriteAsync(
        DuckDBConnection connection, ModelDefinition model, string select, RenderContext context, Guid runId, CancellationToken cancellationToken)
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
        await connection.ExecuteAsync($"""
            DELETE FROM {WarehouseSchema.Models} WHERE model = {Sql.Literal(model.Name)};
            INSERT INTO {WarehouseSchema.Models} VALUES ({Sql.Literal(model.Name)}, {Sql.Literal(model.SqlHash)}, {Sql.Literal(columns)},
                {(rows is null ? "NULL" : rows.Value.ToString(CultureInfo.InvariantCulture))}, {(checksum is null ? "NULL" : Sql.Literal(checksum))}, '{runId}', {now});
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
