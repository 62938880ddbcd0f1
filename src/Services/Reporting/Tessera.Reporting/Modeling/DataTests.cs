using System.Globalization;
using DuckDB.NET.Data;
using Tessera.Reporting.Runs;
using Tessera.Reporting.Warehouse;

namespace Tessera.Reporting.Modeling;

/// <summary>
/// The data tests of a model, run against the rows a task just wrote (a partitioned model: only its partition). Each
/// counts offending rows: duplicates of the grain (unique), missing values (not_null), values outside a list
/// (accepted_values), keys without their row in another model (relationships), rows breaking a condition (expression),
/// or the rows a custom SQL test returns.
/// </summary>
public static class DataTests
{
    public const string Pass = "pass";
    public const string Warn = "warn";
    public const string Error = "error";

    public static async Task<TestOutcome> RunAsync(
        DuckDBConnection connection, ModelDefinition model, ModelTest test, string scope, RenderContext context, CancellationToken cancellationToken)
    {
        var sql = CountSql(model, test, scope, context);
        var failures = Convert.ToInt64(await connection.ScalarAsync(sql, cancellationToken), CultureInfo.InvariantCulture);
        var status = test.ErrorAbove is { } error && failures > error ? Error
            : test.WarnAbove is { } warn && failures > warn ? Warn
            : Pass;
        var message = status == Pass ? null : $"{failures} row(s) of {model.Name} fail {test.Name}";
        return new TestOutcome(test, status, failures, message);
    }

    public static string CountSql(ModelDefinition model, ModelTest test, string scope, RenderContext context)
    {
        var table = Sql.Quote(model.Name);
        var a = test.Arguments;
        return test.Kind switch
        {
            "unique" => $"SELECT count(*) FROM (SELECT {Columns(a)} FROM {table} WHERE {scope} GROUP BY {Columns(a)} HAVING count(*) > 1)",
            "not_null" => $"SELECT count(*) FROM {table} WHERE {scope} AND ({string.Join(" OR ", a.Select(c => $"{Sql.Quote(c)} IS NULL"))})",
            "accepted_values" =>
                $"SELECT count(*) FROM {table} WHERE {scope} AND {Sql.Quote(a[0])} IS NOT NULL AND CAST({Sql.Quote(a[0])} AS VARCHAR) NOT IN ({string.Join(", ", a.Skip(1).Select(Sql.Literal))})",
            "relationships" =>
                $"SELECT count(*) FROM {table} WHERE {scope} AND {Sql.Quote(a[0])} IS NOT NULL AND {Sql.Quote(a[0])} NOT IN (SELECT {Sql.Quote(a[2])} FROM {Sql.Quote(a[1])} WHERE {Sql.Quote(a[2])} IS NOT NULL)",
            "expression" => $"SELECT count(*) FROM {table} WHERE {scope} AND NOT coalesce(({a[0]}), FALSE)",
            "sql" => $"SELECT count(*) FROM (\n{ModelRenderer.Render(test.Sql!, model.Name, context, $"test {test.Name} of {model.Name}")}\n)",
            _ => throw new InvalidOperationException($"Unknown test kind {test.Kind}."),
        };
    }

    private static string Columns(IEnumerable<string> columns) => string.Join(", ", columns.Select(Sql.Quote));
}
