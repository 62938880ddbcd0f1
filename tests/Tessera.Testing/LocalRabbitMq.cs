using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace Tessera.Testing;

/// <summary>
/// A throwaway RabbitMQ node from the machine's rabbitmq-server package: on 127.0.0.1 only, on free ports (AMQP,
/// Erlang distribution and a port mapper of its own, so neither a system RabbitMQ nor the system's epmd is touched),
/// its database and logs in a temp folder, run as the rabbitmq user when we are root, and stopped by process id.
/// It starts with <c>virtualHosts</c> empty virtual hosts besides "/", so that each test can have a broker of its own
/// for the price of one node.
/// </summary>
public sealed class LocalRabbitMq : IAsyncDisposable
{
    private const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private const string SystemUser = "rabbitmq";
    private const string User = "tessera";

    private readonly TempDirectory _folder = new("tessera-rabbitmq");
    private readonly List<Process> _processes = [];
    private readonly string _password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    private readonly int _virtualHosts;
    private int _nextVirtualHost;
    private Dictionary<string, string> _environment = [];

    private LocalRabbitMq(int virtualHosts) => _virtualHosts = virtualHosts;

    public int Port { get; } = Ports.Free();

    public string Log => Path.Combine(_folder.Path, "rabbitmq.log");

    /// <summary>The AMQP URI of a virtual host ("/" when none is named).</summary>
    public string Uri(string virtualHost = "/") => $"amqp://{User}:{_password}@127.0.0.1:{Port}/{System.Uri.EscapeDataString(virtualHost)}";

    /// <summary>A virtual host no one has used yet.</summary>
    public string NewVirtualHost()
    {
        var next = Interlocked.Increment(ref _nextVirtualHost);
        if (next > _virtualHosts)
            throw new InvalidOperationException($"Only {_virtualHosts} virtual hosts were made when the broker started; ask for more.");
        return $"v{next}";
    }

    public static bool Installed => File.Exists(ServerScript);

    [System.Runtime.Versioning.SupportedOSPlatformGuard("linux")]
    private static bool RunningAsRoot => OperatingSystem.IsLinux() && Environment.UserName == "root";

