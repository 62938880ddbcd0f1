using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Tessera.Messaging.RabbitMq;

/// <summary>
/// The exchanges, queues and message headers of the RabbitMQ transport (ADR 0032). Every service declares what it
/// uses, the same way each time, so no broker setup is needed beyond a user and a virtual host.
/// </summary>
internal static class RabbitMqTopology
{
    /// <summary>Every producer publishes here; the routing key is "{producer}.{event type}".</summary>
    public const string Exchange = "tessera.events";

    /// <summary>Where a subscription's queue sends a message it cannot read at all (not an envelope); one queue per subscription behind it.</summary>
    public const string DeadLetterExchange = "tessera.dead-letter";

    /// <summary>The newest outbox position the producer had when it published the message.</summary>
    public const string HeadHeader = "tessera-head";

    /// <summary>On a position message: every outbox row up to here is published.</summary>
    public const string PositionHeader = "tessera-position";

    public static string RoutingKey(string producer, string type) => $"{producer}.{type}";

    /// <summary>
    /// Published after each batch of events and bound by every subscription, so a subscriber that handles none of the
    /// batch's types still learns that it has read up to there (its lag returns to zero, as with the feed). No event
    /// type starts with '$'.
    /// </summary>
    public static string PositionKey(string producer) => $"{producer}.$position";

    /// <summary>One durable queue per subscribing service and producer: "tessera.{subscriber}.{producer}".</summary>
    public static string Queue(string subscriber, string producer) => $"tessera.{subscriber}.{producer}";

    public static async Task DeclareExchangesAsync(IChannel channel, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(DeadLetterExchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// The subscription's queue — quorum (replicated, survives a broker node), single active consumer (one instance of
    /// the subscriber reads it at a time, so the order is the producer's) — bound to the event types the subscriber
    /// handles (all of them when it handles every event) and to the position messages; and its dead-letter queue.
    /// </summary>
    public static async Task<string> DeclareSubscriptionAsync(
        IChannel channel, string subscriber, string producer, IReadOnlyList<string> types, CancellationToken cancellationToken)
    {
        await DeclareExchangesAsync(channel, cancellationToken);
        var queue = Queue(subscriber, producer);
        var deadLetters = queue + ".dead-letter";
        await channel.QueueDeclareAsync(deadLetters, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(deadLetters, DeadLetterExchange, queue, cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
        {
            ["x-queue-type"] = "quorum",
            ["x-single-active-consumer"] = true,
            ["x-dead-letter-exchange"] = DeadLetterExchange,
            ["x-dead-letter-routing-key"] = queue,
        }, cancellationToken: cancellationToken);
        var keys = types.Count == 0 ? [producer + ".#"] : types.Select(t => RoutingKey(producer, t)).Append(PositionKey(producer));
        foreach (var key in keys)
            await channel.QueueBindAsync(queue, Exchange, key, cancellationToken: cancellationToken);
        return queue;
    }

    /// <summary>A numeric header as the broker hands it back (a long as written, though other AMQP integer types are accepted).</summary>
    public static long? Number(IReadOnlyBasicProperties properties, string name) =>
        properties.Headers?.TryGetValue(name, out var value) == true
            ? value switch
            {
                long l => l,
                int i => i,
                byte[] text when long.TryParse(Encoding.UTF8.GetString(text), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
                _ => null,
            }
            : null;
}

/// <summary>Opens connections to the configured broker; each relay and consumer has its own, named after its role.</summary>
internal sealed class RabbitMqConnections(IOptions<MessagingOptions> options)
{
    private readonly Lazy<ConnectionFactory> _factory = new(() => new ConnectionFactory
    {
        Uri = new Uri(options.Value.RabbitMq.Uri
                      ?? throw new InvalidOperationException("Tessera:Messaging:RabbitMq:Uri is not set; the rabbitmq transport needs the broker's AMQP URI.")),
        // The relay and consumers reconnect, declare and resume on their own, with backoff, after any failure; the
        // client's recovery would resume consumers whose batch state this code no longer holds.
        AutomaticRecoveryEnabled = false,
        TopologyRecoveryEnabled = false,
        RequestedHeartbeat = TimeSpan.FromSeconds(15),
    });

    public Task<IConnection> OpenAsync(string name, CancellationToken cancellationToken) =>
        _factory.Value.CreateConnectionAsync(name, cancellationToken);
}

/// <summary>
/// Ends the connection by aborting it — a close waits for the broker's answer, and the broker may be what failed —
/// within a few seconds at most, whatever the client does.
/// </summary>
internal sealed class AbortedWhenDone(IConnection connection) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        var abort = Task.Run(async () =>
        {
            await connection.AbortAsync();
            connection.Dispose();
        });
        try
        {
            await abort.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // Already gone, or stuck: the socket goes with the process or at the broker's heartbeat timeout.
        }
    }
}
