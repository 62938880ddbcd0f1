using System.Diagnostics;

namespace Tessera.AppHost;

/// <summary>
/// One service kept alive for the life of the AppHost: started, probed until ready, watched, and restarted with
/// backoff whenever it exits on its own. It never gives up: a service that cannot start keeps being retried at most
/// every 30 s, and the status file and console say so. A rolling upgrade replaces its process with a new build's
/// (<see cref="ReplaceAsync"/>); supervision then carries on with that one.
/// </summary>
internal sealed class SupervisedService : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan SlowRestartWarning = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StableUptime = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan LogDrainTimeout = TimeSpan.FromSeconds(2);

    private readonly ChildLog _log;
    private readonly string _dotnetHost;
    private readonly ReadinessProbe _probe;
    private readonly Func<Task> _publishStatus;
    private readonly RestartBackoff _backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
    private readonly TaskCompletionSource _firstReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private ServiceState _state = ServiceState.Starting;
    private int? _pid;
    private int _restarts;
    private string _lastProbeDetail = "not started yet";
    // The running build; swapped, under _gate, when a rolling upgrade hands over to a new one.
    private ServiceSpec _spec;
    private ChildProcess _child;
    // A new build being made ready, so that a stop or kill meanwhile reaches it too.
    private ChildProcess? _candidate;
    // The new build's process, handed over to the supervision loop once the old process has exited.
    private Process? _handedOver;

    public SupervisedService(ServiceSpec spec, ReadinessProbe probe, string dotnetHost, Func<Task> publishStatus)
    {
        _spec = spec;
        Name = spec.Name;
        _probe = probe;
        _publishStatus = publishStatus;
        _dotnetHost = dotnetHost;
        _log = new ChildLog(spec.LogPath);
        _child = new ChildProcess(spec, _log, dotnetHost);
    }

    public string Name { get; } = "";

    public bool IsWeb => Name == ServiceNames.Web;

    public ServiceSpec Spec
    {
        get
        {
            lock (_gate)
                return _spec;
        }
    }

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
            return new ServiceStatus(_spec.Name, _spec.LocalUrl, _pid, _state, _restarts, _spec.Build);
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
        var (child, candidate) = Children();
        await Task.WhenAll(child.StopAsync(grace, hurry), candidate?.StopAsync(grace, hurry) ?? Task.CompletedTask);
        await child.WaitForLogsAsync(LogDrainTimeout);
        await SetStateAsync(ServiceState.Exited);
    }

    public void Kill()
    {
        var (child, candidate) = Children();
        child.Kill();
        candidate?.Kill();
    }

    /// <summary>
    /// Replaces the running process with one of <paramref name="next"/>: starts it beside the old one, waits until it is
    /// ready, hands it to supervision, lets <paramref name="switchOver"/> send the others to it, and only then drains and
    /// stops the old process. A new process that exits or is not ready within <paramref name="readyTimeout"/> is stopped
    /// and the old one, which never stopped serving, stays: the service is rolled back.
    /// </summary>
    /// <returns>Null when the new build serves; otherwise why it was rolled back.</returns>
    public async Task<string?> ReplaceAsync(ServiceSpec next, TimeSpan readyTimeout, Func<Task> switchOver, TimeSpan drainGrace, CancellationToken stopping)
    {
        var candidate = new ChildProcess(next, _log, _dotnetHost);
        lock (_gate)
            _candidate = candidate;
        var handedOver = false;
        try
        {
            Process? process;
            try
            {
                process = candidate.Start();
            }
            catch (Exception ex)
            {
                return $"its new build could not be started: {ex.Message}";
            }
            if (process is null)
                return "the AppHost is stopping";
            string? failure;
            // Its start-up gives way to the requests of the running services; it is raised back once ready.
            using (StartPriority.WhileStarting(process.Id))
                failure = await WaitUntilReadyAsync(process, next.ProbeUrl, readyTimeout, stopping);
            if (failure is not null)
            {
                await candidate.StopAsync(TimeSpan.FromSeconds(5), stopping);
                await candidate.WaitForLogsAsync(LogDrainTimeout);
                return failure;
            }

            ChildProcess old;
            lock (_gate)
            {
                old = _child;
                _spec = next;
                _child = candidate;
                _candidate = null;
                _handedOver = process;
                _pid = process.Id;
                _state = ServiceState.Ready;
                handedOver = true;
            }
            await _publishStatus();
            await switchOver();
            // The old process stops listening, answers what it has in flight, ends its feed long-polls and commits or
            // rolls back its handlers (a rolled-back inbox page is fetched again by the new process, and deduplicated).
            await old.StopAsync(drainGrace, stopping);
            await old.WaitForLogsAsync(LogDrainTimeout);
            old.Dispose();
            return null;
        }
        finally
        {
            if (!handedOver)
            {
                lock (_gate)
                    _candidate = null;
                candidate.Dispose();
            }
        }
    }

    /// <returns>Null once ready; otherwise why not.</returns>
    private async Task<string?> WaitUntilReadyAsync(Process process, string probeUrl, TimeSpan timeout, CancellationToken stopping)
    {
        var started = Stopwatch.GetTimestamp();
        var detail = "not probed yet";
        while (!stopping.IsCancellationRequested)
        {
            if (process.HasExited)
                return $"its new build exited with code {process.ExitCode} before it was ready";
            var result = await _probe.CheckAsync(probeUrl, stopping);
            if (result.IsReady)
                return null;
            detail = result.Detail;
            if (Stopwatch.GetElapsedTime(started) > timeout)
                return $"its new build was not ready within {timeout.TotalSeconds:0} s (last check: {detail})";
            await Task.Delay(PollInterval, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        return "the AppHost is stopping";
    }

    private (ChildProcess Child, ChildProcess? Candidate) Children()
    {
        lock (_gate)
            return (_child, _candidate);
    }

    public Task<IReadOnlyList<string>> ReadLogTailAsync(int lines) => _log.ReadTailAsync(lines);

    public ValueTask DisposeAsync()
    {
        var (child, candidate) = Children();
        child.Dispose();
        candidate?.Dispose();
        return _log.DisposeAsync();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var isRestart = false;
        Process? adopted = null;
        while (!stopping.IsCancellationRequested)
        {
            var (spec, child) = Current();
            long? readyAt = null;
            Process process;
            if (adopted is not null)
            {
                // A rolling upgrade started this one and found it ready.
                (process, adopted) = (adopted, null);
                readyAt = Stopwatch.GetTimestamp();
            }
            else
            {
                if (child.Start() is not { } started)
                    return;
                process = started;
                var startedAt = Stopwatch.GetTimestamp();
                await SetStateAsync(isRestart ? ServiceState.Restarting : ServiceState.Starting, process.Id, countRestart: isRestart);

                if (await WaitUntilReadyAsync(process, spec.ProbeUrl, isRestart, stopping))
                {
                    readyAt = Stopwatch.GetTimestamp();
                    await SetStateAsync(ServiceState.Ready);
                    if (isRestart)
                        ConsoleReport.Success($"{Name} is ready again (pid {process.Id}, restart #{Snapshot().Restarts}).");
                    else
                        ConsoleReport.Success($"{Name} is ready at {spec.LocalUrl} ({Stopwatch.GetElapsedTime(startedAt).TotalSeconds:0.0} s).");
                    _firstReady.TrySetResult();
                }
            }

            await process.WaitForExitAsync(stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (stopping.IsCancellationRequested)
                return;

            await child.WaitForLogsAsync(LogDrainTimeout);
            lock (_gate)
                (adopted, _handedOver) = (_handedOver, null);
            // The old build's process stopped because its replacement took over: nothing crashed.
            if (adopted is not null)
                continue;
            if (readyAt is { } since && Stopwatch.GetElapsedTime(since) >= StableUptime)
                _backoff.Reset();
            if (File.Exists(spec.HoldFile))
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

    private (ServiceSpec Spec, ChildProcess Child) Current()
    {
        lock (_gate)
            return (_spec, _child);
    }

    /// <summary>Keeps the stopped service down while its hold file exists; it starts again as soon as the file is gone.</summary>
    private async Task HoldAsync(Process process, CancellationToken stopping)
    {
        var hold = Spec.HoldFile;
        ConsoleReport.Warning($"{Name} (pid {process.Id}) stopped with code {process.ExitCode} and is held down until {hold} is removed.");
        await SetStateAsync(ServiceState.Held);
        while (File.Exists(hold) && !stopping.IsCancellationRequested)
            await Task.Delay(PollInterval, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!stopping.IsCancellationRequested)
            ConsoleReport.Success($"{Name} is no longer held; starting it.");
    }

    /// <returns>True once ready; false if the process exited first or the AppHost is stopping.</returns>
    private async Task<bool> WaitUntilReadyAsync(Process process, string probeUrl, bool isRestart, CancellationToken stopping)
    {
        var started = Stopwatch.GetTimestamp();
        var warned = false;
        while (!stopping.IsCancellationRequested && !process.HasExited)
        {
            var result = await _probe.CheckAsync(probeUrl, stopping);
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
