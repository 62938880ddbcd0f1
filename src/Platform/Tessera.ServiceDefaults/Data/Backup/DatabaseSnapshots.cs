using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Tessera.ServiceDefaults.Data.Backup;

/// <summary>One database a service owns, by how to open it; its copy keeps the file's name.</summary>
public sealed record BackupSource(Func<IServiceProvider, string> ConnectionString);

/// <summary>A database copied into a backup folder: its file, size and SHA-256, which restore checks.</summary>
public sealed record BackupFileDto(string File, long Bytes, string Sha256);

/// <summary>
/// Online backups of this service's SQLite databases with SQLite's backup API, taken as one consistent cut with every
/// other service's (docs/adr/0028). Freezing holds the write gate — the in-flight write finishes, the next one waits —
/// just long enough to open a read transaction on each database: that fixes what the copy will contain. When every
/// service is frozen the coordinator asks for the copies; each first lets its writers go, then copies from its open
/// read transactions while the service keeps serving (WAL: readers never block writers). A freeze that is not followed
/// by a copy in time is released on its own. Data kept elsewhere (<see cref="IBackupParticipant"/>) is fixed under the
/// same freeze and copied after the databases.
/// </summary>
public sealed class DatabaseSnapshots(
    WriteGate gate,
    IServiceProvider services,
    IEnumerable<BackupSource> sources,
    IEnumerable<IBackupParticipant> participants,
    ILogger<DatabaseSnapshots> logger)
{
    public static readonly TimeSpan FreezeLimit = TimeSpan.FromSeconds(20);

    private readonly ConcurrentDictionary<string, Frozen> _frozen = new(StringComparer.Ordinal);

    public async Task FreezeAsync(string backupId, CancellationToken cancellationToken)
    {
        var lease = await gate.AcquireAsync(cancellationToken);
        var connections = new List<(BackupSource Source, SqliteConnection Connection)>();
        var fixes = new List<IFixedBackup>();
        try
        {
            foreach (var source in sources)
            {
                // Unpooled: the transaction opened below by hand must end with this connection, not linger in the pool.
                var connection = new SqliteConnection(new SqliteConnectionStringBuilder(source.ConnectionString(services)) { Pooling = false }.ToString());
                connections.Add((source, connection));
                await connection.OpenAsync(cancellationToken);
                await using var begin = connection.CreateCommand();
                // A deferred transaction takes its snapshot at its first read: that read happens here, under the gate.
                begin.CommandText = "BEGIN DEFERRED; SELECT count(*) FROM sqlite_schema;";
                await begin.ExecuteScalarAsync(cancellationToken);
            }
            foreach (var participant in participants)
                fixes.Add(await participant.FixAsync(cancellationToken));
        }
        catch
        {
            lease.Dispose();
            foreach (var (_, connection) in connections)
                await connection.DisposeAsync();
            foreach (var fix in fixes)
                await fix.DisposeAsync();
            throw;
        }
        var frozen = new Frozen(lease, connections, fixes);
        if (!_frozen.TryAdd(backupId, frozen))
        {
            await frozen.DisposeAsync();
            throw new InvalidOperationException($"Backup {backupId} is already frozen here.");
        }
        _ = ReleaseLaterAsync(backupId, frozen);
    }

    /// <summary>Lets writers go, then copies each snapshot into <paramref name="folder"/>; null when no freeze of that id is held.</summary>
    public async Task<IReadOnlyList<BackupFileDto>?> CopyAsync(string backupId, string folder, CancellationToken cancellationToken)
    {
        if (!_frozen.TryRemove(backupId, out var frozen))
            return null;
        await using (frozen)
        {
            frozen.ReleaseWriters();
            Directory.CreateDirectory(folder);
            var files = new List<BackupFileDto>();
            foreach (var (_, connection) in frozen.Connections)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var fileName = Path.GetFileName(connection.DataSource);
                var path = Path.Combine(folder, fileName);
                var partial = path + ".partial";
                File.Delete(partial);
                await using (var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = partial, Pooling = false }.ToString()))
                {
                    await destination.OpenAsync(cancellationToken);
                    connection.BackupDatabase(destination);
                    // The copy is a file of its own: no WAL beside it, whole after the last page.
                    await using (var journal = destination.CreateCommand())
                    {
                        journal.CommandText = "PRAGMA journal_mode=DELETE;";
                        await journal.ExecuteScalarAsync(cancellationToken);
                    }
                    await using var check = destination.CreateCommand();
                    check.CommandText = "PRAGMA quick_check;";
                    var verdict = (string?)await check.ExecuteScalarAsync(cancellationToken);
                    if (verdict != "ok")
                        throw new InvalidOperationException($"The copy of {fileName} did not pass quick_check: {verdict}");
                }
                File.Move(partial, path, overwrite: true);
                files.Add(new BackupFileDto(fileName, new FileInfo(path).Length, await Sha256Async(path, cancellationToken)));
            }
            foreach (var fix in frozen.Fixes)
                files.AddRange(await fix.CopyAsync(folder, cancellationToken));
            return files;
        }
    }

    /// <summary>Gives up a freeze (the coordinator failed elsewhere).</summary>
    public async Task<bool> AbortAsync(string backupId)
    {
        if (!_frozen.TryRemove(backupId, out var frozen))
            return false;
        await frozen.DisposeAsync();
        return true;
    }

    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    private async Task ReleaseLaterAsync(string backupId, Frozen frozen)
    {
        await Task.Delay(FreezeLimit);
        if (_frozen.TryRemove(new KeyValuePair<string, Frozen>(backupId, frozen)))
        {
            logger.LogWarning("Backup {BackupId} froze writes but never asked for its copy; released after {Limit}", backupId, FreezeLimit);
            await frozen.DisposeAsync();
        }
    }

    private sealed class Frozen(IDisposable lease, List<(BackupSource Source, SqliteConnection Connection)> connections, List<IFixedBackup> fixes)
        : IAsyncDisposable
    {
        public IReadOnlyList<(BackupSource Source, SqliteConnection Connection)> Connections => connections;

        public IReadOnlyList<IFixedBackup> Fixes => fixes;

        public void ReleaseWriters() => lease.Dispose();

        public async ValueTask DisposeAsync()
        {
            lease.Dispose();
            foreach (var (_, connection) in connections)
                await connection.DisposeAsync();
            foreach (var fix in fixes)
                await fix.DisposeAsync();
        }
    }
}
