namespace Tessera.ServiceDefaults.Data.Backup;

/// <summary>
/// Data a service keeps outside its SQLite databases (reporting's DuckDB warehouses) that a backup must copy as part of
/// the same cut. <see cref="FixAsync"/> runs while the service's writes are frozen, like the SQLite snapshots: it fixes
/// what the copy will contain, and must be quick. The copy runs afterwards, while the service serves again.
/// </summary>
public interface IBackupParticipant
{
    Task<IFixedBackup> FixAsync(CancellationToken cancellationToken);
}

/// <summary>A fixed snapshot of a participant's data, waiting to be copied; disposing it gives the snapshot up.</summary>
public interface IFixedBackup : IAsyncDisposable
{
    /// <summary>
    /// Copies the snapshot into <paramref name="folder"/>. Each file's name is its path relative to the data folder,
    /// where restore puts it back (e.g. "reporting/acme.duckdb").
    /// </summary>
    Task<IReadOnlyList<BackupFileDto>> CopyAsync(string folder, CancellationToken cancellationToken);
}
