namespace Tessera.Messaging;

/// <summary>Messaging settings, section "Tessera:Messaging".</summary>
public sealed class MessagingOptions
{
    public const string Section = "Tessera:Messaging";

    /// <summary>
    /// How integration events travel between services: "feed" (the default; each producer serves its outbox over HTTP,
    /// ADR 0001) or "rabbitmq" (a relay publishes the outbox to a RabbitMQ broker, ADR 0032; see <see cref="RabbitMq"/>).
    /// </summary>
    public string Transport { get; set; } = FeedTransportName;

    public RabbitMqOptions RabbitMq { get; set; } = new();

    internal const string FeedTransportName = "feed";
    internal const string RabbitMqTransportName = "rabbitmq";

    /// <summary>Attempts before a failing message is parked for an operator.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>First retry delay; doubles on every attempt, with jitter, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long events stay in the producer's feed, so that a new subscriber can backfill: a new reporting install
    /// builds its warehouse from the feeds, so the default keeps a year and a month of history (docs/adr/0019).
    /// </summary>
    public TimeSpan FeedRetention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>How long processed inbox rows are kept for deduplication; parked rows stay until resolved.</summary>
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(45);

    /// <summary>How long a feed request waits for new events before answering empty.</summary>
    public TimeSpan LongPollWait { get; set; } = TimeSpan.FromSeconds(20);

    public int FeedPageSize { get; set; } = 200;

    /// <summary>A group of inbox messages holds the write gate at most about this long; API writes queue behind it.</summary>
    public TimeSpan MaxGroupDuration { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Turns off pulling from other services (functional tests drive the inbox directly).</summary>
    public bool SubscriptionsEnabled { get; set; } = true;
}

/// <summary>The RabbitMQ transport's settings, section "Tessera:Messaging:RabbitMq" (ADR 0032).</summary>
public sealed class RabbitMqOptions
{
    /// <summary>The broker, as an AMQP URI with its user, password and virtual host: amqp://user:password@host:5672/vhost.</summary>
    public string? Uri { get; set; }

    /// <summary>Outbox rows the relay publishes before it waits for the broker's confirms and marks them dispatched.</summary>
    public int PublishBatchSize { get; set; } = 500;

    /// <summary>Unacknowledged messages the broker sends a consumer ahead; they are staged in groups of up to this many.</summary>
    public int Prefetch { get; set; } = 500;
}
