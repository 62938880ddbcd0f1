using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.System.Tests;

public sealed record ServiceStatus(string Name, string Url, int? Pid, string State, int Restarts);

public sealed record AppHostStatus(int Pid, string PublicUrl, string State, IReadOnlyList<ServiceStatus> Services);

/// <summary>
/// The whole ERP as a user runs it: the AppHost started as a process on a free public port with a throwaway data
/// folder, every service its own process. Disposing stops it with SIGTERM, as Ctrl+C would.
/// </summary>
public sealed class RunningSystem : IAsyncDisposable
{
    public const string AdminPassword = "system-test-password";

    private readonly TempDirectory _data;
    private readonly Process _appHost;
    private readonly StreamWriter _console;

    private RunningSystem(TempDirectory data, Process appHost, int port, StreamWriter console)
    {
        _data = data;
        _appHost = appHost;
        _console = console;
        PublicUrl = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri PublicUrl { get; }
    public string DataDir => _data.Path;
    public TimeSpan StartupTime { get; private set; }
    public int AppHostPid => _appHost.Id;
    public bool HasExited => _appHost.HasExited;
    public int ExitCode => _appHost.ExitCode;

    public static string PathOf(string target)
    {
        var file = Path.Combine(AppContext.BaseDirectory, "system-under-test.paths");
        return File.ReadAllLines(file).Select(l => l.Split('|')).Single(p => p[0] == target)[1];
    }

    public static async Task<RunningSystem> StartAsync()
    {
        var port = Ports.Free();
        var data = new TempDirectory("tessera-system");
        var started = Stopwatch.StartNew();
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { PathOf("Tessera.AppHost"), "--data", data.Path, "--port", port.ToString(global::System.Globalization.CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["TESSERA_ADMIN_PASSWORD"] = AdminPassword;
        var process = Process.Start(info)!;
        var console = new StreamWriter(Path.Combine(data.Path, "apphost-console.log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (console) console.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (console) console.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var system = new RunningSystem(data, process, port, console);
        try
        {
            await Poll.UntilAsync(async () =>
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"The AppHost exited with {process.ExitCode}: {system.ConsoleOutput()}");
                return (await system.StatusAsync())?.State;
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

    public Task<ServiceStatus> WaitUntilRestartedAsync(string name, int oldPid) =>
        Poll.UntilAsync(() => ServiceAsync(name), s => s.Pid != oldPid && s.State == "ready", $"{name} to be restarted and ready",
            TimeSpan.FromSeconds(60));

    public async Task<HttpClient> SignInAsync(string tenant = "demo", string username = "admin", string password = AdminPassword)
    {
        using var anonymous = new HttpClient { BaseAddress = PublicUrl };
        var response = await anonymous.PostAsJsonAsync("/api/auth/token", new { tenant, username, password });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        var client = new HttpClient { BaseAddress = PublicUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

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
        _data.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
