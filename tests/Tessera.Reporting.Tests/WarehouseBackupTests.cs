using System.Text.Json;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Reporting.Warehouse;
using Tessera.ServiceDefaults.Data.Backup;
using Tessera.Testing;

namespace Tessera.Reporting.Tests;

/// <summary>
/// A backup copies every tenant's warehouse as it was when the backup froze the service's writes: events that arrive
/// while the copy is made are not in it (they are in the producers' feeds after the cut, and are read again after a
/// restore), and the copy is a warehouse of its own — its tables with their rows, its views, readable on its own.
/// </summary>
public sealed class WarehouseBackupTests(ReportingFactory factory) : IClassFixture<ReportingFactory>
{
    private static readonly DateOnly Day = new(2026, 5, 4);

    [Fact]
    public async Task A_warehouse_is_copied_as_it_was_at_the_freeze_with_its_tables_and_views_while_events_keep_arriving()
    {
        var shop = new Shop(factory);
        await shop.ProductAsync("TEA", "Green tea", "Beverages", Shop.At(Day, 0));
        for (var i = 0; i < 3; i++)
            await shop.PlaceAsync(Shop.At(Day, 9 + i), "web", [new("TEA", 1m, 1000m)]);
        await factory.WaitForOdsAsync();
        var run = await factory.RunAsync(shop.Client, new { from = Day, to = Day });
        run.Status.ShouldBe("Succeeded", JsonSerializer.Serialize(run.Tasks.Where(t => t.Status != "Succeeded")));
        var warehouses = factory.Services.GetRequiredService<TenantWarehouses>();
        var atFreeze = Counts(warehouses.Open(shop.Tenant));

        var participant = factory.Services.GetServices<IBackupParticipant>().ShouldHaveSingleItem();
        await using var fixedCopy = await participant.FixAsync(CancellationToken.None);
        // Business goes on between the freeze and the copy: a new order reaches the ODS.
        await shop.PlaceAsync(Shop.At(Day, 15), "web", [new("TEA", 2m, 1000m)]);
        await factory.WaitForOdsAsync();
        var live = Counts(warehouses.Open(shop.Tenant));
        live["ods_events"].ShouldBe(atFreeze["ods_events"] + 1);

        using var folder = new TempDirectory("warehouse-backup");
        var files = await fixedCopy.CopyAsync(folder.Path, CancellationToken.None);

        var file = files.Where(f => f.File == Path.Combine("reporting", TenantWarehouses.FileName(shop.Tenant))).ShouldHaveSingleItem();
        var path = Path.Combine(folder.Path, file.File);
        file.Sha256.ShouldBe(await DatabaseSnapshots.Sha256Async(path, CancellationToken.None));
        var copy = new DuckDBConnection($"Data Source={path};ACCESS_MODE=READ_ONLY");
        copy.Open();
        Counts(copy).ShouldBe(atFreeze, "every table and view of the copy holds what the warehouse held at the freeze");
        await fixedCopy.DisposeAsync();
        Directory.Exists(warehouses.BackupFolderOf(TenantWarehouses.FileName(shop.Tenant))).ShouldBeFalse("the working copy is cleared away");
    }

    [Fact]
    public async Task A_tenant_s_sql_cannot_reach_another_tenant_s_backup_folder()
    {
        var (mine, theirs) = (new Shop(factory), new Shop(factory));
        await mine.ProductAsync("TEA", "Green tea", "Beverages", Shop.At(Day, 0));
        await theirs.ProductAsync("TEA", "Green tea", "Beverages", Shop.At(Day, 0));
        await factory.WaitForOdsAsync();
        var warehouses = factory.Services.GetRequiredService<TenantWarehouses>();
        var theirFolder = warehouses.BackupFolderOf(TenantWarehouses.FileName(theirs.Tenant));

        using var connection = warehouses.Open(mine.Tenant);
        var error = await Should.ThrowAsync<DuckDBException>(() =>
            connection.ExecuteAsync($"ATTACH '{theirFolder}/{TenantWarehouses.FileName(theirs.Tenant)}' AS theirs", CancellationToken.None));
        error.Message.ShouldContain("Permission Error");
    }

    /// <summary>Rows of every table and view of the connection's database, by name.</summary>
    private static Dictionary<string, long> Counts(DuckDBConnection connection)
    {
        using (connection)
        {
            var names = new List<string>();
            using (var list = connection.CreateCommand())
            {
                list.CommandText = "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary " +
                                   "UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT internal AND NOT temporary";
                using var reader = list.ExecuteReader();
                while (reader.Read())
                    names.Add(reader.GetString(0));
            }
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var name in names)
            {
                using var count = connection.CreateCommand();
                count.CommandText = $"SELECT count(*) FROM \"{name}\"";
                counts[name] = Convert.ToInt64(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            }
            return counts;
        }
    }
}
