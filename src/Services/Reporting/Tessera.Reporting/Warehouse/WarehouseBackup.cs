using System.Data.Common;
using DuckDB.NET.Data;
using Tessera.ServiceDefaults.Data.Backup;
using Tessera.ServiceDefaults.Hosting;

namespace Tessera.Reporting.Warehouse;

/// <summary>
/// Reporting's part of an online backup beyond its SQLite database: every tenant's DuckDB warehouse, copied as it was at
/// the freeze (docs/adr/0028). Under the freeze nothing new enters the ODS staging table, so a warehouse holds no event
/// that the cut's producers lack; opening a read transaction then fixes its snapshot (DuckDB's MVCC; no checkpoint
/// rewrites the file meanwhile either). The copy, made after writers are let go, creates a new DuckDB file in the
/// warehouse's own backup folder — the only folder it may write into — and fills it from that snapshot: the tables
/// with their definitions and rows, then the views. An ODS batch loaded but not yet cleared from staging when the cut
/// was taken is loaded again after a restore, and the ODS's anti-join on event id drops it.
/// </summary>
internal sealed class WarehouseBackup(TenantWarehouses warehouses, ILogger<WarehouseBackup> logger) : IBackupParticipant
{
    private const string Target = "tessera_backup";

    public async Task<IFixedBackup> FixAsync(CancellationToken cancellationToken)
    {
        var fixes = new List<Snapshot>();
        try
        {
            foreach (var file in warehouses.Files())
            {
                var folder = warehouses.BackupFolderOf(file);
                if (Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
                FilePermissions.OwnerOnlyFolderAt(folder);
                var connection = warehouses.OpenFile(file);
                fixes.Add(new Snapshot(file, folder, connection));
                var copy = Path.Combine(folder, file).Replace("'", "''", StringComparison.Ordinal);
                await ExecuteAsync(connection, $"ATTACH '{copy}' AS {Target}", cancellationToken);
                await ExecuteAsync(connection, "BEGIN TRANSACTION", cancellationToken);
                // A transaction's snapshot is taken when it first reads the database: here, under the freeze.
                await ExecuteAsync(connection, $"SELECT count(*) FROM {WarehouseSchema.Events}", cancellationToken);
            }
        }
        catch
        {
            foreach (var fix in fixes)
                await fix.DisposeAsync();
            throw;
        }
        return new Fixed(fixes, logger);
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed class Fixed(List<Snapshot> snapshots, ILogger logger) : IFixedBackup
    {
        public async Task<IReadOnlyList<BackupFileDto>> CopyAsync(string folder, CancellationToken cancellationToken)
        {
            var files = new List<BackupFileDto>();
            foreach (var snapshot in snapshots)
            {
                var relative = Path.Combine(TenantWarehouses.Folder, snapshot.File);
                var destination = Path.Combine(folder, relative);
                await snapshot.CopyAsync(cancellationToken);
                FilePermissions.OwnerOnlyFolderAt(Path.GetDirectoryName(destination)!);
                File.Move(Path.Combine(snapshot.Folder, snapshot.File), destination, overwrite: true);
                if (!OperatingSystem.IsWindows())
                    System.IO.File.SetUnixFileMode(destination, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                files.Add(new BackupFileDto(relative, new FileInfo(destination).Length, await DatabaseSnapshots.Sha256Async(destination, cancellationToken)));
                logger.LogInformation("Copied the warehouse {File} for backup", snapshot.File);
            }
            return files;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var snapshot in snapshots)
                await snapshot.DisposeAsync();
        }
    }

    private sealed class Snapshot(string file, string folder, DuckDBConnection connection) : IAsyncDisposable
    {
        public string File => file;

        public string Folder => folder;

        /// <summary>Fills the attached copy from the snapshot: every table with its definition and rows, then the views.</summary>
        public async Task CopyAsync(CancellationToken cancellationToken)
        {
            var source = (string)(await ScalarAsync("SELECT current_database()", cancellationToken))!;
            var literal = source.Replace("'", "''", StringComparison.Ordinal);
            var tables = await ReadAsync($"SELECT table_name, sql FROM duckdb_tables() WHERE database_name = '{literal}' AND NOT temporary ORDER BY table_oid", cancellationToken);
            var views = await ReadAsync($"SELECT view_name, sql FROM duckdb_views() WHERE database_name = '{literal}' AND NOT internal AND NOT temporary ORDER BY view_oid", cancellationToken);
            // Definitions are written as they were made, unqualified: they land in the copy while it is the default database.
            await ExecuteAsync(connection, $"USE {Target}", cancellationToken);
            foreach (var (name, sql) in tables)
            {
                await ExecuteAsync(connection, sql, cancellationToken);
                await ExecuteAsync(connection, $"INSERT INTO {Target}.main.{Quote(name)} SELECT * FROM {Quote(source)}.main.{Quote(name)}", cancellationToken);
            }
            // A view may read another made after it (replaced later): create what can be created until nothing is left.
            var pending = views;
            while (pending.Count > 0)
            {
                var failed = new List<(string Name, string Sql)>();
                foreach (var view in pending)
                {
                    try
                    {
                        await ExecuteAsync(connection, view.Sql, cancellationToken);
                    }
                    catch (DuckDBException)
                    {
                        failed.Add(view);
                    }
                }
                if (failed.Count == pending.Count)
                    throw new InvalidOperationException($"The views {string.Join(", ", failed.Select(f => f.Name))} of {file} could not be copied.");
                pending = failed;
            }
            await ExecuteAsync(connection, "COMMIT", cancellationToken);
            await ExecuteAsync(connection, $"USE {Quote(source)}", cancellationToken);
            await ExecuteAsync(connection, $"DETACH {Target}", cancellationToken);
        }

        private async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return await command.ExecuteScalarAsync(cancellationToken);
        }

        private async Task<List<(string Name, string Sql)>> ReadAsync(string sql, CancellationToken cancellationToken)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<(string, string)>();
            while (await reader.ReadAsync(cancellationToken))
                rows.Add((reader.GetString(0), reader.GetString(1)));
            return rows;
        }

        private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

        public async ValueTask DisposeAsync()
        {
            await connection.DisposeAsync();
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }
}
