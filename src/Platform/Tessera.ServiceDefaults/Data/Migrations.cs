using System.Data.Common;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Tessera.ServiceDefaults.Data;

/// <summary>One hand-written SQL script. Its id is "module/file" and never changes once released.</summary>
public sealed record MigrationScript(string Id, string Sql)
{
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));
}

/// <summary>
/// The ordered list of migration scripts of one database, gathered from the assemblies that own tables in it
/// (the platform, messaging, the service). Scripts are embedded as migrations/&lt;provider&gt;/NNNN_name.sql.
/// </summary>
public sealed class MigrationCatalog
{
    private readonly List<(string Module, Assembly Assembly, string Root)> _sources = [];

    /// <param name="root">The resource folder: "migrations" for a service's database, another for a second database it owns.</param>
    public MigrationCatalog Add(string module, Assembly assembly, string root = "migrations")
    {
        if (!_sources.Any(s => s.Module == module))
            _sources.Add((module, assembly, root));
        return this;
    }

    /// <summary>
    /// The scripts of the SQLite schema that <paramref name="provider"/> has no script of the same name for: a service whose
    /// schema is not written for PostgreSQL yet must not start on it with half its tables.
    /// </summary>
    public IReadOnlyList<string> NotWrittenFor(string provider)
    {
        var written = Scripts(provider).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        return Scripts("sqlite").Select(s => s.Id).Where(id => !written.Contains(id)).ToList();
    }

    public IReadOnlyList<MigrationScript> Scripts(string provider)
    {
        var scripts = new List<MigrationScript>();
        foreach (var (module, assembly, root) in _sources)
        {
            var prefix = $"{root}/{provider}/";
            foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                scripts.Add(new MigrationScript($"{module}/{name[prefix.Length..]}", reader.ReadToEnd()));
            }
        }
        return scripts;
    }
}

/// <summary>
/// Applies pending scripts in order, each in its own transaction, and records them in schema_migrations.
/// A script whose text changed after it was applied stops the start-up: released migrations are immutable;
/// schema changes are new expand/contract scripts (docs/adr/0003).
/// </summary>
public static class MigrationRunner
{
    private const string HistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            id TEXT NOT NULL PRIMARY KEY,
            checksum TEXT NOT NULL,
            applied_at TEXT NOT NULL
        );
        """;

    public static string ProviderFolder(DbContext db) => db.Database.IsSqlite() ? "sqlite" : "postgres";

    public static async Task<IReadOnlyList<string>> ApplyAsync(DbContext db, MigrationCatalog catalog, CancellationToken cancellationToken)
    {
        var scripts = catalog.Scripts(ProviderFolder(db));
        if (!db.Database.IsSqlite() && catalog.NotWrittenFor(ProviderFolder(db)) is { Count: > 0 } missing)
            throw new InvalidOperationException(
                $"This database's schema is not written for PostgreSQL yet ({string.Join(", ", missing)} has no PostgreSQL script): " +
                "the service runs on SQLite only for now (docs/adr/0024).");
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (db.Database.IsSqlite())
                await Execute(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);
            else
                await LockPostgresAsync(connection, cancellationToken);
            await Execute(connection, null, HistoryTable, cancellationToken);

            var applied = await ReadApplied(connection, cancellationToken);
            var newlyApplied = new List<string>();
            foreach (var script in scripts)
            {
                if (applied.TryGetValue(script.Id, out var checksum))
                {
                    if (checksum != script.Checksum)
                        throw new InvalidOperationException(
                            $"Migration {script.Id} was changed after it was applied. Released migrations must not change; add a new script instead.");
                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await Execute(connection, transaction, script.Sql, cancellationToken);
                await using (var record = connection.CreateCommand())
                {
                    record.Transaction = transaction;
                    record.CommandText = "INSERT INTO schema_migrations (id, checksum, applied_at) VALUES (@id, @checksum, @at)";
                    AddParameter(record, "@id", script.Id);
                    AddParameter(record, "@checksum", script.Checksum);
                    AddParameter(record, "@at", DateTimeOffset.UtcNow.ToString("O"));
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }
                await transaction.CommitAsync(cancellationToken);
                newlyApplied.Add(script.Id);
            }
            return newlyApplied;
        }
        finally
        {
            if (!db.Database.IsSqlite() && connection.State == System.Data.ConnectionState.Open)
                await Execute(connection, null, UnlockSql(connection), CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    private static string LockKey(DbConnection connection)
    {
        var settings = new Npgsql.NpgsqlConnectionStringBuilder(connection.ConnectionString);
        var name = $"tessera:migrations:{settings.Database}:{settings.SearchPath}".Replace("'", "", StringComparison.Ordinal);
        return $"hashtextextended('{name}', 0)";
    }

    private static string UnlockSql(DbConnection connection) => $"SELECT pg_advisory_unlock({LockKey(connection)})";

    /// <summary>
    /// N instances starting together migrate once: each waits here for the session lock, and the ones after the first find
    /// every script applied. A second database kept as a schema of the service's database gets its schema first.
    /// </summary>
    private static async Task LockPostgresAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await Execute(connection, null, $"SELECT pg_advisory_lock({LockKey(connection)})", cancellationToken);
        var schema = new Npgsql.NpgsqlConnectionStringBuilder(connection.ConnectionString).SearchPath;
        if (!string.IsNullOrWhiteSpace(schema) && !schema.Contains(',') && schema != "public")
            await Execute(connection, null, $"CREATE SCHEMA IF NOT EXISTS \"{schema.Replace("\"", "", StringComparison.Ordinal)}\"", cancellationToken);
    }

    /// <summary>Scripts of the catalog that are not applied yet; empty when the schema is current.</summary>
    public static async Task<IReadOnlyList<string>> PendingAsync(DbContext db, MigrationCatalog catalog, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var exists = connection.CreateCommand();
            exists.CommandText = db.Database.IsSqlite()
                ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
                : "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations' AND table_schema = current_schema()";
            var hasHistory = Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken)) > 0;
            var applied = hasHistory ? await ReadApplied(connection, cancellationToken) : [];
            return catalog.Scripts(ProviderFolder(db)).Where(s => !applied.ContainsKey(s.Id)).Select(s => s.Id).ToList();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<Dictionary<string, string>> ReadApplied(DbConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, checksum FROM schema_migrations";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            applied[reader.GetString(0)] = reader.GetString(1);
        return applied;
    }

    private static async Task Execute(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
