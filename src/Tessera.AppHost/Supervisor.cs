using System.Diagnostics;

namespace Tessera.AppHost;

/// <summary>
/// Runs the whole system: starts the back-end services in parallel and the web front-end after them, keeps every one
/// supervised, and on a stop request takes them down front-end first so no user request hits a half-stopped back end.
/// </summary>
internal sealed class Supervisor : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(20);
    private const int LogTailLines = 20;

    private readonly AppHostOptions _options;
    private readonly DataLayout _layout;
    private readonly AdminSignIn? _signIn;
    private readonly StatusFile _statusFile;
    private readonly ServicesFile _servicesFile;
    private readonly ReadinessProbe _probe = new();
    private readonly IReadOnlyList<SupervisedService> _services;
    private readonly List<Task> _supervision = [];
    // Ends the supervision loops. Linked to the stop signal so that a child that exits because it got the same Ctrl+C
    // (the terminal sends it to the whole process group) is never mistaken for a crash and restarted.
    private readonly CancellationTokenSource _stopping;
    private volatile AppHostState _state = AppHostState.Starting;
    private bool _stopped;

    private Supervisor(AppHostOptions options, DataLayout layout, IReadOnlyList<ServiceSpec> specs, AdminSignIn? signIn, CancellationToken shutdown)
    {
        _options = options;
        _layout = layout;
        _signIn = signIn;
        _statusFile = new StatusFile(layout.StatusFile);
        _servicesFile = new ServicesFile(layout.ServicesFile);
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        var dotnet = DotnetHost.Resolve();
        _services = specs.Select(spec => new SupervisedService(spec, _probe, dotnet, PublishStatusAsync)).ToList();

        // Graceful stopping happens in RunUntilStoppedAsync; these only catch the AppHost dying some other way, so no child is orphaned.
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
    }

    /// <returns>The process exit code: 0 after a requested stop, 1 when a service never became ready.</returns>
    public static async Task<int> RunAsync(AppHostOptions options, ShutdownSignal shutdown)
    {
        var layout = new DataLayout(options.DataDir);
        var manifest = InstalledBuilds.Apply(layout, ServiceManifest.Load(AppContext.BaseDirectory));
        var hasWeb = manifest.Any(s => s.IsWeb);
        // Listening here, not in the web process, fails early with a clear message when the port is taken, and lets
        // every web process — a restarted one, the new build of an upgrade — accept from the same queue (docs/adr/0030).
        using var publicListener = hasWeb ? PublicListener.Open(options.Host, options.Port) : null;
        if (hasWeb && publicListener is null)
            Ports.EnsureBindable(options.Host, options.Port);

        layout.Create();
        await InternalTokenKey.EnsureExistsAsync(layout, shutdown.Graceful);
        var signIn = hasWeb ? AdminSignIn.Decide(layout) : null;
        var specs = ServicePlan.Create(manifest, options, layout, signIn?.Password, publicListener);

        ConsoleReport.Info($"Tessera AppHost (pid {Environment.ProcessId}): starting {string.Join(", ", specs.Select(s => s.Name))}. Data: {layout.Root}");
        await using var supervisor = new Supervisor(options, layout, specs, signIn, shutdown.Graceful);
        return await supervisor.RunUntilStoppedAsync(shutdown);
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        AppDomain.CurrentDomain.UnhandledException -= OnUnhandledException;
        // Normally a no-op: StopAllAsync already stopped everything unless it failed halfway.
        KillAll();
        foreach (var service in _services)
            await service.DisposeAsync();
        _probe.Dispose();
        _stopping.Dispose();
    }

    private async Task<int> RunUntilStoppedAsync(ShutdownSignal shutdown)
    {
        try
        {
            await PublishStatusAsync();
            await _servicesFile.WriteAsync(_services.Select(s => s.Spec));
            // An upgrade asked of an AppHost that has gone since is not carried out by the next one.
            File.Delete(_layout.UpgradeRequest);
            var startup = Stopwatch.StartNew();
            var backend = _services.Where(s => !s.IsWeb).ToList();
            var web = _services.Where(s => s.IsWeb).ToList();

            // The front-end calls the others from its first request, so it only starts once they all answer.
            if (!await StartAsync(backend, shutdown.Graceful) || !await StartAsync(web, shutdown.Graceful))
                return shutdown.Graceful.IsCancellationRequested ? 0 : 1;

            _state = AppHostState.Ready;
            await PublishStatusAsync();
            _supervision.Add(new RollingUpgrade(_services, _layout, _servicesFile, _probe, _stopping.Token).WatchAsync());
            ConsoleReport.Running(_services.Select(s => s.Snapshot()).ToList(), _options.PublicUrl, _signIn, startup.Elapsed);

            // Supervision loops only end when stopping, unless one failed: then running on unsupervised would be a lie.
            // A stop request also ends the loops, and one of them may finish before the request's own task does: what
            // counts is whether a stop was asked for, not which task came first.
            var stopRequested = Task.Delay(Timeout.Infinite, shutdown.Graceful);
            await Task.WhenAny(_supervision.Append(stopRequested));
            if (shutdown.Graceful.IsCancellationRequested)
                return 0;
            ConsoleReport.Error("Supervision of a service failed; stopping everything.");
            return 1;
        }
        finally
        {
            await StopAllAsync(shutdown.Immediate);
        }
    }

    /// <returns>False if a service was not ready within <see cref="ReadyTimeout"/> or a stop was requested meanwhile.</returns>
    private async Task<bool> StartAsync(IReadOnlyList<SupervisedService> group, CancellationToken shutdown)
    {
        foreach (var service in group)
            _supervision.Add(service.SuperviseAsync(_stopping.Token));

        var ready = await Task.WhenAll(group.Select(s => s.WaitForFirstReadyAsync(ReadyTimeout, shutdown)));
        if (shutdown.IsCancellationRequested)
            return false;

        var failed = group.Where((_, i) => !ready[i]).ToList();
        foreach (var service in failed)
        {
            ConsoleReport.Error(service.StartFailure is { } failure
                ? $"{service.Name} could not be started: {failure.Message} Stopping everything."
                : $"{service.Name} did not become ready within {ReadyTimeout.TotalSeconds:0} s (last check: {service.LastProbeDetail}). Stopping everything.");
            ConsoleReport.LogTail(service.LogPath, await service.ReadLogTailAsync(LogTailLines));
        }
        return failed.Count == 0;
    }

    private async Task StopAllAsync(CancellationToken hurry)
    {
        if (_stopped)
            return;
        _stopped = true;

        _state = AppHostState.Stopping;
        await _stopping.CancelAsync();
        await PublishStatusAsync();
        ConsoleReport.Info("Stopping all services (press Ctrl+C again to kill them at once)…");

        foreach (var web in _services.Where(s => s.IsWeb))
            await web.StopAsync(StopGrace, hurry);
        await Task.WhenAll(_services.Where(s => !s.IsWeb).Select(s => s.StopAsync(StopGrace, hurry)));

        foreach (var loop in _supervision)
            await ObserveAsync(loop);
        ConsoleReport.Info("All services stopped.");
    }

    /// <summary>Reports, with its stack trace, whatever broke a supervision loop; RunUntilStoppedAsync only printed a summary.</summary>
    private static async Task ObserveAsync(Task loop)
    {
        try
        {
            await loop;
        }
        catch (Exception ex)
        {
            ConsoleReport.Error($"Supervision failed: {ex}");
        }
    }

    private Task PublishStatusAsync() => _statusFile.WriteAsync(() =>
    {
        var services = _services.Select(s => s.Snapshot()).ToList();
        // The AppHost is ready when the whole system is, not merely once it was at start.
        var state = _state == AppHostState.Ready && services.Any(s => s.State != ServiceState.Ready) ? AppHostState.Degraded : _state;
        return new AppHostStatus(Environment.ProcessId, _options.PublicUrl, state, services);
    });

    private void KillAll()
    {
        foreach (var service in _services)
            service.Kill();
    }

    private void OnProcessExit(object? sender, EventArgs e) => KillAll();

    private void OnUnhandledException(object? sender, UnhandledExceptionEventArgs e)
    {
        ConsoleReport.Error($"The AppHost crashed; killing all services. {e.ExceptionObject}");
        KillAll();
    }
}
