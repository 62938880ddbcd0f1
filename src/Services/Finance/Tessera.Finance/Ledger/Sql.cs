using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Tessera.Finance.Data;

namespace Tessera.Finance.Ledger;

/// <summary>
/// Hand-written SQL on the context's own connection and transaction, for the journal's hot path and the reports:
/// values are bound in the forms EF stores them in this database — ids as lower-case text on both; in SQLite dates as
/// yyyy-MM-dd, decimals as invariant text and flags as 0/1, in PostgreSQL its own date, numeric and boolean — and
/// moments as UTC ticks on both, so EF and SQL read each other's rows (docs/adr/0024).
/// </summary>
public static class Sql
{
    public static DbCommand Command(DbContext db, string text, params (string Name, object? Value)[] parameters)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = text;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        foreach (var (name, value) in parameters)
            Add(command, name, value);
        return command;
    }

    public static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = Value(value, IsSqlite(command));
        command.Parameters.Add(parameter);
    }

    /// <summary>A value as this database stores it.</summary>
    public static object Value(object? value, bool sqlite) => value switch
        {
            null => DBNull.Value,
            Guid g => Id(g),
            DateOnly d when sqlite => Date(d),
            decimal m when sqlite => Decimal(m),
            DateTimeOffset t => t.UtcTicks,
            bool b when sqlite => b ? 1 : 0,
            _ => value,
        };

    public static bool IsSqlite(DbCommand command) => command.Connection is SqliteConnection;

    public static bool IsSqlite(DbContext db) => db.Database.GetDbConnection() is SqliteConnection;

    public static string Id(Guid id) => id.ToString("D");

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Decimal(decimal value) => (value / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    // Where the two dialects differ. SQLite keeps decimals as text, which only EF's own functions add and compare
    // exactly; PostgreSQL's numeric does it itself. Flags are compared with a literal so that a partial index whose
    // condition names the same literal can serve the query.

    /// <summary>The exact sum of a decimal column.</summary>
    public static string Sum(DbContext db, string column) => IsSqlite(db) ? $"ef_sum({column})" : $"sum({column})";

    /// <summary>The exact sum of two decimal expressions.</summary>
    public static string Plus(DbContext db, string left, string right) => IsSqlite(db) ? $"ef_add({left}, {right})" : $"{left} + {right}";

    /// <summary>Whether two decimal expressions differ.</summary>
    public static string Differ(DbContext db, string left, string right) => IsSqlite(db) ? $"ef_compare({left}, {right}) <> 0" : $"{left} <> {right}";

    /// <summary>The stored form of false in a flag column.</summary>
    public static string False(DbContext db) => IsSqlite(db) ? "0" : "false";

    /// <summary>Opens the connection for a read outside a transaction (EF closes it again when the context is disposed).</summary>
    public static async Task OpenAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.GetDbConnection().State != System.Data.ConnectionState.Open)
            await db.Database.OpenConnectionAsync(cancellationToken);
    }

    /// <summary>A decimal column: invariant text in SQLite, numeric in PostgreSQL.</summary>
    public static decimal ReadDecimal(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0m
        : reader.GetFieldType(ordinal) == typeof(decimal) ? reader.GetDecimal(ordinal)
        : decimal.Parse(reader.GetString(ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>A date column: yyyy-MM-dd text in SQLite, date in PostgreSQL.</summary>
    public static DateOnly ReadDate(DbDataReader reader, int ordinal) =>
        reader.GetFieldType(ordinal) == typeof(string)
            ? DateOnly.ParseExact(reader.GetString(ordinal), "yyyy-MM-dd", CultureInfo.InvariantCulture)
            : reader.GetFieldValue<DateOnly>(ordinal);

    /// <summary>A flag column: 0/1 in SQLite, boolean in PostgreSQL.</summary>
    public static bool ReadFlag(DbDataReader reader, int ordinal) =>
        reader.GetFieldType(ordinal) == typeof(bool) ? reader.GetBoolean(ordinal) : reader.GetInt64(ordinal) != 0;

    public static string? ReadString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}

/// <summary>
/// The journal's statements, prepared once per scope and reused: SQLite compiles a statement on every new command, and
/// a delivered order runs the same few statements three times. Scoped, because a command belongs to its connection;
/// each use takes the context's current transaction.
/// </summary>
public sealed class PreparedStatements(FinanceDbContext db) : IAsyncDisposable
{
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

    public DbCommand Get(string text, params (string Name, object? Value)[] values)
    {
        var connection = db.Database.GetDbConnection();
        if (!_commands.TryGetValue(text, out var command) || command.Connection != connection)
        {
            command = connection.CreateCommand();
            command.CommandText = text;
            foreach (var (name, _) in values)
                Sql.Add(command, name, null);
            _commands[text] = command;
        }
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var sqlite = connection is SqliteConnection;
        foreach (var (name, value) in values)
            command.Parameters[name].Value = Sql.Value(value, sqlite);
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values)
            await command.DisposeAsync();
        _commands.Clear();
    }
}
