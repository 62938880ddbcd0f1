namespace Tessera.AppHost;

internal enum AppHostState
{
    Starting,

    /// <summary>Every service is ready: the whole system is.</summary>
    Ready,

    /// <summary>Started, but a service is down or restarting: the others keep working and its work waits for it.</summary>
    Degraded,
    Stopping,
}

internal enum ServiceState
{
    Starting,
    Ready,
    Exited,
    Restarting,

    /// <summary>Stopped and kept down by its hold file.</summary>
    Held,
}

/// <param name="Build">The folder of the build the process runs from: it changes with a rolling upgrade.</param>
internal sealed record ServiceStatus(string Name, string Url, int? Pid, ServiceState State, int Restarts, string Build);

internal sealed record AppHostStatus(int Pid, string PublicUrl, AppHostState State, IReadOnlyList<ServiceStatus> Services);

/// <summary>
/// &lt;data&gt;/run/apphost.json: how tests and tools find the services' URLs and PIDs without parsing console output.
/// Replaced atomically (temp file + rename) so a reader never sees half a document.
/// </summary>
internal sealed class StatusFile(string path)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public string Path => path;

    /// <param name="snapshot">Taken inside the lock, so of two concurrent updates the newer state is always written last.</param>
    public async Task WriteAsync(Func<AppHostStatus> snapshot)
    {
        await _gate.WaitAsync();
        try
        {
            await AtomicJson.WriteAsync(path, snapshot());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The services run fine without this file, so a full disk must not take supervision down with it.
            ConsoleReport.Warning($"Could not update {path}: {ex.Message}");
        }
        finally
        {
            _gate.Release();
        }
    }
}
