using Npgsql;
using Tessera.AppHost.Scale;

namespace Tessera.Testing;

/// <summary>
/// Which database the data suites run on: SQLite files (default), or PostgreSQL when TESSERA_TEST_PROFILE=scale
/// (eng/test.sh runs the suites that are ready for it both ways). In the scale profile one throwaway PostgreSQL server is
/// started per test process on a free 127.0.0.1 port, each service factory gets a database of its own, and the server is
/// stopped by its process id when the test process ends.
/// </summary>
public static class TestProfile
{
    public static bool Scale { get; } = Environment.GetEnvironmentVariable("TESSERA_TEST_PROFILE") is "scale";

    public static string Name => Scale ? "scale" : "single";

    private static readonly Lazy<LocalPostgres> SharedPostgres = new(() => Start(async folder =>
        await LocalPostgres.StartAsync(folder, LocalServer.FreePort(), durable: false)));

    public static LocalPostgres Postgres => SharedPostgres.Value;

    /// <summary>A new, empty database on the shared server; returns its connection string.</summary>
    public static string NewDatabase(string prefix = "t")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)];
        using var connection = new NpgsqlConnection(Postgres.ConnectionString("postgres"));
        connection.Open();
        using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        create.ExecuteNonQuery();
        return Postgres.ConnectionString(name);
    }

    /// <summary>The settings that put a service on the profile's database: a new PostgreSQL database in the scale profile.</summary>
    public static IDictionary<string, string?> DatabaseSettings() => Scale
        ? new Dictionary<string, string?>
        {
            ["Tessera:Database:Provider"] = "postgres",
            ["Tessera:Database:ConnectionString"] = NewDatabase(),
        }
        : new Dictionary<string, string?>();

    private static readonly Dictionary<string, string> NodeDatabases = new();

    /// <summary>
    /// The database settings of a node that is stopped and started again within a test (a producer or consumer of the
    /// messaging suite): the same database every time for the same folder and name.
    /// </summary>
    public static IDictionary<string, string?> NodeDatabase(string folder, string node)
    {
        if (!Scale)
            return new Dictionary<string, string?>();
        string connection;
        lock (NodeDatabases)
        {
            var key = folder + "|" + node;
            if (!NodeDatabases.TryGetValue(key, out connection!))
                NodeDatabases[key] = connection = NewDatabase(node);
        }
        return new Dictionary<string, string?>
        {
            ["Tessera:Database:Provider"] = "postgres",
            ["Tessera:Database:ConnectionString"] = connection,
        };
    }

    /// <summary>
    /// A database of its own for another process of a service that shares <paramref name="folder"/> (a second instance
    /// whose effects must be told apart): a file beside the first one's, or another PostgreSQL database.
    /// </summary>
    public static IDictionary<string, string?> SeparateDatabase(string folder, string node) => Scale
        ? NodeDatabase(folder, node)
        : new Dictionary<string, string?> { ["Tessera:Database:ConnectionString"] = $"Data Source={Path.Combine(folder, node + ".db")}" };

    /// <summary>Runs one statement on the database of <paramref name="node"/> while it is stopped; returns the rows it changed.</summary>
    public static async Task<int> ExecuteAsync(string folder, string node, string sql)
    {
        await using System.Data.Common.DbConnection connection = Scale
            ? new NpgsqlConnection(NodeDatabase(folder, node)["Tessera:Database:ConnectionString"])
            : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(folder, node + ".db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The test host does not always run exit handlers (the runner may end it), so a watcher stops the server by its
    /// process id once this process is gone, and removes its folder.
    /// </summary>
    private static void Watch(LocalServer server, string folder)
    {
        var pids = string.Join(' ', server.ProcessIds);
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; kill -{server.StopSignalNumber} {pids} 2>/dev/null; " +
                     $"for i in $(seq 1 30); do kill -0 {pids} 2>/dev/null || break; sleep 1; done; kill -9 {pids} 2>/dev/null; rm -rf '{folder}'";
        using var watcher = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("setsid", ["sh", "-c", script]) { UseShellExecute = false })!;
    }

    private static T Start<T>(Func<string, Task<T>> start) where T : LocalServer
    {
        var folder = Path.Combine(Path.GetTempPath(), $"tessera-{typeof(T).Name.ToLowerInvariant()}-{Guid.NewGuid():N}");
        T server;
        try
        {
            server = start(folder).GetAwaiter().GetResult();
        }
        catch
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
            throw;
        }
        Watch(server, folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            server.StopAsync(TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // a file still held open: the temp folder is cleaned by the system
            }
        };
        return server;
    }
}
