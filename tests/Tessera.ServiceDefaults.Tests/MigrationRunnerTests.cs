using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Tessera.ServiceDefaults.Data;
using Tessera.Testing;

namespace Tessera.ServiceDefaults.Tests;

public sealed class MigrationRunnerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private DbContext Database() =>
        new DbContext(new DbContextOptionsBuilder().UseSqlite($"Data Source={Path.Combine(_dir.Path, "m.db")}").Options);

    [Fact]
    public async Task Pending_scripts_are_applied_once_and_then_nothing_is_pending()
    {
        var catalog = new MigrationCatalog().Add("platform", typeof(ServiceDbContext).Assembly);
        await using var db = Database();

        (await MigrationRunner.PendingAsync(db, catalog, default)).ShouldBe(["platform/0001_idempotency.sql"]);
        (await MigrationRunner.ApplyAsync(db, catalog, default)).ShouldBe(["platform/0001_idempotency.sql"]);
        (await MigrationRunner.ApplyAsync(db, catalog, default)).ShouldBeEmpty();
        (await MigrationRunner.PendingAsync(db, catalog, default)).ShouldBeEmpty();
        (await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync()).Single().ShouldBe("wal");
    }

    [Fact]
    public async Task A_script_changed_after_it_was_applied_stops_the_start()
    {
        var catalog = new MigrationCatalog().Add("platform", typeof(ServiceDbContext).Assembly);
        await using var db = Database();
        await MigrationRunner.ApplyAsync(db, catalog, default);
        await db.Database.ExecuteSqlRawAsync("UPDATE schema_migrations SET checksum = 'edited'");

        var error = await Should.ThrowAsync<InvalidOperationException>(() => MigrationRunner.ApplyAsync(db, catalog, default));
        error.Message.ShouldContain("platform/0001_idempotency.sql");
    }

    [Fact]
    public void Scripts_of_an_assembly_without_any_are_an_empty_list()
    {
        new MigrationCatalog().Add("none", Assembly.GetExecutingAssembly()).Scripts("sqlite").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("TenantId", "tenant_id")]
    [InlineData("Sku", "sku")]
    [InlineData("NextAttemptAt", "next_attempt_at")]
    [InlineData("Customer_PhoneIndex", "customer_phone_index")]
    [InlineData("HTTPStatus", "http_status")]
    public void Column_names_are_snake_case(string property, string column) => Naming.Snake(property).ShouldBe(column);
}
