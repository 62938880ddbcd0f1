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

/// <summary>
/// Stages a page and, in the same transaction, handles the staged messages whose aggregates have nothing older waiting:
/// staging, checkpoint, effects and processed marks share one commit. A message that fails, or that the group had no
/// time for, stays pending for <see cref="InboxProcessor{TContext}"/>, exactly as if it had only been staged.
/// </summary>
internal sealed class InboxSink<TContext>(
    IServiceScopeFactory scopes,
    SubscriptionRegistry registry,
    InboxHandler<TContext> handler,
    InboxSignal signal,
    TimeProvider clock) : IInboxSink
    where TContext : ServiceDbContext
{
    public async Task<long> GetCheckpointAsync(string producer, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await Queries.Checkpoint(scope.ServiceProvider.GetRequiredService<TContext>(), producer, cancellationToken) ?? 0;
    }

    public async Task<int> StageAsync(string producer, IReadOnlyList<EventEnvelope> messages, long? checkpoint, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var now = clock.GetUtcNow();
        var wanted = messages.Where(m => registry.Handles(producer, m.Type, m.Version)).ToList();
        // Serialized before taking the write gate: its critical section is the SQL.
        var rows = wanted.Select(message => (Message: message, Row: new InboxMessage
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
        })).ToList();

        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var known = new HashSet<Guid>();
        if (rows.Count > 0)
            await foreach (var id in Queries.Known(db, rows.Select(r => r.Message.Id).ToArray()).WithCancellation(cancellationToken))
                known.Add(id);

        var staged = new List<(EventEnvelope Message, InboxMessage Row)>(rows.Count);
        foreach (var (message, row) in rows)
        {
            if (!known.Add(message.Id))
                continue;
            db.Set<InboxMessage>().Add(row);
            staged.Add((message, row));
        }

        if (checkpoint is long position)
        {
            var row = await Queries.CheckpointRow(db, producer, cancellationToken);
            if (row is null)
                db.Set<SubscriberCheckpoint>().Add(new SubscriberCheckpoint { Producer = producer, Position = position, UpdatedAt = now });
            else if (position > row.Position)
                (row.Position, row.UpdatedAt) = (position, now);
        }

        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();

        var outcome = staged.Count == 0
            ? null
            : await handler.HandleAsync(db, transaction, scope.ServiceProvider, await ReadyAsync(db, staged, cancellationToken), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (outcome is not null && (outcome.LeftPending > 0 || outcome.Handled < staged.Count))
            signal.Staged.Notify();
        return staged.Count;
    }

    /// <summary>
    /// The staged messages that may run now, in staging order: those whose aggregate has no older message still
    /// pending or parked (that one runs first; the processor takes these in turn).
    /// </summary>
    private static async Task<List<InboxItem>> ReadyAsync(TContext db, List<(EventEnvelope Message, InboxMessage Row)> staged, CancellationToken cancellationToken)
    {
        var first = staged[0].Row.Sequence;
        var waiting = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var key in Queries.Waiting(db, staged.Select(s => s.Row.AggregateKey).Distinct().ToArray(), first).WithCancellation(cancellationToken))
            waiting.Add(key);
        return staged.Where(s => !waiting.Contains(s.Row.AggregateKey)).Select(s => new InboxItem(s.Row.Sequence, s.Row.Producer, s.Message)).ToList();
    }

    /// <summary>
    /// Staging runs for every page every subscription receives, so its queries are compiled once per context type: the
    /// LINQ pipeline around them cost more than their SQL.
    /// </summary>
    private static class Queries
    {
        public static readonly Func<TContext, string, CancellationToken, Task<long?>> Checkpoint =
            EF.CompileAsyncQuery((TContext db, string producer, CancellationToken _) =>
                db.Set<SubscriberCheckpoint>().Where(c => c.Producer == producer).Select(c => (long?)c.Position).FirstOrDefault());

        public static readonly Func<TContext, string, CancellationToken, Task<SubscriberCheckpoint?>> CheckpointRow =
            EF.CompileAsyncQuery((TContext db, string producer, CancellationToken _) =>
                db.Set<SubscriberCheckpoint>().FirstOrDefault(c => c.Producer == producer));

        public static readonly Func<TContext, Guid[], IAsyncEnumerable<Guid>> Known =
            EF.CompileAsyncQuery((TContext db, Guid[] ids) => db.Set<InboxMessage>().Where(m => ids.Contains(m.MessageId)).Select(m => m.MessageId));

        public static readonly Func<TContext, string[], long, IAsyncEnumerable<string>> Waiting =
            EF.CompileAsyncQuery((TContext db, string[] keys, long first) => db.Set<InboxMessage>().AsNoTracking()
                .Where(m => keys.Contains(m.AggregateKey) && m.Sequence < first && (m.Status == InboxStatus.Pending || m.Status == InboxStatus.Parked))
                .Select(m => m.AggregateKey).Distinct());
    }
}
