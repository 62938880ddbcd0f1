using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Data;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Hosting;

namespace Tessera.Orders.Import;

/// <summary>Wakes the import worker when a file is uploaded.</summary>
public sealed class ImportSignal
{
    public Signal Uploaded { get; } = new();
}

/// <summary>
/// Runs queued imports one after another, oldest first, and resumes one that a restart interrupted. A problem that
/// may pass (the catalog is down, the database is busy) is noted on the import and retried with a growing pause;
/// the import stays Running and nothing it already wrote is written twice.
/// </summary>
internal sealed class ImportWorker(Standby standby,
    IServiceScopeFactory scopes,
    ImportProcessor processor,
    ImportSignal signal,
    IOptions<ImportOptions> options,
    TimeProvider clock,
    ILogger<ImportWorker> logger) : BackgroundService
{
    private const int MaxUnexpectedFailures = 5;
    private static readonly TimeSpan MaxPause = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await standby.UntilActiveAsync(stoppingToken))
            return;
        var pause = TimeSpan.FromSeconds(1);
        var failures = 0;
        Guid? failedImport = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = signal.Uploaded.Next;
            Guid? next = null;
            try
            {
                next = await NextAsync(stoppingToken);
                if (next is { } id)
                {
                    await processor.RunAsync(id, stoppingToken);
                    pause = TimeSpan.FromSeconds(1);
                    continue;
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                var waiting = ex is DependencyUnavailableException or HttpRequestException or TaskCanceledException;
                failures = next == failedImport ? failures + 1 : 1;
                failedImport = next;
                if (next is { } id && !waiting && failures >= MaxUnexpectedFailures)
                {
                    // Not a passing outage: stop this import with the reason instead of retrying it for ever.
                    logger.LogError(ex, "Import {ImportId} failed {Failures} times; stopped", id, failures);
                    await processor.GiveUpAsync(id, $"Stopped after {failures} attempts: {ex.GetType().Name}. Fix the cause and upload the file again.",
                        stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    continue;
                }
                var reason = waiting
                    ? "Waiting for the catalog to answer; the import continues where it stopped."
                    : "A problem interrupted the import; it is retried and continues where it stopped.";
                logger.LogWarning(ex, "Import {ImportId} interrupted; retrying in {Pause}", next, pause);
                if (next is { } retried)
                    await processor.NoteRetryAsync(retried, reason, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await Task.Delay(pause, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxPause.Ticks));
                continue;
            }
            await Signal.WaitAsync(wake, options.Value.PollInterval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task<Guid?> NextAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        return await db.Imports.IgnoreQueryFilters()
            .Where(i => i.Status == ImportStatus.Queued || i.Status == ImportStatus.Running)
            .OrderBy(i => i.CreatedAt)
            .Select(i => (Guid?)i.Id)
            .FirstOrDefaultAsync(cancellationToken);
    }
}
