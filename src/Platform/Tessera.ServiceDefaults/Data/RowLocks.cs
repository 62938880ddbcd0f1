using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Tessera.ServiceDefaults.Data;

/// <summary>
/// Read-then-write flows that the single SQLite writer kept safe lock what they read on PostgreSQL, where several
/// instances write at once (docs/adr/0024). <see cref="ForUpdate{T}"/> marks a query; on PostgreSQL the interceptor turns
/// the mark into <c>FOR UPDATE</c>, so the rows stay locked until the transaction ends and concurrent writers queue
/// behind it. On SQLite the mark is only a comment: the write gate already serializes writers.
/// </summary>
public static class RowLockQueries
{
    internal const string Tag = "tessera:for-update";

    /// <summary>
    /// Locks the rows this query returns until the transaction ends (PostgreSQL). Order the query by a key so that two
    /// writers lock shared rows in the same order and cannot deadlock; keep it to one table (no outer joins).
    /// </summary>
    public static IQueryable<T> ForUpdate<T>(this IQueryable<T> query) => query.TagWith(Tag);
}

public sealed class RowLocks : DbCommandInterceptor
{
    private static readonly string Marker = "-- " + RowLockQueries.Tag;

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Apply(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Apply(command);
        return ValueTask.FromResult(result);
    }

    private static void Apply(DbCommand command)
    {
        if (!command.CommandText.StartsWith(Marker, StringComparison.Ordinal))
            return;
        var text = command.CommandText.TrimEnd();
        if (text.EndsWith(';'))
            text = text[..^1];
        command.CommandText = text + "\nFOR UPDATE";
    }
}

public abstract partial class ServiceDbContext
{
    /// <summary>True when this context runs on PostgreSQL (the scale-out profile).</summary>
    public bool IsPostgres => Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>
    /// Serializes the rest of the current write transaction with every other transaction that locks the same
    /// <paramref name="resource"/>, in any instance: a PostgreSQL advisory lock released at commit or rollback. For
    /// read-then-write flows on rows that may not exist yet (an idempotency key, a tenant's first number). On SQLite the
    /// write gate already serializes every writer of the process, so this does nothing. Take several in a fixed order.
    /// </summary>
    public async Task LockAsync(string resource, CancellationToken cancellationToken = default)
    {
        if (Database.CurrentTransaction is null)
            throw new InvalidOperationException("Locks are taken inside a write transaction (BeginWriteAsync or an inbox handler).");
        if (!IsPostgres)
            return;
        await Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtextextended({0}, 0))", [resource], cancellationToken);
    }

    /// <summary>
    /// <see cref="LockAsync"/> for several resources in one round trip, always taken in the same (ordinal) order, so that
    /// two transactions locking overlapping sets queue behind each other instead of deadlocking. <paramref name="shared"/>
    /// resources are taken first and in shared mode: many holders at once, but none while someone holds one exclusively
    /// (a warehouse that postings share and a stock count takes whole).
    /// </summary>
    public async Task LockAllAsync(IEnumerable<string> resources, CancellationToken cancellationToken = default, IEnumerable<string>? shared = null)
    {
        if (Database.CurrentTransaction is null)
            throw new InvalidOperationException("Locks are taken inside a write transaction (BeginWriteAsync or an inbox handler).");
        if (!IsPostgres)
            return;
        await TakeAsync(SharedLocksSql, shared ?? [], cancellationToken);
        await TakeAsync(LocksSql, resources, cancellationToken);
    }

    // unnest hands the keys over in array order, and the aggregate takes each lock as its row goes by.
    private const string SharedLocksSql = "SELECT count(pg_advisory_xact_lock_shared(hashtextextended(k, 0))) FROM unnest({0}::text[]) AS t(k)";
    private const string LocksSql = "SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) FROM unnest({0}::text[]) AS t(k)";

    private async Task TakeAsync(string sql, IEnumerable<string> resources, CancellationToken cancellationToken)
    {
        var ordered = resources.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (ordered.Length > 0)
            await Database.ExecuteSqlRawAsync(sql, [ordered], cancellationToken);
    }
}
