using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Messaging.Inbox;

/// <summary>
/// Where a transport hands over received messages. Staging is durable before the transport acknowledges or advances:
/// the messages and the new checkpoint are committed together, duplicates (by message id) are dropped, and event types
/// this service does not handle are skipped.
/// </summary>
public interface IInboxSink
{
    Task<long> GetCheckpointAsync(string producer, CancellationToken cancellationToken);

    /// <returns>How many messages were new.</returns>
    Task<int> StageAsync(string producer, IReadOnlyList<EventEnvelope> messages, long? checkpoint, CancellationToken cancellationToken);
}

internal sealed class InboxSink<TContext>(
    IServiceScopeFactory scopes,
    SubscriptionRegistry registry,
    InboxSignal signal,
    TimeProvider clock) : IInboxSink
    where TContext : ServiceDbContext
{
    public async Task<long> GetCheckpointAsync(string producer, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        return await db.Set<SubscriberCheckpoint>().Where(c => c.Producer == producer).Select(c => (long?)c.Position)
            .FirstOrDefaultAsync(cancellationToken) ?? 0;
    }

    public async Task<int> StageAsync(string producer, IReadOnlyList<EventEnvelope> messages, long? checkpoint, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var now = clock.GetUtcNow();

        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var wanted = messages.Where(m => registry.Handles(producer, m.Type, m.Version)).ToList();
        var ids = wanted.Select(m => m.Id).ToList();
        var known = ids.Count == 0
            ? []
            : (await db.Set<InboxMessage>().Where(m => ids.Contains(m.MessageId)).Select(m => m.MessageId).ToListAsync(cancellationToken)).ToHashSet();

        var staged = 0;
        foreach (var message in wanted)
        {
            if (!known.Add(message.Id))
                continue;
            db.Set<InboxMessage>().Add(new InboxMessage
            {
                MessageId = message.Id,
                Producer = producer,
                Position = message.Position,
                Type = message.Type,
                Version = message.Version,
                Tenant = message.Tenant,
                AggregateKey = message.AggregateId,
                Envelope = JsonSerializer.Serialize(message, TesseraJson.Options),
                Status = InboxStatus.Pending,
                NextAttemptAt = now,
                ReceivedAt = now,
            });
            staged++;
        }

        if (checkpoint is long position)
        {
            var row = await db.Set<SubscriberCheckpoint>().FirstOrDefaultAsync(c => c.Producer == producer, cancellationToken);
            if (row is null)
                db.Set<SubscriberCheckpoint>().Add(new SubscriberCheckpoint { Producer = producer, Position = position, UpdatedAt = now });
            else if (position > row.Position)
                (row.Position, row.UpdatedAt) = (position, now);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (staged > 0)
            signal.Staged.Notify();
        return staged;
    }
}