    public static async Task<LocalRabbitMq> StartAsync(int virtualHosts = 0)
    {
        if (!Installed)
            throw new InvalidOperationException($"RabbitMQ is not installed ({ServerScript} is missing); eng/test.sh installs the rabbitmq-server package.");
        var server = new LocalRabbitMq(virtualHosts);
        try
        {
            await server.StartAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    private async Task StartAsync()
    {
        var home = Path.Combine(_folder.Path, "node");
        Directory.CreateDirectory(home);
        // The services under test make this process create owner-only folders (umask 077); the node's user must still
        // pass through this one to reach its own.
        if (RunningAsRoot)
            File.SetUnixFileMode(_folder.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                               UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        var (epmdPort, distributionPort) = (Ports.Free(), Ports.Free());
        var definitions = Path.Combine(home, "definitions.json");
        await File.WriteAllTextAsync(definitions, Definitions());
        await File.WriteAllTextAsync(Path.Combine(home, "rabbitmq.conf"), $"""
            listeners.tcp.1 = 127.0.0.1:{Port}
            loopback_users = none
            load_definitions = {definitions}
            log.console = true
            log.console.level = warning
            log.file = false
            disk_free_limit.absolute = 50MB
            """);
        await File.WriteAllTextAsync(Path.Combine(home, "enabled_plugins"), "[].");
        await File.WriteAllTextAsync(Path.Combine(home, "rabbitmq-env.conf"), "");
        if (RunningAsRoot)
            Run("chown", ["-R", $"{SystemUser}:{SystemUser}", home]);

        _environment = new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["RABBITMQ_NODENAME"] = $"tessera{Port}@localhost",
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = distributionPort.ToString(CultureInfo.InvariantCulture),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["ERL_EPMD_PORT"] = epmdPort.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(home, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(home, "log"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(home, "rabbitmq"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(home, "enabled_plugins"),
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(home, "rabbitmq-env.conf"),
            // The script then execs the Erlang VM instead of waiting for it, so the process id we hold is the node's.
            ["RUNNING_UNDER_SYSTEMD"] = "true",
            // Our own port mapper, started below and stopped with the node: the machine's epmd (4369) is never started or used.
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-start_epmd false",
        };
        Start("/usr/bin/epmd", ["-address", "127.0.0.1", "-port", epmdPort.ToString(CultureInfo.InvariantCulture)], _environment);
        Start(ServerScript, [], _environment);
        await StopWhenThisProcessEndsAsync();
        await WaitUntilReadyAsync();
    }

    /// <summary>Stops the node as an operator would (SIGTERM: it closes its connections and queues cleanly); its port mapper stays.</summary>
    public async Task StopAsync()
    {
        var node = _processes[^1];
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", node.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
            await kill.WaitForExitAsync();
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await node.WaitForExitAsync(grace.Token);
    }

    /// <summary>Starts the node again after <see cref="StopAsync"/>, on the same port and data: durable queues and their messages are back.</summary>
    public async Task RestartAsync()
    {
        var node = _processes[^1];
        if (!node.HasExited)
            throw new InvalidOperationException("The node is still running.");
        _processes.Remove(node);
        node.Dispose();
        Start(ServerScript, [], _environment);
        await File.WriteAllTextAsync(PidFile, string.Join(' ', _processes.Select(p => p.Id)));
        await WaitUntilReadyAsync();
    }

    private string PidFile => Path.Combine(_folder.Path, "pids");

    private async Task WaitUntilReadyAsync()
    {
        var factory = new ConnectionFactory { Uri = new System.Uri(Uri()), AutomaticRecoveryEnabled = false };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (_processes[^1].HasExited)
                throw new InvalidOperationException($"RabbitMQ exited with code {_processes[^1].ExitCode} while starting:\n{ReadLog()}");
            try
            {
                await using var connection = await factory.CreateConnectionAsync();
                return;
            }
            catch (Exception) when (waited.Elapsed < TimeSpan.FromSeconds(90))
            {
                await Task.Delay(200);
            }
            catch (Exception ex)
            {
                throw new TimeoutException($"RabbitMQ did not accept connections within 90 s ({ex.Message}):\n{ReadLog()}", ex);
            }
        }
    }

    /// <summary>
    /// The user, with a salted SHA-256 hash as RabbitMQ keeps them, and the virtual hosts it may use. Definitions loaded
    /// at boot replace the default guest user, so nothing else can sign in.
    /// </summary>
    private string Definitions()
    {
        var salt = RandomNumberGenerator.GetBytes(4);
        var hash = SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(_password)]);
        var hosts = new[] { "/" }.Concat(Enumerable.Range(1, _virtualHosts).Select(i => $"v{i}")).ToList();
        return JsonSerializer.Serialize(new
        {
            users = new[]
            {
                new { name = User, password_hash = Convert.ToBase64String([.. salt, .. hash]), hashing_algorithm = "rabbit_password_hashing_sha256", tags = "administrator" },
            },
            vhosts = hosts.Select(name => new { name }),
            permissions = hosts.Select(vhost => new { user = User, vhost, configure = ".*", write = ".*", read = ".*" }),
        });
    }

    private string ReadLog() => File.Exists(Log) ? File.ReadAllText(Log) : "(no log)";

    private void Start(string program, IReadOnlyList<string> arguments, IDictionary<string, string> environment)
    {
        // setpriv replaces itself with the program, and the shell execs it, so the process id we keep is the server's own.
        string[] command = RunningAsRoot
            ? ["setpriv", $"--reuid={SystemUser}", $"--regid={SystemUser}", "--init-groups", "--", program, .. arguments]
            : [program, .. arguments];
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var argument in (string[])["-c", "exec \"$0\" \"$@\" >>\"$TESSERA_SERVER_LOG\" 2>&1", .. command])
            info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        info.Environment["TESSERA_SERVER_LOG"] = Log;
        _processes.Add(Process.Start(info)!);
    }

    /// <summary>
    /// The test runner may end the test host without running its disposers; a small watcher then kills the node and its
    /// port mapper by their process ids once this process is gone.
    /// </summary>
    private async Task StopWhenThisProcessEndsAsync()
    {
        await File.WriteAllTextAsync(PidFile, string.Join(' ', _processes.Select(p => p.Id)));
        // It leaves the node alone once DisposeAsync has removed the folder (those process ids may be reused by then),
        // and reads the ids when it acts, as a restart changes the node's.
        var folder = _folder.Path;
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null && [ -d '{folder}' ]; do sleep 1; done; " +
                     $"[ -f '{PidFile}' ] && kill -9 $(cat '{PidFile}') 2>/dev/null; rm -rf '{folder}'";
        var info = new ProcessStartInfo("setsid", ["/bin/sh", "-c", script]) { UseShellExecute = false };
        using var watcher = Process.Start(info);
    }

    private static void Run(string program, IReadOnlyList<string> arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { UseShellExecute = false, RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
    }

    public async ValueTask DisposeAsync()
    {
        // Its data is thrown away, so the node is not asked to shut down cleanly: killed with its children (the Erlang
        // port programs), then its port mapper.
        foreach (var process in Enumerable.Reverse(_processes))
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
        _processes.Clear();
        _folder.Dispose();
    }
}
