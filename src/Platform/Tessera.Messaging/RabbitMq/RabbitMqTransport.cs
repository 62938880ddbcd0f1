using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Tessera.Messaging.Feed;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Inbox;
using Tessera.Messaging.Transport;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Messaging.RabbitMq;

/// <summary>
/// The scale-out transport (ADR 0032): a relay in every producer instance publishes committed outbox rows to a topic
/// exchange, and every subscribing service reads each producer's events from a quorum queue of its own with a single
/// active consumer, acknowledging a group of messages only once the inbox has committed them.
/// </summary>
internal sealed class RabbitMqTransport<TContext>(
    RabbitMqRelay<TContext> relay,
    FeedClient feed,
    RabbitMqConnections connections,
    SubscriptionRegistry registry,
    SubscriptionMonitor monitor,
    IOptions<MessagingOptions> options,
    IOptions<TesseraOptions> tessera,
    TimeProvider clock,
    ILogger<RabbitMqTransport<TContext>> logger) : IMessageTransport
    where TContext : ServiceDbContext
{
    private static readonly TimeSpan SetupTimeout = TimeSpan.FromSeconds(20);

    public string Name => MessagingOptions.RabbitMqTransportName;

    /// <summary>Subscribers read the broker; the feed stays, for a new subscription's backfill.</summary>
    public void MapProducerEndpoints(IEndpointRouteBuilder endpoints) => FeedEndpoint.Map(endpoints);

    public Task RunProducerAsync(CancellationToken cancellationToken) => relay.RunAsync(cancellationToken);

    public async Task RunConsumerAsync(string producer, IInboxSink sink, CancellationToken cancellationToken)
    {
        var position = new ReadPosition();
        var backoff = new ReconnectBackoff(logger, clock, $"Reading {producer}'s events from RabbitMQ");
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ConsumeAsync(producer, sink, position, backoff.Succeeded, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Messages received but not yet acknowledged go back to the queue with the channel, and come again in
                // order; those the inbox already committed are dropped there as duplicates.
                monitor.Failed(producer, ex.Message, clock.GetUtcNow());
                await backoff.FailedAsync(ex, cancellationToken);
            }
        }
    }

    private async Task ConsumeAsync(string producer, IInboxSink sink, ReadPosition position, Action connected, CancellationToken cancellationToken)
    {
        var self = tessera.Value.ServiceName;
        var prefetch = Math.Clamp(options.Value.RabbitMq.Prefetch, 1, ushort.MaxValue);
        // Setting up must not hang, or the subscription would stop without a word: each step has a deadline, and a
        // failed attempt is tried again on a new connection.
        using var setup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        setup.CancelAfter(SetupTimeout);
        var connection = await connections.OpenAsync($"{self}: events of {producer}", setup.Token);
        await using var close = new AbortedWhenDone(connection);
        var channel = await connection.CreateChannelAsync(cancellationToken: setup.Token);
        var queue = await RabbitMqTopology.DeclareSubscriptionAsync(channel, self, producer, registry.TypesFrom(producer), setup.Token);
        await channel.BasicQosAsync(0, (ushort)prefetch, false, setup.Token);
        var stored = await sink.GetCheckpointAsync(producer, cancellationToken);
        if (stored == 0)
            await BackfillAsync(producer, sink, position, cancellationToken);
        position.Checkpoint = Math.Max(position.Checkpoint, stored);
        position.Head = Math.Max(position.Head, position.Checkpoint);

        var deliveries = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true });
        channel.ChannelShutdownAsync += (_, e) =>
        {
            deliveries.Writer.TryComplete(new IOException($"RabbitMQ closed the channel: {e.ReplyCode} {e.ReplyText}"));
            return Task.CompletedTask;
        };
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, e) =>
        {
            // The body is the client's buffer, valid only during this call.
            deliveries.Writer.TryWrite(new Delivery(e.DeliveryTag, e.RoutingKey, e.Body.ToArray(),
                RabbitMqTopology.Number(e.BasicProperties, RabbitMqTopology.HeadHeader),
                RabbitMqTopology.Number(e.BasicProperties, RabbitMqTopology.PositionHeader)));
            return Task.CompletedTask;
        };
        // The client blocks its caller until the broker answers a consume, and a single-active-consumer quorum queue
        // did not answer at all after its node was killed (RabbitMQ 3.10, ADR 0032); so the call runs apart, with a deadline.
        await Task.Run(() => channel.BasicConsumeAsync(queue, autoAck: false, consumer, cancellationToken), cancellationToken)
            .WaitAsync(SetupTimeout, cancellationToken);
        // A standby instance (another one is the queue's active consumer) waits here with nothing to report but that it is connected.
        monitor.Succeeded(producer, position.Checkpoint, position.Head, clock.GetUtcNow());
        connected();

        var group = new List<Delivery>(prefetch);
        while (await deliveries.Reader.WaitToReadAsync(cancellationToken))
        {
            group.Clear();
            while (group.Count < prefetch && deliveries.Reader.TryRead(out var delivery))
                group.Add(delivery);
            await TakeAsync(channel, producer, sink, position, group, cancellationToken);
        }
        throw new IOException("RabbitMQ stopped delivering.");
    }

    /// <summary>
    /// A subscription that has never read this producer takes what the producer published before its queue was bound —
    /// those messages went to no queue of this subscriber — from the producer's retained feed, up to the feed's head.
    /// The queue is bound first, so everything after that head is waiting in it; what both hold is staged once (the
    /// inbox drops the copy). The checkpoint is written only at the end, so a backfill cut short starts over.
    /// </summary>
    private async Task BackfillAsync(string producer, IInboxSink sink, ReadPosition position, CancellationToken cancellationToken)
    {
        long after = 0;
        while (true)
        {
            var page = await feed.FetchAsync(producer, after, TimeSpan.Zero, cancellationToken);
            if (page.Events.Count > 0)
                await sink.StageAsync(producer, page.Events, null, cancellationToken);
            after = page.Next;
            monitor.Succeeded(producer, after, page.Head, clock.GetUtcNow());
            if (after >= page.Head)
                break;
        }
        if (after > 0)
        {
            await sink.StageAsync(producer, [], after, cancellationToken);
            logger.LogInformation("Backfilled {Producer}'s events up to position {Position} from its feed", producer, after);
        }
        position.Checkpoint = Math.Max(position.Checkpoint, after);
    }

    /// <summary>
    /// Stages a group of deliveries in one inbox transaction, then acknowledges them all with one multiple-ack: a crash in
    /// between redelivers them, and the inbox drops the ones it already has.
    /// </summary>
    private async Task TakeAsync(IChannel channel, string producer, IInboxSink sink, ReadPosition position, List<Delivery> group, CancellationToken cancellationToken)
    {
        var envelopes = new List<EventEnvelope>(group.Count);
        var checkpoint = position.Checkpoint;
        var head = position.Head;
        foreach (var delivery in group)
        {
            head = Math.Max(head, delivery.Head ?? 0);
            if (delivery.RoutingKey == RabbitMqTopology.PositionKey(producer))
            {
                checkpoint = Math.Max(checkpoint, delivery.Position ?? 0);
                continue;
            }
            var envelope = Read(delivery.Body);
            if (envelope is null || envelope.Producer != producer)
            {
                // Not an event of this producer: retrying cannot help, and it must not hold the queue up.
                logger.LogError("A message on {Producer}'s queue is not one of its events ({RoutingKey}); sent to the dead-letter queue", producer, delivery.RoutingKey);
                await channel.BasicRejectAsync(delivery.Tag, requeue: false, cancellationToken);
                continue;
            }
            envelopes.Add(envelope);
            checkpoint = Math.Max(checkpoint, envelope.Position);
        }
        if (envelopes.Count > 0)
            await sink.StageAsync(producer, envelopes, checkpoint, cancellationToken);
        await channel.BasicAckAsync(group[^1].Tag, multiple: true, cancellationToken);
        position.Checkpoint = checkpoint;
        position.Head = Math.Max(head, checkpoint);
        monitor.Succeeded(producer, position.Checkpoint, position.Head, clock.GetUtcNow());
    }

    private static EventEnvelope? Read(byte[] body)
    {
        try
        {
            return JsonSerializer.Deserialize<EventEnvelope>(body, TesseraJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Delivery(ulong Tag, string RoutingKey, byte[] Body, long? Head, long? Position);

    /// <summary>How far this instance has read a producer's queue, and the newest position the producer has told of.</summary>
    private sealed class ReadPosition
    {
        public long Checkpoint { get; set; }
        public long Head { get; set; }
    }
}
