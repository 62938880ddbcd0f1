using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Tessera.AppHost.Scale;

/// <summary>
/// A database or broker server started from the machine's Debian packages for the scale profile and for tests:
/// bound to 127.0.0.1, its files in one folder, run as the package's own system user when we are root (PostgreSQL
/// refuses root, and RabbitMQ should not have it), stopped by its process id. Also compiled into Tessera.Testing.
/// </summary>
public abstract class LocalServer : IAsyncDisposable
{
    private readonly List<Process> _processes = [];

    protected LocalServer(string folder, string systemUser)
    {
        Folder = Path.GetFullPath(folder);
        SystemUser = systemUser;
    }

    public string Folder { get; }

    protected string SystemUser { get; }

    /// <summary>The main server process; null until started.</summary>
    public Process? Process => _processes.LastOrDefault();

    [System.Runtime.Versioning.SupportedOSPlatformGuard("linux")]
    public static bool RunningAsRoot => OperatingSystem.IsLinux() && Environment.UserName == "root";

    /// <summary>A free port on 127.0.0.1, chosen by the OS.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A password made of letters and digits only, so it needs no quoting in any connection string or config file.</summary>
    public static string NewPassword() =>
        Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>A folder the system user owns (when root), closed to everyone else.</summary>
    protected void OwnedFolder(string path)
    {
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsLinux())
            return;
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (RunningAsRoot)
            Run("chown", ["-R", $"{SystemUser}:{SystemUser}", path]);
    }

    /// <summary>
    /// Lets the system user pass through <paramref name="path"/> and the folders above it (search permission only: it can
    /// list and read nothing in them), which an owner-only folder would otherwise deny it. The server's folder itself is
    /// owner-only when a service in this process set its umask (077) before the folder was made.
    /// </summary>
    protected static void AllowTraversal(string path)
    {
        if (!RunningAsRoot)
            return;
        for (var folder = path; !string.IsNullOrEmpty(folder) && folder != "/"; folder = Path.GetDirectoryName(folder))
        {
            var mode = File.GetUnixFileMode(folder);
            if ((mode & UnixFileMode.OtherExecute) == 0)
                File.SetUnixFileMode(folder, mode | UnixFileMode.OtherExecute);
        }
    }

    /// <summary>Runs a setup command to its end as the system user (when root) and fails with its output.</summary>
    protected void RunAsSystemUser(string program, IReadOnlyList<string> arguments, IDictionary<string, string>? environment = null) =>
        Run(program, arguments, environment, asSystemUser: true);

    protected void Run(string program, IReadOnlyList<string> arguments, IDictionary<string, string>? environment = null, bool asSystemUser = false)
    {
        using var process = System.Diagnostics.Process.Start(StartInfo(program, arguments, environment, asSystemUser, redirect: true))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result}{output.Result}");
    }

    /// <summary>Starts a long-running process as the system user; its output goes to <paramref name="log"/>.</summary>
    protected Process Start(string program, IReadOnlyList<string> arguments, IDictionary<string, string> environment, string log)
    {
        var info = StartInfo("/bin/sh", ["-c", "exec \"$0\" \"$@\" >>\"$TESSERA_SERVER_LOG\" 2>&1", .. Wrap(program, arguments, asSystemUser: true)],
            environment, asSystemUser: false, redirect: false);
        info.Environment["TESSERA_SERVER_LOG"] = log;
        var process = System.Diagnostics.Process.Start(info)!;
        _processes.Add(process);
        return process;
    }

    private ProcessStartInfo StartInfo(string program, IReadOnlyList<string> arguments, IDictionary<string, string>? environment, bool asSystemUser, bool redirect)
    {
        var command = asSystemUser ? Wrap(program, arguments, true) : [program, .. arguments];
        var info = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardOutput = redirect, RedirectStandardError = redirect };
        foreach (var argument in command.Skip(1))
            info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        return info;
    }

    /// <summary>setpriv replaces itself with the program, so the process id we keep is the server's own.</summary>
    private string[] Wrap(string program, IReadOnlyList<string> arguments, bool asSystemUser) =>
        asSystemUser && RunningAsRoot
            ? ["setpriv", $"--reuid={SystemUser}", $"--regid={SystemUser}", "--init-groups", "--", program, .. arguments]
            : [program, .. arguments];

    /// <summary>Polls <paramref name="ready"/> until it answers true, the server exits, or the deadline passes.</summary>
    protected async Task WaitUntilAsync(Func<CancellationToken, Task<bool>> ready, TimeSpan timeout, string what, string log, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (Process is { HasExited: true } exited)
                throw new InvalidOperationException($"{what} exited with code {exited.ExitCode} while starting. Log: {log}");
            try
            {
                if (await ready(cancellationToken))
                    return;
            }
            catch (Exception) when (deadline.Elapsed < timeout && !cancellationToken.IsCancellationRequested)
            {
                // not up yet
            }
            if (deadline.Elapsed >= timeout)
                throw new TimeoutException($"{what} was not ready within {timeout.TotalSeconds:0} s. Log: {log}");
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Asks every process to stop (SIGTERM, or what the server prefers), waits, then kills what is left.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            var process = _processes[i];
            if (process.HasExited)
                continue;
            Signal(process.Id, StopSignal);
            using var wait = new CancellationTokenSource(grace);
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        foreach (var process in _processes)
            process.Dispose();
        _processes.Clear();
    }

    /// <summary>kill -9 of the server: what a crash looks like to its clients.</summary>
    public void Kill()
    {
        foreach (var process in _processes.Where(p => !p.HasExited))
            process.Kill(entireProcessTree: true);
    }

    protected virtual int StopSignal => 15;

    /// <summary>The signal that asks the server to stop cleanly.</summary>
    public int StopSignalNumber => StopSignal;

    /// <summary>Every process started for this server (a helper such as epmd first, the server last).</summary>
    public IReadOnlyList<int> ProcessIds => _processes.Select(p => p.Id).ToList();

    private static void Signal(int pid, int signal)
    {
        using var kill = System.Diagnostics.Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
        })!;
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(30));
        GC.SuppressFinalize(this);
    }
}
