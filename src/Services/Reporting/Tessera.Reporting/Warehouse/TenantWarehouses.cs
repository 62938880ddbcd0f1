using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults.Hosting;

namespace Tessera.Reporting.Warehouse;

/// <summary>
/// One DuckDB file per tenant under &lt;data&gt;/reporting/, so a tenant's SQL can only ever see its own rows: no other
/// tenant's table exists in its catalog. Every file is opened locked down — no file, network or extension access
/// (so no ATTACH of another file), configuration locked, its own memory and thread limits — and stays open while the
/// service runs (an anchor connection), so connections taken per query share one database instance.
/// </summary>
public sealed partial class TenantWarehouses(IOptions<TesseraOptions> tessera, IOptions<ReportingOptions> options, ILogger<TenantWarehouses> logger)
    : IDisposable
{
    public const string Folder = "reporting";

    private readonly ConcurrentDictionary<string, Lazy<DuckDBConnection>> _anchors = new(StringComparer.Ordinal);
    private readonly Lock _opening = new();

    public string Directory => Path.Combine(tessera.Value.ResolveDataDir(), Folder);

    public string PathOf(string tenant) => Path.Combine(Directory, FileName(tenant));

    /// <summary>A file name that is the tenant id when it is a plain slug, else a hash of it (a tenant id never names a path).</summary>
    public static string FileName(string tenant) =>
        (Slug().IsMatch(tenant) ? tenant : "t-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tenant)))[..24]) + ".duckdb";

    public bool Exists(string tenant) => _anchors.ContainsKey(FileName(tenant)) || File.Exists(PathOf(tenant));

    /// <summary>A new connection to the tenant's warehouse (created with its schema on first use); dispose it when done.</summary>
    public DuckDBConnection Open(string tenant)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        return OpenFile(FileName(tenant));
    }

    /// <summary>The warehouse files there are, by file name (a backup copies each, whether or not its tenant was asked for since the start).</summary>
    public IReadOnlyList<string> Files() => System.IO.Directory.Exists(Directory)
        ? System.IO.Directory.EnumerateFiles(Directory, "*.duckdb").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList()
        : [];

    /// <summary>A new connection to the warehouse in <paramref name="fileName"/> (one of <see cref="Files"/>).</summary>
    public DuckDBConnection OpenFile(string fileName)
    {
        var lazy = _anchors.GetOrAdd(fileName, f => new Lazy<DuckDBConnection>(() => OpenAnchor(f), LazyThreadSafetyMode.ExecutionAndPublication));
        DuckDBConnection anchor;
        try
        {
            anchor = lazy.Value;
        }
        catch
        {
            // A Lazy keeps its exception: without this, one failed open would fail every later query of the tenant.
            _anchors.TryRemove(new KeyValuePair<string, Lazy<DuckDBConnection>>(fileName, lazy));
            throw;
        }
        var connection = new DuckDBConnection(anchor.ConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>
    /// The only folder a warehouse's database may write a file into: where a backup writes that warehouse's copy
    /// (<see cref="WarehouseBackup"/>). It belongs to that warehouse alone, so its tenant's SQL can find nothing of
    /// another tenant's there either.
    /// </summary>
    public string BackupFolderOf(string fileName) => Path.Combine(Directory, "backup", Path.GetFileNameWithoutExtension(fileName));

    private DuckDBConnection OpenAnchor(string fileName)
    {
        lock (_opening)
        {
            System.IO.Directory.CreateDirectory(Directory);
            var settings = options.Value;
            // Settings DuckDB reads when it opens the file; then the one folder a backup may write into, no other file or
            // network access, the time zone, and the lock that keeps any later SET, RESET or PRAGMA — of this connection
            // or any other — from changing them.
            var connectionString = string.Join(';',
                $"Data Source={Path.Combine(Directory, fileName)}",
                $"memory_limit={settings.MemoryLimit}",
                $"threads={settings.Threads.ToString(CultureInfo.InvariantCulture)}",
                "autoinstall_known_extensions=false",
                "autoload_known_extensions=false",
                "allow_community_extensions=false");
            var anchor = OpenWhenFree(connectionString);
            using (var command = anchor.CreateCommand())
            {
                var backup = (BackupFolderOf(fileName) + Path.DirectorySeparatorChar).Replace("'", "''", StringComparison.Ordinal);
                command.CommandText = $"SET GLOBAL allowed_directories = ['{backup}']; SET GLOBAL enable_external_access = false; " +
                                      "SET GLOBAL TimeZone = 'UTC'; SET GLOBAL lock_configuration = true;";
                command.ExecuteNonQuery();
            }
            WarehouseSchema.Ensure(anchor);
            logger.LogInformation("Opened the warehouse {File}", fileName);
            return anchor;
        }
    }

    /// <summary>How long an open waits for another process to let go of the file.</summary>
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// DuckDB lets one process at a time open a file. During a rolling upgrade the new reporting process serves beside
    /// the old one for a few seconds, until the old one has drained and closed its files (docs/adr/0030): an open waits
    /// for that instead of failing the query.
    /// </summary>
    private DuckDBConnection OpenWhenFree(string connectionString)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var connection = new DuckDBConnection(connectionString);
            try
            {
                connection.Open();
                return connection;
            }
            catch (DuckDBException ex) when (ex.Message.Contains("Could not set lock", StringComparison.Ordinal) && waited.Elapsed < LockWait)
            {
                connection.Dispose();
                logger.LogInformation("The warehouse file is held by another process (a rolling upgrade's old one); waiting for it");
                Thread.Sleep(TimeSpan.FromMilliseconds(200));
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
    }

    public void Dispose()
    {
        foreach (var anchor in _anchors.Values.Where(a => a.IsValueCreated))
            anchor.Value.Dispose();
        _anchors.Clear();
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex Slug();
}
