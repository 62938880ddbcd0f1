using Tessera.ServiceDefaults.Data;

namespace Tessera.Messaging.Outbox;

/// <summary>An event written in the same transaction as the change it reports; its position orders the feed.</summary>
public sealed class OutboxMessage : ICommitOrdered
{
    public long Position { get; set; }
    public Guid MessageId { get; set; }
    public string Type { get; set; } = "";
    public int Version { get; set; }
    public string Tenant { get; set; } = "";
    public string AggregateId { get; set; } = "";
    public DateTimeOffset OccurredAt { get; set; }
    public Guid CorrelationId { get; set; }
    public Guid? CausationId { get; set; }
    public string? TraceParent { get; set; }
    public string Payload { get; set; } = "";

    /// <summary>When a broker relay had this row confirmed (ADR 0032); null until then, and always with the feed.</summary>
    public DateTimeOffset? DispatchedAt { get; set; }
}
