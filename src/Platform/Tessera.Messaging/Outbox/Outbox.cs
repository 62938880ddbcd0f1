using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tessera.Messaging.Handling;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Messaging.Outbox;

/// <summary>
/// Publishes integration events by adding them to the service's own DbContext: they are committed with the change they
/// report, or not at all. Nothing leaves the process here; the transport picks committed rows up.
/// </summary>
public interface IOutbox
{
    void Publish<TEvent>(TEvent @event, string aggregateId) where TEvent : class;
}

internal sealed class Outbox<TContext>(
    TContext db,
    ITenantContext tenant,
    MessageScope scope,
    IHttpContextAccessor http,
    TimeProvider clock) : IOutbox
    where TContext : ServiceDbContext
{
    public const string CorrelationHeader = "X-Correlation-Id";

    public void Publish<TEvent>(TEvent @event, string aggregateId) where TEvent : class
    {
        var tenantId = tenant.TenantId
            ?? throw new InvalidOperationException($"Cannot publish {typeof(TEvent).Name} outside a tenant.");
        var (type, version) = EventTypes.Of(typeof(TEvent));
        var handling = scope.Current;

        db.Set<OutboxMessage>().Add(new OutboxMessage
        {
            MessageId = Guid.CreateVersion7(),
            Type = type,
            Version = version,
            Tenant = tenantId,
            AggregateId = aggregateId,
            OccurredAt = clock.GetUtcNow(),
            CorrelationId = handling?.CorrelationId ?? RequestCorrelation(),
            CausationId = handling?.Id,
            TraceParent = MessagingTelemetry.TraceParentForPublish(type, aggregateId),
            Payload = JsonSerializer.Serialize(@event, TesseraJson.Options),
        });
    }

    private Guid RequestCorrelation()
    {
        var header = http.HttpContext?.Request.Headers[CorrelationHeader].ToString();
        return Guid.TryParse(header, out var id) ? id : Guid.CreateVersion7();
    }
}
