using Microsoft.EntityFrameworkCore;
using Tessera.Web.Data;

namespace Tessera.Web.Operations;

/// <summary>
/// Lets one web instance of several run the console's checks (ADR 0029): a row in the front-end's database that names
/// its holder until it expires. The holder renews it on each round; another instance takes it over only once it has
/// expired, so a crashed holder is replaced within one lease and two holders never overlap while their clocks agree.
/// </summary>
public sealed class ConsoleLease(WebDbContext db, ConsoleHolder holder, TimeProvider clock)
{
    public const string Name = "operations-console";

    private string Holder => holder.Name;

    public async Task<bool> TryHoldAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        // One statement: insert, or take over a lease that is ours or has expired; otherwise change nothing. On PostgreSQL
        // an instance that finds the row locked by another's upsert waits, then judges the condition on the row as that
        // one left it, so two instances never both take the lease (docs/adr/0024).
        var changed = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO operations_leases (name, holder, expires_at) VALUES ({Name}, {Holder}, {(now + duration).UtcTicks})
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE operations_leases.holder = excluded.holder OR operations_leases.expires_at < {now.UtcTicks}
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return changed == 1;
    }

    /// <summary>Hands the lease back when this process stops, so another instance need not wait for it to expire.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        await db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM operations_leases WHERE name = {Name} AND holder = {Holder}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}

/// <summary>This instance of the front-end, as the console's lease names it, for as long as it runs.</summary>
public sealed class ConsoleHolder
{
    public string Name { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
}
