using System.Diagnostics;

namespace Tessera.AppHost;

/// <summary>
/// One service kept alive for the life of the AppHost: started, probed until ready, watched, and restarted with
/// backoff whenever it exits on its own. It never gives up: a service that cannot start keeps being retried at most
/// every 30 s, and the status file and console say so.
/// </summary>
internal sealed class SupervisedService : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan SlowRestartWarning = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StableUptime = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan LogDrainTimeout = TimeSpan.FromSeconds(2);

    private readonly ServiceSpec _spec;
    private readonly ChildLog _log;
    private readonly ChildProcess _child;
    private readonly ReadinessProbe _probe;
    private readonly Func<Task> _publishStatus;
    private readonly RestartBackoff _backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
    private readonly TaskCompletionSource _firstReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private ServiceState _state = ServiceState.Starting;
    private int? _pid;
    private int _restarts;
    private string _lastProbeDetail = "not started yet";

    public SupervisedService(ServiceSpec spec, ReadinessProbe probe, string dotnetHost, Func<Task> publishStatus)
    {
        _spec = spec;
        _probe = probe;
        _publishStatus = publishStatus;
        _log = new ChildLog(spec.LogPath);
        _child = new ChildProcess(spec, _log, dotnetHost);
    }

    public string Name => _spec.Name;

    public bool IsWeb => _spec.IsWeb;

    public string LogPath => _log.Path;

    /// <summary>Why the last readiness check failed, for the report when startup gives up.</summary>
    public string LastProbeDetail
    {
        get
        {
            lock (_gate)
                return _lastProbeDetail;
        }
    }

    public ServiceStatus Snapshot()
    {
        lock (_gate)
            return new ServiceStatus(_spec.Name, _spec.LocalUrl, _pid, _state, _restarts);
    }

    /// <summary>Runs until <paramref name="stopping"/> is cancelled; the caller stops the process itself (<see cref="StopAsync"/>).</summary>
    public async Task SuperviseAsync(CancellationToken stopping)
    {
        try
        {
            await RunAsync(stopping);
        }
        catch (Exception ex)
        {
            // Fail whoever waits for this service now, instead of letting startup run into its timeout.
            _firstReady.TrySetException(ex);
            throw;
        }
    }

    /// <summary>What broke the supervision loop before the service was ever ready (the loop task carries the details).</summary>
    public Exception? StartFailure => _firstReady.Task.Exception?.GetBaseException();

    /// <returns>
    /// False when the service was not ready within <paramref name="timeout"/>, its supervision failed
    /// (<see cref="StartFailure"/>), or <paramref name="cancellationToken"/> was cancelled.
    /// </returns>
    public async Task<bool> WaitForFirstReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Timeout, cancellation and failure all mean "not ready"; the caller reports which one it was.
        await _firstReady.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return _firstReady.Task.IsCompletedSuccessfully;
    }

    public async Task StopAsync(TimeSpan grace, CancellationToken hurry)
    {
        await _child.StopAsync(grace, hurry);
        await _child.WaitForLogsAsync(LogDrainTimeout);
        await SetStateAsync(ServiceState.Exited);
    }

    public void Kill() => _child.Kill();

    public Task<IReadOnlyList<string>> ReadLogTailAsync(int lines) => _log.ReadTailAsync(lines);

    public ValueTask DisposeAsync()
    {
        _child.Dispose();
        return _log.DisposeAsync();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var isRestart = false;
        while (!stopping.IsCancellationRequested)
        {
            var process = _child.Start();
            if (process is null)
                return;
            var started = Stopwatch.GetTimestamp();
            await SetStateAsync(isRestart ? ServiceState.Restarting : ServiceState.Starting, process.Id, countRestart: isRestart);

            long? readyAt = null;
            if (await WaitUntilReadyAsync(process, isRestart, stopping))
            {
                readyAt = Stopwatch.GetTimestamp();
                await SetStateAsync(ServiceState.Ready);
                if (isRestart)
                    ConsoleReport.Success($"{Name} is ready again (pid {process.Id}, restart #{Snapshot().Restarts}).");
                else
                    ConsoleReport.Success($"{Name} is ready at {_spec.LocalUrl} ({Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s).");
                _firstReady.TrySetResult();
            }

            await process.WaitForExitAsync(stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (stopping.IsCancellationRequested)
                return;

            await _child.WaitForLogsAsync(LogDrainTimeout);
            if (readyAt is { } since && Stopwatch.GetElapsedTime(since) >= StableUptime)
                _backoff.Reset();
            if (File.Exists(_spec.HoldFile))
            {
                await HoldAsync(process, stopping);
                if (stopping.IsCancellationRequested)
                    return;
                isRestart = true;
                continue;
            }
            var delay = _backoff.Next();
            ConsoleReport.Warning(
                $"{Name} (pid {process.Id}) exited unexpectedly with code {process.ExitCode}; restarting in {delay.TotalSeconds:0} s. Log: {LogPath}");
            await SetStateAsync(ServiceState.Exited);
            await SetStateAsync(ServiceState.Restarting);

            await Task.Delay(delay, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            isRestart = true;
        }
    }

    /// <summary>Keeps the stopped service down while its hold file exists; it starts again as soon as the file is gone.</summary>
    private async Task HoldAsync(Process process, CancellationToken stopping)
    {
        ConsoleReport.Warning($"{Name} (pid {process.Id}) stopped with code {process.ExitCode} and is held down until {_spec.HoldFile} is removed.");
        await SetStateAsync(ServiceState.Held);
        while (File.Exists(_spec.HoldFile) && !stopping.IsCancellationRequested)
            await Task.Delay(PollInterval, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!stopping.IsCancellationRequested)
            ConsoleReport.Success($"{Name} is no longer held; starting it.");
    }

    /// <returns>True once ready; false if the process exited first or the AppHost is stopping.</returns>
    private async Task<bool> WaitUntilReadyAsync(Process process, bool isRestart, CancellationToken stopping)
    {
        var started = Stopwatch.GetTimestamp();
        var warned = false;
        while (!stopping.IsCancellationRequested && !process.HasExited)
        {
            var result = await _probe.CheckAsync(_spec.LocalUrl, stopping);
            lock (_gate)
                _lastProbeDetail = result.Detail;
            if (result.IsReady)
                return true;

            // The first start has a hard deadline enforced by the Supervisor; a restart is never abandoned, only reported.
            if (isRestart && !warned && Stopwatch.GetElapsedTime(started) > SlowRestartWarning)
            {
                ConsoleReport.Warning($"{Name} is still not ready {SlowRestartWarning.TotalSeconds:0} s after its restart ({result.Detail}). Log: {LogPath}");
                warned = true;
            }
            await Task.Delay(PollInterval, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        return false;
    }

    private async Task SetStateAsync(ServiceState state, int? pid = null, bool countRestart = false)
    {
        lock (_gate)
        {
            _state = state;
            // The last PID stays in the status file after an exit, so a reader can still tell which process it was.
            _pid = pid ?? _pid;
            if (countRestart)
                _restarts++;
        }
        await _publishStatus();
    }
}
