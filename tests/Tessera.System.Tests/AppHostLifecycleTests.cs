using System.Diagnostics;

using Tessera.Testing;

namespace Tessera.System.Tests;

/// <summary>Supervision of its own system: a crashed service comes back on its port; SIGTERM stops every process.</summary>
[Collection(SystemCollection.Name)]
public sealed class AppHostLifecycleTests
{
    [Fact]
    public async Task A_crashed_service_is_restarted_on_its_port_and_sigterm_stops_everything()
    {
        await using var system = await RunningSystem.StartAsync();
        var before = await system.ServiceAsync("catalog");

        var killed = await system.KillServiceAsync("catalog");
        var after = await system.WaitUntilRestartedAsync("catalog", killed);

        after.Url.ShouldBe(before.Url);
        after.Restarts.ShouldBe(1);
        using (var http = new HttpClient())
            (await http.GetAsync(new Uri(new Uri(after.Url), "/health/ready"))).IsSuccessStatusCode.ShouldBeTrue();

        var pids = (await system.StatusAsync())!.Services.Select(s => s.Pid!.Value).ToList();
        await system.StopAsync();

        system.ExitCode.ShouldBe(0, system.ConsoleOutput());
        foreach (var pid in pids)
            IsRunning(pid).ShouldBeFalse($"process {pid} is still running after the AppHost stopped");
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
