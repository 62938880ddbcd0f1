using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.Messaging.Feed;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Inbox;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Data;

namespace Tessera.Messaging.Transport;

/// <summary>
/// A service's subscription to its own events (read models it keeps, like the order search): read straight from its
/// own outbox, no transport in between, and handled through the same inbox as any other subscription — in order per
/// aggregate, retried, parked.
/// </summary>
internal sealed class LocalOutboxConsumer<TContext>(
    IServiceScopeFactory scopes,
    OutboxSignal signal,
    SubscriptionMonitor monitor,
    SubscriptionRegistry registry,
    TimeProvider clock,
    ILogger<LocalOutboxConsumer<TContext>> logger)
    where TContext : ServiceDbContext
{
    private const int PageSize = 500;
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(30);

    public async Task RunAsync(string producer, IInboxSink sink, CancellationToken cancellationToken)
    {
        long? checkpoint = null;
        var types = registry.TypesFrom(producer);
        while (!cancellationToken.IsCancellationRequested)
        {
            var wake = signal.Next(types);
            try
            {
                checkpoint ??= await sink.GetCheckpointAsync(producer, cancellationToken);
                var page = await ReadAsync(checkpoint.Value, types, cancellationToken);
                if (page.Rows.Count > 0)
                    await sink.StageAsync(producer, page.Rows.Select(r => FeedEndpoint.ToEnvelope(r, producer)).ToList(), page.Next, cancellationToken);
                checkpoint = page.Next;
                monitor.Succeeded(producer, checkpoint.Value, page.Head, clock.GetUtcNow());
                if (page.Rows.Count == PageSize)
                    continue;
                await Signal.WaitAsync(wake, IdleWait, clock, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                checkpoint = null;
                monitor.Failed(producer, ex.Message, clock.GetUtcNow());
                logger.LogError(ex, "Reading this service's own events failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), clock, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task<OutboxPage> ReadAsync(long after, IReadOnlyCollection<string> types, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await FeedEndpoint.ReadPageAsync(scope.ServiceProvider.GetRequiredService<TContext>(), after, PageSize, types, cancellationToken);
    }
}
