using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Tessera.ServiceDefaults.Data;
using Tessera.Testing;

namespace Tessera.ServiceDefaults.Tests;

/// <summary>
/// Durability is per native connection: every connection a context gets — from the pool or new, one context after
/// another — must run with synchronous=FULL, though the settings are applied only once per native connection.
/// </summary>
public sealed class SqlitePragmasTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly SqlitePragmas _pragmas = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private DbContext Database() =>
        new DbContext(new DbContextOptionsBuilder().UseSqlite($"Data Source={Path.Combine(_dir.Path, "p.db")};Pooling=True").AddInterceptors(_pragmas).Options);

    private static async Task<(long Synchronous, long ForeignKeys, long BusyTimeout)> SettingsAsync(DbContext db)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            return ((await db.Database.SqlQueryRaw<long>("PRAGMA synchronous").ToListAsync()).Single(),
                (await db.Database.SqlQueryRaw<long>("PRAGMA foreign_keys").ToListAsync()).Single(),
                (await db.Database.SqlQueryRaw<long>("PRAGMA busy_timeout").ToListAsync()).Single());
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    [Fact]
    public async Task Every_connection_runs_with_synchronous_full_whether_pooled_or_new()
    {
        for (var round = 0; round < 3; round++)
        {
            await using (var db = Database())
                (await SettingsAsync(db)).ShouldBe((2L, 1L, 30000L)); // 2 = FULL
            if (round == 1)
                SqliteConnection.ClearAllPools(); // the next context gets a new native connection
        }

        // Two contexts at once: the second cannot share the first one's native connection.
        await using var first = Database();
        await using var second = Database();
        await first.Database.OpenConnectionAsync();
        (await SettingsAsync(second)).ShouldBe((2L, 1L, 30000L));
    }
}
