namespace Tessera.Messaging.Inbox;

public enum InboxStatus
{
    /// <summary>Waiting to be handled (first time, or after a failed attempt once its backoff has passed).</summary>
    Pending = 0,
    Processed = 1,

    /// <summary>Failed every attempt; holds back later messages of its aggregate until replayed or discarded.</summary>
    Parked = 2,

    /// <summary>Dropped by an operator (manual compensation done elsewhere).</summary>
    Discarded = 3,
}

/// <summary>A received message. Its unique message id is the deduplication record; its status changes in the same transaction as the handler's effect.</summary>
public sealed class InboxMessage
{
    public long Sequence { get; set; }
    public Guid MessageId { get; set; }
    public string Producer { get; set; } = "";
    public long Position { get; set; }
    public string Type { get; set; } = "";
    public int Version { get; set; }
    public string Tenant { get; set; } = "";
    public string AggregateKey { get; set; } = "";
    public string Envelope { get; set; } = "";
    public InboxStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
    public DateTimeOffset? ParkedAt { get; set; }
}

/// <summary>How far this service has read each producer's feed.</summary>
public sealed class SubscriberCheckpoint
{
    public string Producer { get; set; } = "";
    public long Position { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
