using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Tenancy;
using Tessera.ServiceDefaults.Hosting;

namespace Tessera.Messaging.Inbox;

/// <summary>
/// Runs handlers for staged messages that an earlier attempt left pending: those a transport staged while another
/// writer waited, failed messages once their backoff has passed, replayed ones. Most messages never get here: the sink
/// handles them in the transaction that stages them (<see cref="InboxHandler{TContext}"/>). Per aggregate, only the
/// oldest unfinished message is eligible, so a parked or backing-off message holds back only its own aggregate.
/// </summary>
internal sealed class InboxProcessor<TContext>(Standby standby,
    IServiceScopeFactory scopes,
    InboxHandler<TContext> handler,
    InboxSignal signal,
    TimeProvider clock,
    ILogger<InboxProcessor<TContext>> logger) : BackgroundService
    where TContext : ServiceDbContext
{
    private const int BatchSize = 50;
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await standby.UntilActiveAsync(stoppingToken))
            return;
        // A process a new build took over stops handling at once (Standby.Retired): a page cut short rolls back and is
        // handled by the new process.
        using var whileCurrent = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, standby.Retired);
        await RunAsync(whileCurrent.Token);
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = signal.Staged.Next;
            TimeSpan wait;
            try
            {
                var batch = await NextBatch(stoppingToken);
                if (batch.Count > 0)
                {
                    await ProcessGroupAsync(batch, stoppingToken);
                    continue;
                }
                wait = await TimeUntilNextRetry(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Inbox processing failed; retrying shortly");
                wait = TimeSpan.FromSeconds(1);
            }

            try
            {
                await Signal.WaitAsync(wake, wait, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<List<long>> NextBatch(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var inbox = db.Set<InboxMessage>();
        var now = clock.GetUtcNow();
        return await inbox
            .Where(m => m.Status == InboxStatus.Pending && m.NextAttemptAt <= now)
            .Where(m => !inbox.Any(earlier => earlier.AggregateKey == m.AggregateKey && earlier.Sequence < m.Sequence &&
                                              (earlier.Status == InboxStatus.Pending || earlier.Status == InboxStatus.Parked)))
            .OrderBy(m => m.Sequence)
            .Select(m => m.Sequence)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
    }

    private async Task<TimeSpan> TimeUntilNextRetry(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var next = await db.Set<InboxMessage>().Where(m => m.Status == InboxStatus.Pending)
            .OrderBy(m => m.NextAttemptAt).Select(m => (DateTimeOffset?)m.NextAttemptAt).FirstOrDefaultAsync(cancellationToken);
        if (next is null)
            return IdleWait;
        var wait = next.Value - clock.GetUtcNow();
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait < IdleWait ? wait : IdleWait;
    }

    internal async Task ProcessGroupAsync(IReadOnlyList<long> sequences, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        // Read inside the write: a message the sink handled meanwhile is no longer pending, one that failed there again
        // waits for its backoff.
        var now = clock.GetUtcNow();
        var rows = await db.Set<InboxMessage>().AsNoTracking()
            .Where(m => sequences.Contains(m.Sequence) && m.Status == InboxStatus.Pending && m.NextAttemptAt <= now)
            .OrderBy(m => m.Sequence)
            .Select(m => new { m.Sequence, m.Producer, m.Envelope })
            .ToListAsync(cancellationToken);
        var items = rows.Select(r => new InboxItem(r.Sequence, r.Producer, JsonSerializer.Deserialize<EventEnvelope>(r.Envelope, TesseraJson.Options)!)).ToList();
        var outcome = await handler.HandleAsync(db, transaction, scope.ServiceProvider, items, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outcome.Announce();
    }
}
