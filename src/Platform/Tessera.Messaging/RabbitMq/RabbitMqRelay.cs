using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using Tessera.Messaging.Feed;
using Tessera.Messaging.Outbox;
using Tessera.Messaging.Transport;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Messaging.RabbitMq;

/// <summary>
/// Publishes this service's committed outbox rows to RabbitMQ, oldest first, a batch at a time: all of a batch's
/// messages are sent, then the broker's confirms are awaited together, then the rows are marked dispatched. Every
/// instance of the service runs one. Rows can be published twice — two instances reading the same rows, or a crash
/// between the confirms and the mark — and the subscribers' inboxes drop the copies (ADR 0032).
/// </summary>
internal sealed class RabbitMqRelay<TContext>(
    IServiceScopeFactory scopes,
    RabbitMqConnections connections,
    OutboxSignal signal,
    IOptions<MessagingOptions> options,
    IOptions<TesseraOptions> tessera,
    TimeProvider clock,
    ILogger<RabbitMqRelay<TContext>> logger)
    where TContext : ServiceDbContext
{
    /// <summary>
    /// Commits in this process wake the relay at once; this is how long it waits otherwise, for rows another instance
    /// committed whose own relay stopped before publishing them.
    /// </summary>
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(30);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await IndexRowsToPublishAsync(cancellationToken);
        var backoff = new ReconnectBackoff(logger, clock, "Publishing events to RabbitMQ");
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var self = tessera.Value.ServiceName;
                var connection = await connections.OpenAsync($"{self}: relay", cancellationToken);
                await using var close = new AbortedWhenDone(connection);
                var channel = await connection.CreateChannelAsync(
                    new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: false), cancellationToken);
                var confirms = new PublisherConfirms(channel);
                await RabbitMqTopology.DeclareExchangesAsync(channel, cancellationToken);
                backoff.Succeeded();
                while (true)
                {
                    var wake = signal.Committed.Next;
                    if (await PublishBatchAsync(self, channel, confirms, cancellationToken) < options.Value.RabbitMq.PublishBatchSize)
                        await Signal.WaitAsync(wake, IdleWait, clock, cancellationToken);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The outbox keeps taking events while the broker is away; they are published when it is back.
                await backoff.FailedAsync(ex, cancellationToken);
            }
        }
    }

    /// <summary>
    /// The relay's scan of the rows still to publish, indexed on only those rows. Created here rather than by a
    /// migration: under the feed no row is ever marked, and every event would pay for an index that nothing reads.
    /// </summary>
    private async Task IndexRowsToPublishAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await using var write = await db.BeginWriteAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync(
            "CREATE INDEX IF NOT EXISTS ix_outbox_messages_undispatched ON outbox_messages (position) WHERE dispatched_at IS NULL", cancellationToken);
        await write.CommitAsync(cancellationToken);
    }

    /// <returns>How many outbox rows were published.</returns>
    private async Task<int> PublishBatchAsync(string self, IChannel channel, PublisherConfirms confirms, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var outbox = db.Set<OutboxMessage>();
        var head = await outbox.MaxAsync(m => (long?)m.Position, cancellationToken) ?? 0;
        var rows = await outbox.AsNoTracking().Where(m => m.DispatchedAt == null).OrderBy(m => m.Position)
            .Take(options.Value.RabbitMq.PublishBatchSize).ToListAsync(cancellationToken);
        if (rows.Count == 0)
            return 0;
        head = Math.Max(head, rows[^1].Position);

        // Sent one after the other on one channel, so the queue holds them in outbox order; confirmed together.
        foreach (var row in rows)
        {
            var envelope = FeedEndpoint.ToEnvelope(row, self);
            var properties = new BasicProperties
            {
                MessageId = row.MessageId.ToString(),
                Type = row.Type,
                CorrelationId = row.CorrelationId.ToString(),
                ContentType = "application/json",
                DeliveryMode = DeliveryModes.Persistent,
                Timestamp = new AmqpTimestamp(row.OccurredAt.ToUnixTimeSeconds()),
                Headers = new Dictionary<string, object?> { [RabbitMqTopology.HeadHeader] = head },
            };
            await PublishAsync(channel, confirms, RabbitMqTopology.RoutingKey(self, row.Type), properties,
                JsonSerializer.SerializeToUtf8Bytes(envelope, TesseraJson.Options), cancellationToken);
        }
        await PublishAsync(channel, confirms, RabbitMqTopology.PositionKey(self), new BasicProperties
        {
            DeliveryMode = DeliveryModes.Persistent,
            Headers = new Dictionary<string, object?>
            {
                [RabbitMqTopology.HeadHeader] = head,
                [RabbitMqTopology.PositionHeader] = rows[^1].Position,
            },
        }, ReadOnlyMemory<byte>.Empty, cancellationToken);
        await confirms.WaitAsync(ConfirmTimeout, clock, cancellationToken);

        var positions = rows.Select(r => r.Position).ToList();
        var now = clock.GetUtcNow();
        await using (var transaction = await db.BeginWriteAsync(cancellationToken))
        {
            await outbox.Where(m => positions.Contains(m.Position))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.DispatchedAt, now), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return rows.Count;
    }

    private static async Task PublishAsync(IChannel channel, PublisherConfirms confirms, string routingKey, BasicProperties properties,
        ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        confirms.Expect(await channel.GetNextPublishSequenceNumberAsync(cancellationToken));
        await channel.BasicPublishAsync(RabbitMqTopology.Exchange, routingKey, mandatory: false, properties, body, cancellationToken);
    }
}

