using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tessera.Messaging.Outbox;
using Tessera.Messaging.Tests.Conformance;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;
using Tessera.Testing;

namespace Tessera.Messaging.Tests;

/// <summary>
/// What the single SQLite writer used to guarantee, on PostgreSQL where several writers (and instances) run at once
/// (docs/adr/0024). These run on a throwaway PostgreSQL server whatever the test profile.
/// </summary>
public sealed class PostgresTests
{
    private static MigrationCatalog Migrations() => new MigrationCatalog()
        .Add("platform", typeof(ServiceDbContext).Assembly)
        .Add("messaging", typeof(MessagingRegistration).Assembly)
        .Add("test", typeof(TestDbContext).Assembly);

    private static TestDbContext Context(string connectionString, string? tenant = null)
    {
        var tenantContext = new TenantContext();
        tenantContext.Set(tenant);
        var options = new DbContextOptionsBuilder<TestDbContext>().UseNpgsql(connectionString).AddInterceptors(new RowLocks()).Options;
        return new TestDbContext(options, tenantContext, new WriteGate(enabled: false));
    }

    [Fact]
    public async Task Instances_starting_together_apply_each_migration_once()
    {
        var database = TestProfile.NewDatabase("migrate");
        using var start = new ManualResetEventSlim();

        var instances = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            await using var db = Context(database);
            start.Wait();
            return await MigrationRunner.ApplyAsync(db, Migrations(), CancellationToken.None);
        })).ToList();
        start.Set();
        var applied = await Task.WhenAll(instances);

        var scripts = Migrations().Scripts("postgres").Select(s => s.Id).ToList();
        applied.SelectMany(a => a).ShouldBe(scripts, ignoreOrder: true, "each script is applied by exactly one instance");
        applied.Count(a => a.Count > 0).ShouldBe(1, "the first instance to take the lock applies them all");
        await using var check = Context(database);
        (await check.Database.SqlQuery<string>($"SELECT id AS \"Value\" FROM schema_migrations").ToListAsync()).ShouldBe(scripts, ignoreOrder: true);
        (await MigrationRunner.PendingAsync(check, Migrations(), CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Outbox_rows_become_visible_in_position_order_so_a_reader_by_position_never_skips_one()
    {
        var database = TestProfile.NewDatabase("outbox");
        await using (var db = Context(database))
            await MigrationRunner.ApplyAsync(db, Migrations(), CancellationToken.None);
        const int writers = 8, eventsEach = 25;
        using var stop = new CancellationTokenSource();

        // A reader as the feed reads: rows after the last position it has seen. A row that commits after a higher
        // position was already read is lost to it for good.
        var reader = Task.Run(async () =>
        {
            var seen = new List<long>();
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            while (true)
            {
                var done = stop.IsCancellationRequested;
                await using var page = new NpgsqlCommand("SELECT position FROM outbox_messages WHERE position > @after ORDER BY position", connection);
                page.Parameters.AddWithValue("after", seen.Count == 0 ? 0L : seen[^1]);
                await using (var rows = await page.ExecuteReaderAsync())
                    while (await rows.ReadAsync())
                        seen.Add(rows.GetInt64(0));
                if (done)
                    return seen;
            }
        });
        // Writers that hold their transaction open a little after writing the row, in a random order, as handlers
        // and requests of several instances do.
        var written = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var i = 0; i < eventsEach; i++)
            {
                await using var db = Context(database, "acme");
                await using var transaction = await db.BeginWriteAsync();
                db.Set<OutboxMessage>().Add(new OutboxMessage
                {
                    MessageId = Guid.CreateVersion7(), Type = "test.event", Version = 1, Tenant = "acme", AggregateId = $"w{w}",
                    OccurredAt = DateTimeOffset.UtcNow, CorrelationId = Guid.CreateVersion7(), Payload = $$"""{"sequence":{{i}}}""",
                });
                await db.SaveChangesAsync();
                await Task.Delay(random.Next(0, 4));
                await transaction.CommitAsync();
            }
            return eventsEach;
        })));
        stop.Cancel();
        var seen = await reader;

        seen.Count.ShouldBe(written.Sum(), "the reader saw every committed row");
        seen.ShouldBeInOrder(SortDirection.Ascending);
    }
}
