using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tessera.ServiceDefaults.Data;

/// <summary>
/// Per-connection SQLite settings: synchronous=FULL so a committed outbox or inbox row survives power loss,
/// and a busy timeout for the rare writer from another process (the CLI, a migration).
/// <para>
/// They belong to the native connection, which the pool keeps open across EF's many opens and closes (one per query
/// outside a transaction), so they are set once per native connection: setting them on every open cost three statements
/// per query — a feed poll, a product lookup, an inbox batch — in every service.
/// </para>
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";

    /// <summary>Native connections already set up; an entry goes with its connection.</summary>
    private readonly ConditionalWeakTable<object, object> _prepared = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (!NeedsPragmas(connection, out var handle))
            return;
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
        Remember(handle);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!NeedsPragmas(connection, out var handle))
            return;
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
        Remember(handle);
    }

    private bool NeedsPragmas(DbConnection connection, out object? handle)
    {
        handle = (connection as SqliteConnection)?.Handle;
        return handle is null || !_prepared.TryGetValue(handle, out _);
    }

    private void Remember(object? handle)
    {
        if (handle is not null)
            _prepared.AddOrUpdate(handle, handle);
    }
}
