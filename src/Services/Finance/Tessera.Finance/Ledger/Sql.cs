using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Tessera.Finance.Data;

namespace Tessera.Finance.Ledger;

/// <summary>
/// Hand-written SQL on the context's own connection and transaction, for the journal's hot path and the reports:
/// values are bound in the forms EF stores them in this database (ids as lower-case text, dates as yyyy-MM-dd,
/// decimals as invariant text, moments as UTC ticks), so EF and SQL read each other's rows.
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
        parameter.Value = Value(value);
        command.Parameters.Add(parameter);
    }

    /// <summary>A value as this database stores it.</summary>
    public static object Value(object? value) => value switch
        {
            null => DBNull.Value,
            Guid g => Id(g),
            DateOnly d => Date(d),
            decimal m => Decimal(m),
            DateTimeOffset t => t.UtcTicks,
            bool b => b ? 1 : 0,
            _ => value,
        };

    public static string Id(Guid id) => id.ToString("D");

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Decimal(decimal value) => (value / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    /// <summary>Opens the connection for a read outside a transaction (EF closes it again when the context is disposed).</summary>
    public static async Task OpenAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.GetDbConnection().State != System.Data.ConnectionState.Open)
            await db.Database.OpenConnectionAsync(cancellationToken);
    }

    public static decimal ReadDecimal(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0m : decimal.Parse(reader.GetString(ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);

    public static DateOnly ReadDate(DbDataReader reader, int ordinal) =>
        DateOnly.ParseExact(reader.GetString(ordinal), "yyyy-MM-dd", CultureInfo.InvariantCulture);

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
        foreach (var (name, value) in values)
            command.Parameters[name].Value = Sql.Value(value);
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values)
            await command.DisposeAsync();
        _commands.Clear();
    }
}
