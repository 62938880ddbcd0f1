using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Testing;

public sealed record ServiceStatus(string Name, string Url, int? Pid, string State, int Restarts);

public sealed record AppHostStatus(int Pid, string PublicUrl, string State, IReadOnlyList<ServiceStatus> Services);

/// <summary>
/// The whole ERP as a user runs it: the AppHost started as a process on a free public port with a throwaway data
/// folder, every service its own process. Disposing stops it with SIGTERM, as Ctrl+C would.
/// </summary>
public sealed class RunningSystem : IAsyncDisposable
{
    public const string AdminPassword = "system-test-password";

    private readonly TempDirectory? _ownedData;
    private readonly Process _appHost;
    private readonly StreamWriter _console;

    private RunningSystem(string dataDir, TempDirectory? ownedData, Process appHost, int port, StreamWriter console)
    {
        DataDir = dataDir;
        _ownedData = ownedData;
        _appHost = appHost;
        _console = console;
        Port = port;
        PublicUrl = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri PublicUrl { get; }
    public int Port { get; }
    public string DataDir { get; }
    public TimeSpan StartupTime { get; private set; }
    public int AppHostPid => _appHost.Id;
    public bool HasExited => _appHost.HasExited;
    public int ExitCode => _appHost.ExitCode;

    public static string PathOf(string target)
    {
        var file = Path.Combine(AppContext.BaseDirectory, "system-under-test.paths");
        return File.ReadAllLines(file).Select(l => l.Split('|')).Single(p => p[0] == target)[1];
    }

    /// <summary>A new system in a fresh temp folder, removed on dispose.</summary>
    public static Task<RunningSystem> StartAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        var data = new TempDirectory("tessera-system");
        return StartAsync(data.Path, Ports.Free(), environment, data);
    }

    /// <summary>A system on a data folder laid out beforehand (a restored backup), on a free port; the folder stays the caller's.</summary>
    public static Task<RunningSystem> StartOnAsync(string dataDir, IReadOnlyDictionary<string, string>? environment = null) =>
        StartAsync(dataDir, Ports.Free(), environment, null);

    /// <summary>The system again on an existing data folder and port, as after an upgrade or a reboot.</summary>
    public static Task<RunningSystem> RestartAsync(RunningSystem stopped, IReadOnlyDictionary<string, string>? environment = null) =>
        StartAsync(stopped.DataDir, stopped.Port, environment, null);

    private static async Task<RunningSystem> StartAsync(string dataDir, int port, IReadOnlyDictionary<string, string>? environment, TempDirectory? owned)
    {
        var started = Stopwatch.StartNew();
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { PathOf("Tessera.AppHost"), "--data", dataDir, "--port", port.ToString(global::System.Globalization.CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["TESSERA_ADMIN_PASSWORD"] = AdminPassword;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        var process = Process.Start(info)!;
        var console = new StreamWriter(new FileStream(Path.Combine(dataDir, "apphost-console.log"), FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (console) console.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (console) console.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var system = new RunningSystem(dataDir, owned, process, port, console);
        try
        {
            await Poll.UntilAsync(async () =>
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"The AppHost exited with {process.ExitCode}: {system.ConsoleOutput()}");
                // The file may still describe a previous run on the same data folder: only this AppHost's word counts.
                var status = await system.StatusAsync();
                return status?.Pid == process.Id ? status.State : "previous run";
            }, state => state == "ready", "every service to be ready", TimeSpan.FromSeconds(120));
            system.StartupTime = started.Elapsed;
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    public string ConsoleOutput()
    {
        lock (_console)
        {
            _console.Flush();
            using var stream = new FileStream(Path.Combine(DataDir, "apphost-console.log"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream).ReadToEnd();
        }
    }

    public async Task<AppHostStatus?> StatusAsync()
    {
        var file = Path.Combine(DataDir, "run", "apphost.json");
        if (!File.Exists(file))
            return null;
        try
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return await JsonSerializer.DeserializeAsync<AppHostStatus>(stream, TesseraJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async Task<ServiceStatus> ServiceAsync(string name) =>
        (await StatusAsync())!.Services.Single(s => s.Name == name);

    /// <summary>kill -9 of one service process; the AppHost is expected to restart it.</summary>
    public async Task<int> KillServiceAsync(string name)
    {
        var service = await ServiceAsync(name);
        using var process = Process.GetProcessById(service.Pid!.Value);
        process.Kill();
        await process.WaitForExitAsync();
        return service.Pid.Value;
    }

    /// <summary>SIGSTOP of one service process: it is there but does nothing, as in the instant before it dies.</summary>
    public async Task<int> FreezeServiceAsync(string name)
    {
        var pid = (await ServiceAsync(name)).Pid!.Value;
        if (Kill(pid, 19) != 0)
            throw new InvalidOperationException($"Could not stop {name} (pid {pid}): errno {Marshal.GetLastPInvokeError()}.");
        return pid;
    }

    /// <summary>Connections the kernel has queued on the public port and no process has accepted yet (Linux).</summary>
    public int QueuedOnPublicPort()
    {
        // /proc/net/tcp*: for a listening socket (state 0A) rx_queue is the length of its accept queue.
        var port = Port.ToString("X4", global::System.Globalization.CultureInfo.InvariantCulture);
        return new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists)
            .SelectMany(File.ReadLines)
            .Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 4 && f[1].EndsWith(":" + port, StringComparison.Ordinal) && f[3] == "0A")
            .Sum(f => Convert.ToInt32(f[4].Split(':')[1], 16));
    }

    /// <summary>Keeps a service down after it stops (the AppHost's maintenance hold) until <see cref="ReleaseAsync"/>.</summary>
    public async Task<int> HoldDownAsync(string name)
    {
        Directory.CreateDirectory(Path.Combine(DataDir, "run", "hold"));
        await File.WriteAllTextAsync(Path.Combine(DataDir, "run", "hold", name), "held by a test");
        var pid = await KillServiceAsync(name);
        await Poll.UntilAsync(() => ServiceAsync(name), s => s.State == "held", $"{name} to be held down");
        return pid;
    }

    public Task ReleaseAsync(string name)
    {
        File.Delete(Path.Combine(DataDir, "run", "hold", name));
        return Task.CompletedTask;
    }

    public Task<ServiceStatus> WaitUntilRestartedAsync(string name, int oldPid) =>
        Poll.UntilAsync(() => ServiceAsync(name), s => s.Pid != oldPid && s.State == "ready", $"{name} to be restarted and ready",
            TimeSpan.FromSeconds(60));

    /// <summary>An API client signed in as that user, refreshing its access token as it nears expiry.</summary>
    public Task<HttpClient> SignInAsync(string tenant = "demo", string username = "admin", string password = AdminPassword) =>
        AccessTokenHandler.SignInAsync(PublicUrl, tenant, username, password);

    /// <summary>SIGTERM, as a service manager or Ctrl+C would; returns once the AppHost has exited.</summary>
    public async Task StopAsync()
    {
        if (_appHost.HasExited)
            return;
        _ = Kill(_appHost.Id, 15);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        try
        {
            await _appHost.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _appHost.Kill(entireProcessTree: true);
            await _appHost.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        var services = (await StatusAsync())?.Services.Where(s => s.Pid is not null).Select(s => s.Pid!.Value).ToList() ?? [];
        await StopAsync();
        foreach (var pid in services)
        {
            try
            {
                using var orphan = Process.GetProcessById(pid);
                orphan.Kill();
            }
            catch (ArgumentException)
            {
                // Already gone, as it should be.
            }
        }
        _appHost.Dispose();
        lock (_console)
            _console.Dispose();
        _ownedData?.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
