using Npgsql;

namespace Tessera.AppHost.Scale;

/// <summary>
/// A PostgreSQL server from Debian's postgresql-15 package with its cluster in one folder: created with initdb on first
/// start (UTF-8, byte-order collation like SQLite's, password authentication), reused afterwards.
/// </summary>
public sealed class LocalPostgres : LocalServer
{
    private const string Superuser = "tessera";

    private LocalPostgres(string folder, int port, string password) : base(folder, "postgres")
    {
        Port = port;
        Password = password;
    }

    public int Port { get; }

    public string Password { get; }

    public string Log => Path.Combine(Folder, "postgres.log");

    private string Cluster => Path.Combine(Folder, "cluster");

    /// <summary>The connection string of <paramref name="database"/> as the cluster's owner.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Database = database,
        Username = Superuser,
        Password = Password,
        MaxPoolSize = 50,
    }.ConnectionString;

    public static string BinFolder()
    {
        var root = "/usr/lib/postgresql";
        var version = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(Path.GetFileName).Where(v => int.TryParse(v, out _)).OrderByDescending(v => int.Parse(v!)).FirstOrDefault()
            : null;
        return version is null
            ? throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin). Run eng/install-servers.sh.")
            : Path.Combine(root, version, "bin");
    }

    /// <param name="durable">False for tests: no fsync, which makes a throwaway cluster several times faster.</param>
    public static async Task<LocalPostgres> StartAsync(string folder, int port, bool durable, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(folder);
        var passwordFile = Path.Combine(folder, "password");
        var fresh = !File.Exists(Path.Combine(folder, "cluster", "PG_VERSION"));
        if (fresh || !File.Exists(passwordFile))
        {
            await File.WriteAllTextAsync(passwordFile, NewPassword(), cancellationToken);
            if (OperatingSystem.IsLinux())
                File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var server = new LocalPostgres(folder, port, (await File.ReadAllTextAsync(passwordFile, cancellationToken)).Trim());
        try
        {
            await server.StartAsync(fresh, durable, cancellationToken);
        }
        catch
        {
            // A server that started but never became ready is not left running.
            await server.StopAsync(TimeSpan.FromSeconds(10));
            throw;
        }
        return server;
    }

    private async Task StartAsync(bool fresh, bool durable, CancellationToken cancellationToken)
    {
        var bin = BinFolder();
        AllowTraversal(Folder);
        var sockets = Path.Combine(Folder, "sockets");
        OwnedFolder(sockets);
        if (fresh)
        {
            if (Directory.Exists(Cluster))
                Directory.Delete(Cluster, recursive: true);
            OwnedFolder(Cluster);
            // initdb reads the password from a file the server's user can read; it is removed right after.
            var initPassword = Path.Combine(sockets, "initdb-password");
            await File.WriteAllTextAsync(initPassword, Password, cancellationToken);
            if (RunningAsRoot)
                Run("chown", [$"{SystemUser}:{SystemUser}", initPassword]);
            try
            {
                RunAsSystemUser(Path.Combine(bin, "initdb"),
                [
                    "-D", Cluster, "-U", Superuser, "--pwfile", initPassword, "--auth=scram-sha-256",
                    "--encoding=UTF8", "--lc-collate=C", "--lc-ctype=C.UTF-8", "--no-instructions",
                ]);
            }
            finally
            {
                File.Delete(initPassword);
            }
        }
        else
        {
            OwnedFolder(Cluster);
        }

        string[] settings =
        [
            "-D", Cluster, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1", "-c", $"unix_socket_directories={sockets}",
            "-c", "max_connections=500", "-c", "shared_buffers=128MB",
            "-c", "logging_collector=off", "-c", "log_min_messages=warning",
        ];
        if (!durable)
            settings = [.. settings, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];
        Start(Path.Combine(bin, "postgres"), settings, new Dictionary<string, string>(), Log);
        await WaitUntilAsync(async ct =>
        {
            await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
            await connection.OpenAsync(ct);
            return true;
        }, TimeSpan.FromSeconds(60), "PostgreSQL", Log, cancellationToken);
    }

    /// <summary>Creates <paramref name="database"/> unless it exists.</summary>
    public async Task EnsureDatabaseAsync(string database, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            return;
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "", StringComparison.Ordinal)}\"", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>SIGINT is PostgreSQL's fast shutdown: open transactions roll back, the cluster is left consistent.</summary>
    protected override int StopSignal => 2;
}
