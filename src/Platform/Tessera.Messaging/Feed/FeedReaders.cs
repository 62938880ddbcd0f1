using System.Collections.Concurrent;

namespace Tessera.Messaging.Feed;

/// <summary>Where one subscriber stood in this producer's feed when it last asked.</summary>
public sealed record FeedReaderState(string Subscriber, long Position, DateTimeOffset LastReadAt);

/// <summary>
/// The producer's view of its subscribers: the position each one last read from. With the outbox head it gives the
/// outbox lag per subscriber (a metric, and invariant I10 on the operations console) without asking the subscribers.
/// Kept in memory: after a restart every live subscriber is known again within one long-poll.
/// </summary>
public sealed class FeedReaders
{
    private readonly ConcurrentDictionary<string, FeedReaderState> _readers = new(StringComparer.OrdinalIgnoreCase);

    public void Read(string subscriber, long after, DateTimeOffset at) =>
        _readers[subscriber] = new FeedReaderState(subscriber, after, at);

    public IReadOnlyList<FeedReaderState> Snapshot() => _readers.Values.OrderBy(r => r.Subscriber, StringComparer.Ordinal).ToList();
}
