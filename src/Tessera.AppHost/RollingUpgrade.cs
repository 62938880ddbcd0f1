using System.Diagnostics;
using System.Text.Json;

namespace Tessera.AppHost;

/// <summary>What <c>tessera upgrade --from &lt;folder&gt;</c> writes to run/upgrade-request.json.</summary>
internal sealed record UpgradeRequest(string Id, string From);

internal enum UpgradeState { Running, Succeeded, Failed }

internal enum ServiceUpgradeState { Waiting, Upgrading, Upgraded, RolledBack, NotUpgraded }

internal sealed record ServiceUpgrade(
    string Name, ServiceUpgradeState State, int? Pid = null, string? Url = null, double? Seconds = null, string? Detail = null,
    DateTimeOffset? StartedAt = null, DateTimeOffset? FinishedAt = null, UpgradeSteps? Steps = null);

/// <summary>When each step of a service's swap ended: its new build ready, both builds addressed (the warm-up), the new one alone.</summary>
internal sealed record UpgradeSteps(DateTimeOffset ReadyAt, DateTimeOffset? SharedAt, DateTimeOffset? AloneAt);

/// <summary>run/upgrade.json: the progress and outcome of the last upgrade, which the CLI follows.</summary>
internal sealed record UpgradeReport(
    string? Id, string From, UpgradeState State, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? Message,
    IReadOnlyList<ServiceUpgrade> Services);

