using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Inbox;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Telemetry;

namespace Tessera.Messaging.Transport;

/// <summary>
/// Runs the transport: its producer side, and one consumer per subscribed producer. A subscription to this service's
/// own events is read from its own outbox instead.
/// </summary>
internal sealed class MessagingHost<TContext>(Standby standby,
    IMessageTransport transport,
    LocalOutboxConsumer<TContext> local,
    SubscriptionRegistry registry,
    IInboxSink sink,
    IOptions<MessagingOptions> options,
    IOptions<TesseraOptions> tessera,
    ILogger<MessagingHost<TContext>> logger) : BackgroundService
    where TContext : ServiceDbContext
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await standby.UntilActiveAsync(stoppingToken))
            return;
        // A process a new build took over stops reading at once (Standby.Retired); its requests still drain.
        using var whileCurrent = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, standby.Retired);
        try
        {
            await RunAsync(whileCurrent.Token);
        }
        catch (OperationCanceledException) when (standby.Retired.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var self = tessera.Value.ServiceName;
        var work = new List<Task> { transport.RunProducerAsync(stoppingToken) };
        work.AddRange(registry.Producers.Where(p => p == self).Select(p => local.RunAsync(p, sink, stoppingToken)));
        if (options.Value.SubscriptionsEnabled)
        {
            foreach (var producer in registry.Producers.Where(p => p != self))
            {
                // A producer this installation does not run yet (no URL configured) is not polled; its events start
                // flowing once it is configured and this service restarts.
                if (!tessera.Value.Services.ContainsKey(producer))
                {
                    logger.LogInformation("No URL is configured for {Producer}; not reading its events", producer);
                    continue;
                }
                work.Add(transport.RunConsumerAsync(producer, sink, stoppingToken));
            }
        }
        await Task.WhenAll(work);
    }
}

/// <summary>Drops feed events past their retention and processed inbox rows past theirs; parked rows stay until resolved.</summary>
internal sealed class MessagingRetention<TContext>(Standby standby,
    IServiceScopeFactory scopes,
    IOptions<MessagingOptions> options,
    TimeProvider clock,
    ILogger<MessagingRetention<TContext>> logger) : BackgroundService
    where TContext : ServiceDbContext
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await standby.UntilActiveAsync(stoppingToken))
            return;
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            var run = TesseraTelemetry.Job("messaging.retention");
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TContext>();
                var now = clock.GetUtcNow();
                var feedCutoff = now - options.Value.FeedRetention;
                var inboxCutoff = now - options.Value.InboxRetention;
                await using var transaction = await db.BeginWriteAsync(stoppingToken);
                var events = await db.Set<OutboxMessage>().Where(m => m.OccurredAt < feedCutoff).ExecuteDeleteAsync(stoppingToken);
                var received = await db.Set<InboxMessage>()
                    .Where(m => (m.Status == InboxStatus.Processed || m.Status == InboxStatus.Discarded) && m.ReceivedAt < inboxCutoff)
                    .ExecuteDeleteAsync(stoppingToken);
                await transaction.CommitAsync(stoppingToken);
                if (events + received > 0)
                    logger.LogInformation("Retention removed {Events} feed events and {Received} inbox rows", events, received);
                run.Succeeded();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                run.Failed();
                logger.LogWarning(ex, "Messaging retention failed; will retry");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
