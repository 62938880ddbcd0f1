using System.Data.Common;
using DuckDB.NET.Data;

namespace Tessera.Reporting.Warehouse;

/// <summary>
/// Runs statements on a warehouse connection off the request thread and makes cancellation interrupt the engine
/// (DuckDB's interrupt), so a timeout or a stopping service ends a query instead of waiting for it.
/// </summary>
public static class Sql
{
    public static Task<int> ExecuteAsync(this DuckDBConnection connection, string sql, CancellationToken cancellationToken) =>
        RunAsync(connection, sql, command => command.ExecuteNonQuery(), cancellationToken);

    public static Task<object?> ScalarAsync(this DuckDBConnection connection, string sql, CancellationToken cancellationToken) =>
        RunAsync(connection, sql, command => command.ExecuteScalar() is var value && value is DBNull ? null : value, cancellationToken);

    /// <summary>Every row as column name → value (DBNull as null), in the engine's column order.</summary>
    public static Task<List<Dictionary<string, object?>>> RowsAsync(this DuckDBConnection connection, string sql, CancellationToken cancellationToken) =>
        RunAsync(connection, sql, command =>
        {
            using var reader = command.ExecuteReader();
            var rows = new List<Dictionary<string, object?>>();
            while (reader.Read())
            {
                var row = new Dictionary<string, object?>(reader.FieldCount, StringComparer.Ordinal);
                for (var i = 0; i < reader.FieldCount; i++)
                    row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                rows.Add(row);
            }
            return rows;
        }, cancellationToken);

    /// <summary>Column names and engine types of a query's result.</summary>
    public static Task<List<(string Name, string Type)>> ColumnsAsync(this DuckDBConnection connection, string sql, CancellationToken cancellationToken) =>
        RunAsync(connection, $"DESCRIBE {sql}", command =>
        {
            using var reader = command.ExecuteReader();
            var columns = new List<(string, string)>();
            while (reader.Read())
                columns.Add((reader.GetString(0), reader.GetString(1)));
            return columns;
        }, cancellationToken);

    private static async Task<T> RunAsync<T>(DuckDBConnection connection, string sql, Func<DbCommand, T> run, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 0;
        await using var interrupt = cancellationToken.Register(command.Cancel);
        try
        {
            return await Task.Run(() => run(command), CancellationToken.None);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
        {
            throw new OperationCanceledException("The warehouse query was interrupted.", ex, cancellationToken);
        }
    }

    /// <summary>A number the engine answered (a sum of counts comes back as a 128-bit integer) as a decimal.</summary>
    public static decimal Decimal(object? value) => value switch
    {
        null => 0m,
        System.Numerics.BigInteger big => (decimal)big,
        _ => Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Quotes an identifier for the engine.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