/// <summary>
/// Replaces every service's process, one service at a time, with the build in a folder (docs/adr/0030): the new process
/// starts on a port of its own beside the old one, and once it is ready every other process is sent to it (run/services.json)
/// and the old one drains and stops. A new build that is not ready is stopped, its service keeps the old process, and
/// the upgrade stops there.
/// </summary>
internal sealed class RollingUpgrade(
    IReadOnlyList<SupervisedService> services, DataLayout layout, ServicesFile servicesFile, ReadinessProbe probe, CancellationToken stopping)
{
    private static readonly TimeSpan RequestPoll = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan SwitchTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long the gateway shares a service's calls between its old process and the new one before the new one takes
    /// them all. A new process compiles each code path on its first calls (optimised at once, no quick JIT: docs/adr/0013);
    /// sent every call at once, it kept placing an order waiting 4 s at p99 under 50 users.
    /// </summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);

    /// <summary>
    /// After every process has the new address, a request that read the old one a moment before still reaches the old
    /// process: it is given this long to be sent before the old process stops listening.
    /// </summary>
    private static readonly TimeSpan SwitchSettle = TimeSpan.FromSeconds(1);

    private const int LogTailLines = 15;

    /// <summary>Takes requests until the AppHost stops; one upgrade at a time, and a failed one never ends the AppHost.</summary>
    public async Task WatchAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            await Task.Delay(RequestPoll, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (stopping.IsCancellationRequested || !File.Exists(layout.UpgradeRequest))
                continue;
            UpgradeRequest? request = null;
            try
            {
                request = JsonSerializer.Deserialize<UpgradeRequest>(await File.ReadAllTextAsync(layout.UpgradeRequest, stopping), AtomicJson.Options);
            }
            catch (JsonException)
            {
                // Reported below like any request that names no build folder.
            }
            File.Delete(layout.UpgradeRequest);
            try
            {
                await RunAsync(request);
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                ConsoleReport.Error($"The upgrade failed: {ex}");
                await ReportAsync(new UpgradeReport(request?.Id, request?.From ?? "", UpgradeState.Failed, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow,
                    $"The upgrade failed: {ex.Message}", []));
            }
        }
    }

    private async Task RunAsync(UpgradeRequest? request)
    {
        var startedAt = DateTimeOffset.UtcNow;
        if (request is null || string.IsNullOrWhiteSpace(request.From))
        {
            await ReportAsync(new UpgradeReport(request?.Id, "", UpgradeState.Failed, startedAt, startedAt, $"{layout.UpgradeRequest} named no build folder.", []));
            return;
        }

        IReadOnlyList<ServiceEntry> build;
        try
        {
            build = ServiceManifest.Load(Path.GetFullPath(request.From));
            var missing = services.Select(s => s.Name).Except(build.Select(e => e.Name)).ToList();
            var unknown = build.Select(e => e.Name).Except(services.Select(s => s.Name)).ToList();
            if (missing.Count > 0 || unknown.Count > 0)
                throw new AppHostException(
                    $"The build in {request.From} does not hold the services this installation runs" +
                    (missing.Count > 0 ? $"; it lacks {string.Join(", ", missing)}" : "") +
                    (unknown.Count > 0 ? $"; it adds {string.Join(", ", unknown)} (start the AppHost of that build to add services)" : "") + ".");
        }
        catch (AppHostException ex)
        {
            ConsoleReport.Error($"Upgrade refused: {ex.Message}");
            await ReportAsync(new UpgradeReport(request.Id, request.From, UpgradeState.Failed, startedAt, DateTimeOffset.UtcNow, ex.Message, []));
            return;
        }

        // The back end first, the front-end last: the same order as a start.
        var order = services.Where(s => !s.IsWeb).Concat(services.Where(s => s.IsWeb)).ToList();
        var progress = order.Select(s => new ServiceUpgrade(s.Name, ServiceUpgradeState.Waiting)).ToList();
        var report = new UpgradeReport(request.Id, request.From, UpgradeState.Running, startedAt, null, null, progress);
        ConsoleReport.Info($"Rolling upgrade to {request.From}: {string.Join(", ", order.Select(s => s.Name))}, one at a time.");
        await ReportAsync(report);

        for (var i = 0; i < order.Count; i++)
        {
            var service = order[i];
            var current = service.Spec;
            var next = ServicePlan.Replacement(current, build.Single(e => e.Name == service.Name));
            progress[i] = progress[i] with { State = ServiceUpgradeState.Upgrading, StartedAt = DateTimeOffset.UtcNow };
            await ReportAsync(report);
            var timer = Stopwatch.StartNew();
            UpgradeSteps? steps = null;
            var failure = await service.ReplaceAsync(next, ReadyTimeout, () => SwitchAsync(current, next, s => steps = s), DrainGrace, stopping);
            if (failure is not null)
            {
                var tail = await service.ReadLogTailAsync(LogTailLines);
                progress[i] = progress[i] with
                {
                    State = ServiceUpgradeState.RolledBack, Seconds = timer.Elapsed.TotalSeconds, Detail = string.Join('\n', tail), FinishedAt = DateTimeOffset.UtcNow,
                };
                for (var j = i + 1; j < order.Count; j++)
                    progress[j] = progress[j] with { State = ServiceUpgradeState.NotUpgraded };
                var message = $"{service.Name} was rolled back: {failure}. It keeps serving from its old build; " +
                              (i == 0 ? "no service was upgraded" : $"{string.Join(", ", order.Take(i).Select(s => s.Name))} run the new build") +
                              $" and the upgrade stopped. Its log: {service.LogPath}";
                ConsoleReport.Error(message);
                ConsoleReport.LogTail(service.LogPath, tail);
                await ReportAsync(report with { State = UpgradeState.Failed, FinishedAt = DateTimeOffset.UtcNow, Message = message });
                return;
            }
            await InstalledBuilds.RecordAsync(layout, service.Name, next.DllPath);
            var now = service.Snapshot();
            progress[i] = progress[i] with
            {
                State = ServiceUpgradeState.Upgraded, Pid = now.Pid, Url = now.Url, Seconds = timer.Elapsed.TotalSeconds, FinishedAt = DateTimeOffset.UtcNow, Steps = steps,
            };
            ConsoleReport.Success($"{service.Name} runs the new build (pid {now.Pid}, {now.Url}) after {timer.Elapsed.TotalSeconds:0.0} s.");
            await ReportAsync(report);
        }

        var done = $"Every service runs the build in {request.From} ({(DateTimeOffset.UtcNow - startedAt).TotalSeconds:0} s).";
        ConsoleReport.Success(done);
        await ReportAsync(report with { State = UpgradeState.Succeeded, FinishedAt = DateTimeOffset.UtcNow, Message = done });
    }

    /// <summary>
    /// Sends every process to the new one. The web front-end needs nothing: its new process already accepts from the public
    /// port's queue beside the old one. Any other service gets its new address in run/services.json in two steps: first beside
    /// the old one, for <see cref="WarmUp"/> — the gateway balances the two by their calls in flight, so a new process
    /// that is still slow gets few, and sends the new one reads only (it is marked as warming up), so that the two never
    /// write the same database at once; other services and feed subscribers keep calling the old one, the first address —
    /// then alone. The old process is only drained once every process says it has applied that (or after
    /// <see cref="SwitchTimeout"/>, with a warning).
    /// </summary>
    private async Task SwitchAsync(ServiceSpec old, ServiceSpec next, Action<UpgradeSteps> recorded)
    {
        var steps = new UpgradeSteps(DateTimeOffset.UtcNow, null, null);
        recorded(steps);
        if (next.IsWeb)
            return;
        await WriteAndConfirmAsync(old.Name, $"{old.LocalUrl};{next.LocalUrl}", warmingUp: next.LocalUrl);
        recorded(steps = steps with { SharedAt = DateTimeOffset.UtcNow });
        await Task.Delay(WarmUp, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await WriteAndConfirmAsync(old.Name, next.LocalUrl);
        recorded(steps with { AloneAt = DateTimeOffset.UtcNow });
        await Task.Delay(SwitchSettle, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task WriteAndConfirmAsync(string service, string url, string? warmingUp = null)
    {
        var specs = services.Select(s => s.Spec).ToList();
        var generation = await servicesFile.WriteAsync(specs.Select(s => (s.Name, s.Name == service ? url : s.LocalUrl)),
            warmingUp is null ? null : (service, warmingUp));
        var deadline = Stopwatch.StartNew();
        var pending = specs.ToList();
        while (pending.Count > 0 && deadline.Elapsed < SwitchTimeout && !stopping.IsCancellationRequested)
        {
            var applied = await Task.WhenAll(pending.Select(s => probe.ServicesGenerationAsync(s.ProbeUrl, stopping)));
            pending = pending.Where((_, i) => applied[i] is not { } g || g < generation).ToList();
            if (pending.Count > 0)
                await Task.Delay(TimeSpan.FromMilliseconds(100), stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        if (pending.Count > 0)
            ConsoleReport.Warning($"{string.Join(", ", pending.Select(s => s.Name))} did not confirm {service}'s new address ({url}) within " +
                                  $"{SwitchTimeout.TotalSeconds:0} s; carrying on.");
    }

    private async Task ReportAsync(UpgradeReport report)
    {
        try
        {
            await AtomicJson.WriteAsync(layout.UpgradeReport, report);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ConsoleReport.Warning($"Could not update {layout.UpgradeReport}: {ex.Message}");
        }
    }
}
