using Microsoft.AspNetCore.Routing;
using Tessera.Messaging.Inbox;

namespace Tessera.Messaging.Transport;

/// <summary>
/// Moves committed outbox rows of a producer into the inboxes of its subscribers. Handlers, the inbox, retries and
/// parking sit behind <see cref="IInboxSink"/> and never see the transport, so a broker transport can replace the feed
/// without touching them. Every transport must pass the conformance suite in Tessera.Messaging.Tests.
/// </summary>
public interface IMessageTransport
{
    string Name { get; }

    /// <summary>Producer side: endpoints the transport serves (the feed serves the outbox itself).</summary>
    void MapProducerEndpoints(IEndpointRouteBuilder endpoints);

    /// <summary>Producer side: background work that publishes committed outbox rows (a broker relay); the feed has none.</summary>
    Task RunProducerAsync(CancellationToken cancellationToken);

    /// <summary>Subscriber side: receive one producer's messages into the sink until cancelled, surviving that producer's outages.</summary>
    Task RunConsumerAsync(string producer, IInboxSink sink, CancellationToken cancellationToken);
}

/// <summary>What a subscriber knows about each producer it reads; shown on the operations page.</summary>
public sealed class SubscriptionMonitor
{
    private readonly Dictionary<string, SubscriptionState> _states = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    public void Succeeded(string producer, long checkpoint, long head, DateTimeOffset at)
    {
        lock (_lock)
            _states[producer] = new SubscriptionState(producer, checkpoint, head, at, null, null);
    }

    public void Failed(string producer, string error, DateTimeOffset at)
    {
        lock (_lock)
        {
            var previous = _states.GetValueOrDefault(producer);
            _states[producer] = new SubscriptionState(producer, previous?.Checkpoint ?? 0, previous?.Head ?? 0,
                previous?.LastSuccessAt, error, previous?.FailingSince ?? at);
        }
    }

    public IReadOnlyList<SubscriptionState> Snapshot()
    {
        lock (_lock)
            return _states.Values.OrderBy(s => s.Producer).ToList();
    }
}

public sealed record SubscriptionState(
    string Producer,
    long Checkpoint,
    long Head,
    DateTimeOffset? LastSuccessAt,
    string? LastError,
    DateTimeOffset? FailingSince)
{
    public long Lag => Math.Max(0, Head - Checkpoint);
}
