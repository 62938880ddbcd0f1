namespace Tessera.Messaging.Handling;

/// <summary>
/// Handles one event type. It runs inside a transaction that also marks the message processed, so its effect happens
/// exactly once; it must not commit on its own. Throwing retries the message later with backoff.
/// </summary>
public interface IEventHandler<in TEvent> where TEvent : class
{
    Task HandleAsync(TEvent message, MessageContext context, CancellationToken cancellationToken);
}

public sealed record MessageContext(EventEnvelope Envelope)
{
    public Guid MessageId => Envelope.Id;
    public string Tenant => Envelope.Tenant;
    public string Producer => Envelope.Producer;
    public DateTimeOffset OccurredAt => Envelope.OccurredAt;
}

/// <summary>The message being handled in this DI scope; events published from a handler name it as their cause.</summary>
public sealed class MessageScope
{
    public EventEnvelope? Current { get; set; }
}
