using System.Diagnostics;

namespace Tessera.AppHost;

/// <summary>
/// The OS process behind one service. Every (re)start uses the same port, arguments and environment, so the URL the
/// other services were given for it stays valid across restarts.
/// </summary>
internal sealed class ChildProcess(ServiceSpec spec, ChildLog log, string dotnetHost) : IDisposable
{
    private readonly Lock _gate = new();
    private Process? _current;
    private Task _pumps = Task.CompletedTask;
    private bool _stopRequested;

    /// <summary>Starts a new process, or returns null once a stop was requested, so a restart can never race a shutdown.</summary>
    public Process? Start()
    {
        lock (_gate)
        {
            if (_stopRequested)
                return null;

            _current?.Dispose();
            _current = null;
            var process = new Process { StartInfo = CreateStartInfo() };
            try
            {
                if (spec.Public is { } publicListener)
                    publicListener.StartInheriting(process.Start);
                else
                    process.Start();
            }
            catch (Exception)
            {
                // Not ours to handle (the supervision loop reports it); only the half-made Process must not leak.
                process.Dispose();
                throw;
            }
            _current = process;
            _pumps = Task.WhenAll(PumpAsync(process.StandardOutput), PumpAsync(process.StandardError));
            return process;
        }
    }

    /// <summary>Gives the pumps a moment to write the last lines of a process that just exited.</summary>
    /// <remarks>Bounded: a grandchild that inherited the pipes could keep them open indefinitely.</remarks>
    public async Task WaitForLogsAsync(TimeSpan timeout)
    {
        Task pumps;
        lock (_gate)
            pumps = _pumps;
        // The pumps handle their own errors, so the only thing suppressed here is the TimeoutException.
        await pumps.WaitAsync(timeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>SIGTERM, then up to <paramref name="grace"/> to exit cleanly, then a kill of the whole process tree.</summary>
    /// <param name="hurry">Cancelled when the user asks a second time: stop waiting and kill.</param>
    public async Task StopAsync(TimeSpan grace, CancellationToken hurry)
    {
        Process? process;
        lock (_gate)
        {
            _stopRequested = true;
            process = _current;
        }
        if (process is null || process.HasExited)
            return;

        ProcessSignals.RequestShutdown(process, spec.Name);
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(hurry);
        patience.CancelAfter(grace);
        await process.WaitForExitAsync(patience.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (process.HasExited)
            return;

        ConsoleReport.Warning(hurry.IsCancellationRequested
            ? $"Killing {spec.Name} (pid {process.Id})."
            : $"{spec.Name} (pid {process.Id}) did not stop within {grace.TotalSeconds:0} s; killing it.");
        ProcessSignals.KillTree(process, spec.Name);
        await process.WaitForExitAsync();
    }

    /// <summary>Last resort when the AppHost itself is going down: no signal, no waiting.</summary>
    public void Kill()
    {
        Process? process;
        lock (_gate)
        {
            _stopRequested = true;
            process = _current;
        }
        if (process is not null && !process.HasExited)
            ProcessSignals.KillTree(process, spec.Name);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopRequested = true;
            _current?.Dispose();
            _current = null;
        }
    }

    private ProcessStartInfo CreateStartInfo()
    {
        var info = new ProcessStartInfo(dotnetHost)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            // Services resolve appsettings.json and content files relative to their own folder.
            WorkingDirectory = Path.GetDirectoryName(spec.DllPath)!,
        };
        info.ArgumentList.Add(spec.DllPath);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(spec.BindUrl);
        foreach (var (name, value) in spec.Environment)
            info.Environment[name] = value;
        if (spec.Public is { } publicListener)
            info.Environment["Tessera__ListenHandles"] = publicListener.Handles;
        return info;
    }

    private async Task PumpAsync(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
                await log.AppendAsync(line);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            ConsoleReport.Warning($"Lost output of {spec.Name}: {ex.Message}");
        }
    }
}