/// <summary>
/// The broker's confirms of what a channel published: it acknowledges each message (or all up to one) once the
/// message is safely in every queue it was routed to, or refuses it. A refusal, or the channel closing, fails the batch.
/// </summary>
internal sealed class PublisherConfirms
{
    private readonly Lock _lock = new();
    private readonly SortedSet<ulong> _outstanding = [];
    private TaskCompletionSource _settled = Settled();
    private Exception? _failure;

    public PublisherConfirms(IChannel channel)
    {
        channel.BasicAcksAsync += (_, e) =>
        {
            Settle(e.DeliveryTag, e.Multiple, null);
            return Task.CompletedTask;
        };
        channel.BasicNacksAsync += (_, e) =>
        {
            Settle(e.DeliveryTag, e.Multiple, new IOException($"RabbitMQ refused message {e.DeliveryTag}."));
            return Task.CompletedTask;
        };
        channel.ChannelShutdownAsync += (_, e) =>
        {
            Settle(ulong.MaxValue, true, new IOException($"RabbitMQ closed the channel: {e.ReplyCode} {e.ReplyText}"));
            return Task.CompletedTask;
        };
    }

    /// <summary>Call before publishing the message with this sequence number, so that its confirm cannot come first.</summary>
    public void Expect(ulong sequence)
    {
        lock (_lock)
        {
            if (_failure is not null)
                throw _failure;
            if (_outstanding.Count == 0)
                _settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _outstanding.Add(sequence);
        }
    }

    /// <summary>Completes when every expected message is confirmed; fails when one was refused.</summary>
    public Task WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        lock (_lock)
            return _failure is not null ? Task.FromException(_failure) : _settled.Task.WaitAsync(timeout, clock, cancellationToken);
    }

    private void Settle(ulong tag, bool multiple, Exception? failure)
    {
        lock (_lock)
        {
            if (multiple)
                _outstanding.RemoveWhere(s => s <= tag);
            else
                _outstanding.Remove(tag);
            if (failure is not null)
            {
                _failure ??= failure;
                _settled.TrySetException(failure);
            }
            else if (_outstanding.Count == 0)
            {
                _settled.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource Settled()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }
}
