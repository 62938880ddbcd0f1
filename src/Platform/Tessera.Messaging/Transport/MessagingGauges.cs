using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tessera.Messaging.Feed;
using Tessera.Messaging.Inbox;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Data;

namespace Tessera.Messaging.Transport;

/// <summary>
/// The messaging gauges a scraper reads at /metrics: outbox lag per subscriber (producer side), subscription lag per
/// producer (subscriber side), inbox backlog, retrying and parked messages. The database counts are sampled every few
/// seconds by one small query, not on every scrape, so scraping costs nothing on a busy service.
/// </summary>
internal sealed class MessagingGauges<TContext> : BackgroundService where TContext : ServiceDbContext
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _clock;
    private readonly ILogger<MessagingGauges<TContext>> _logger;
    private volatile Counts _counts = new(0, 0, 0, 0);

    public MessagingGauges(IServiceScopeFactory scopes, IMeterFactory meters, FeedReaders readers, SubscriptionMonitor monitor, TimeProvider clock,
        ILogger<MessagingGauges<TContext>> logger)
    {
        _scopes = scopes;
        _clock = clock;
        _logger = logger;
        var meter = meters.Create("Tessera.Messaging");
        meter.CreateObservableGauge("tessera.messaging.outbox.lag", () =>
            {
                var head = _counts.OutboxHead;
                return readers.Snapshot().Select(r => new Measurement<long>(Math.Max(0, head - r.Position), new KeyValuePair<string, object?>("subscriber", r.Subscriber)));
            }, "{event}", "Events in this service's outbox that a subscriber has not read yet");
        meter.CreateObservableGauge("tessera.messaging.subscription.lag",
            () => monitor.Snapshot().Select(s => new Measurement<long>(s.Lag, new KeyValuePair<string, object?>("producer", s.Producer))),
            "{event}", "Events of a producer's feed this service has not read yet");
        meter.CreateObservableGauge("tessera.messaging.inbox.backlog", () => _counts.Pending, "{message}", "Received messages waiting to be handled");
        meter.CreateObservableGauge("tessera.messaging.inbox.retrying", () => _counts.Retrying, "{message}", "Received messages waiting for a retry after failing");
        meter.CreateObservableGauge("tessera.messaging.inbox.parked", () => _counts.Parked, "{message}", "Messages parked for an operator after their last attempt");
    }

    /// <summary>The newest outbox position as of the last sample.</summary>
    public long OutboxHead => _counts.OutboxHead;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _clock);
        try
        {
            do
            {
                try
                {
                    _counts = await SampleAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    _logger.LogDebug(ex, "Sampling the messaging gauges failed; trying again in {Interval}", Interval);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task<Counts> SampleAsync(CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var counts = await db.Set<InboxMessage>().AsNoTracking()
            .Where(m => m.Status == InboxStatus.Pending || m.Status == InboxStatus.Parked)
            .GroupBy(m => new { m.Status, Retrying = m.Attempts > 0 })
            .Select(g => new { g.Key.Status, g.Key.Retrying, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var head = await db.Set<OutboxMessage>().MaxAsync(m => (long?)m.Position, cancellationToken) ?? 0;
        return new Counts(
            counts.Where(c => c.Status == InboxStatus.Pending).Sum(c => c.Count),
            counts.Where(c => c.Status == InboxStatus.Pending && c.Retrying).Sum(c => c.Count),
            counts.Where(c => c.Status == InboxStatus.Parked).Sum(c => c.Count),
            head);
    }

    private sealed record Counts(int Pending, int Retrying, int Parked, long OutboxHead);
}
