using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tessera.ServiceDefaults.Hosting;

/// <summary>Stops the service when its supervisor (the AppHost) has died, so no orphan keeps a port or a database open.</summary>
internal sealed class ParentProcessWatcher(
    IOptions<TesseraOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<ParentProcessWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.ParentPid is not int pid)
            return;

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (IsAlive(pid))
                continue;
            logger.LogWarning("Supervisor process {ParentPid} is gone; stopping", pid);
            lifetime.StopApplication();
            return;
        }
    }

    private static bool IsAlive(int pid)
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
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
