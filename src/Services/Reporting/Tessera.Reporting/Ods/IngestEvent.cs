using Tessera.Messaging;
using Tessera.Messaging.Handling;
using Tessera.Reporting.Data;

namespace Tessera.Reporting.Ods;

/// <summary>
/// Every event of every producer, whatever its type (a finance event this release has never heard of included), is
/// staged for the ODS in the same transaction in which the inbox marks it handled: the inbox's deduplication by event
/// id and this row are one commit, so an event is staged once. The loader moves staged rows into the tenant's DuckDB
/// file and deletes them afterwards; the ODS drops an event id it already holds (docs/adr/0019).
/// </summary>
public sealed class IngestEvent(ReportingDbContext db, TimeProvider clock) : IEventHandler<EventEnvelope>
{
    public Task HandleAsync(EventEnvelope message, MessageContext context, CancellationToken cancellationToken)
    {
        db.StagedEvents.Add(new StagedEvent
        {
            EventId = message.Id,
            TenantId = message.Tenant,
            Producer = message.Producer,
            Type = message.Type,
            Version = message.Version,
            AggregateId = message.AggregateId,
            Position = message.Position,
            OccurredAt = message.OccurredAt,
            Payload = message.Payload.GetRawText(),
            StagedAt = clock.GetUtcNow(),
        });
        return Task.CompletedTask;
    }
}
