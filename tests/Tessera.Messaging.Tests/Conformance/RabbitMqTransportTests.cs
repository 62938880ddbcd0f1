using System.Net.Http.Json;
using RabbitMQ.Client;
using Tessera.Messaging.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Messaging.Tests.Conformance;

/// <summary>One broker for every RabbitMQ test class: they run one after the other on it.</summary>
[CollectionDefinition(Name)]
public sealed class RabbitMqCollection : ICollectionFixture<RabbitMqBroker>
{
    public const string Name = "rabbitmq";
}

/// <summary>What the RabbitMQ transport does beyond the conformance suite: competing consumers, backfill, dead letters, a broker crash.</summary>
[Collection(RabbitMqCollection.Name)]
public sealed class RabbitMqTransportTests(RabbitMqBroker broker) : IAsyncLifetime
{
    private const string Tenant = "t1";
    private readonly RabbitMqTransportFixture _transport = new(broker);
    private readonly List<TestNode> _extraNodes = [];
    private TestCluster _cluster = null!;

    public Task InitializeAsync()
    {
        _cluster = new TestCluster(_transport);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _extraNodes)
            await node.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task A_second_instance_of_the_subscriber_waits_until_the_first_stops_then_takes_over_in_order()
    {
        await _cluster.StartAsync();
        await ConnectedAsync(_cluster.Consumer!);
        // The second instance of the consumer service: the same name, so the same queue; a database of its own, so each
        // instance's effects show which one handled what.
        var second = await TestNode.StartAsync(TestCluster.ConsumerName, _cluster.DataDir, Ports.Free(),
            _transport.NodeSettings(_cluster, TestCluster.ConsumerName).Concat(TestProfile.SeparateDatabase(_cluster.DataDir, "consumer-2"))
                .ToDictionary(), _cluster.Faults, TestCluster.ProducerName);
        _extraNodes.Add(second);
        await ConnectedAsync(second);

        for (var i = 1; i <= 20; i++)
            await _cluster.Producer!.PublishAsync(Tenant, "agg", i);
        var first = await Poll.UntilAsync(_cluster.Consumer!.EffectsAsync, e => e.Count >= 20, "the first instance's 20 effects");
        first.Select(e => e.Sequence).ShouldBe(Enumerable.Range(1, 20));
        (await second.EffectsAsync()).ShouldBeEmpty("one instance at a time reads the queue");

        await _cluster.StopConsumerAsync();
        for (var i = 21; i <= 40; i++)
            await _cluster.Producer!.PublishAsync(Tenant, "agg", i);

        var taken = await Poll.UntilAsync(second.EffectsAsync, e => e.Any(x => x.Sequence == 40), "the second instance to take over");
        var sequences = taken.Select(e => e.Sequence).ToList();
        sequences.ShouldBeInOrder(SortDirection.Ascending);
        sequences.Distinct().Count().ShouldBe(sequences.Count);
        // It may also get the first instance's last group again, if that one stopped before acknowledging it.
        sequences.Where(s => s > 20).ShouldBe(Enumerable.Range(21, 20));
    }

    [Fact]
    public async Task Two_instances_of_the_producer_relay_the_same_rows_and_each_event_is_handled_once_in_order()
    {
        await _cluster.StartAsync();
        // The second instance of the producer service: the same database, so its relay reads the same outbox rows.
        var second = await TestNode.StartAsync(TestCluster.ProducerName, _cluster.DataDir, Ports.Free(),
            _transport.NodeSettings(_cluster, TestCluster.ProducerName), _cluster.Faults, null);
        _extraNodes.Add(second);

        // Publishing through both instances wakes both relays, each reading whatever is not marked dispatched yet.
        var producers = new[] { _cluster.Producer!, second };
        for (var i = 1; i <= 60; i++)
            await producers[i % 2].PublishAsync(Tenant, $"agg-{i % 3}", i);

        var effects = await Poll.UntilAsync(_cluster.Consumer!.EffectsAsync, e => e.Count >= 60, "60 effects");
        await Poll.UntilAsync(_cluster.Producer!.UndispatchedAsync, n => n == 0, "both relays to finish");
        effects = await _cluster.Consumer.EffectsAsync();
        effects.Count.ShouldBe(60);
        effects.Select(e => e.MessageId).Distinct().Count().ShouldBe(60);
        foreach (var aggregate in Enumerable.Range(0, 3))
            effects.Where(e => e.AggregateId == $"agg-{aggregate}").Select(e => e.Sequence)
                .ShouldBe(Enumerable.Range(1, 60).Where(i => i % 3 == aggregate));
    }

    [Fact]
    public async Task A_subscriber_that_starts_after_events_were_published_backfills_them_from_the_feed()
    {
        await _cluster.StartProducerAsync();
        for (var i = 1; i <= 10; i++)
            await _cluster.Producer!.PublishAsync(Tenant, $"agg-{i % 2}", i);
        // Published to the exchange while no queue was bound to it: the broker kept nothing of them for the consumer.
        await Poll.UntilAsync(_cluster.Producer!.UndispatchedAsync, n => n == 0, "the relay to publish all 10");

        await _cluster.StartConsumerAsync();
        await _cluster.Producer!.PublishAsync(Tenant, "agg-0", 11);

        var effects = await Poll.UntilAsync(_cluster.Consumer!.EffectsAsync, e => e.Count >= 11, "11 effects");
        effects.Count.ShouldBe(11);
        effects.Where(e => e.AggregateId == "agg-0").Select(e => e.Sequence).ShouldBe([2, 4, 6, 8, 10, 11]);
        effects.Where(e => e.AggregateId == "agg-1").Select(e => e.Sequence).ShouldBe([1, 3, 5, 7, 9]);
    }

    [Fact]
    public async Task A_message_that_is_not_an_event_goes_to_the_dead_letter_queue_and_holds_nothing_back()
    {
        await _cluster.StartAsync();
        // The queue exists before its bindings do: a message published in between would go nowhere. An event handled
        // shows the consumer bound its queue (it binds before it consumes).
        await _cluster.Producer!.PublishAsync(Tenant, "agg", 1);
        await Poll.UntilAsync(_cluster.Consumer!.EffectsAsync, e => e.Count >= 1, "the first event");

        await using (var connection = await Factory().CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
            await channel.BasicPublishAsync("tessera.events", "producer.TestEvent", "not an envelope"u8.ToArray());
        await _cluster.Producer.PublishAsync(Tenant, "agg", 2);

        var effects = await Poll.UntilAsync(_cluster.Consumer.EffectsAsync, e => e.Count >= 2, "the event behind it");
        effects.Select(e => e.Sequence).ShouldBe([1, 2]);
        // The broker dead-letters a rejected message on its own time, after the reject.
        await Poll.UntilAsync(() => MessageCountAsync("tessera.consumer.producer.dead-letter"), n => n == 1, "the message in the dead-letter queue");
    }

    [Fact]
    public async Task A_broker_restart_delays_delivery_and_loses_nothing()
    {
        await _cluster.StartAsync();
        await _cluster.Producer!.PublishAsync(Tenant, "agg", 1);
        await Poll.UntilAsync(_cluster.Consumer!.EffectsAsync, e => e.Count == 1, "the first effect");

        await broker.Server.StopAsync();
        try
        {
            // The producer keeps taking events while the broker is away: they wait in its outbox.
            for (var i = 2; i <= 10; i++)
                await _cluster.Producer.PublishAsync(Tenant, "agg", i);
        }
        finally
        {
            await broker.Server.RestartAsync();
        }

        var effects = await Poll.UntilAsync(_cluster.Consumer.EffectsAsync, e => e.Count >= 10, "the effects after the broker is back",
            TimeSpan.FromSeconds(60));
        effects.Select(e => e.Sequence).ShouldBe(Enumerable.Range(1, 10));
    }

    /// <summary>Waits until the node consumes the producer's queue (actively, or as the standby).</summary>
    private static async Task ConnectedAsync(TestNode node)
    {
        using var client = node.ClientFor(Tenant);
        await Poll.UntilAsync(async () => (await client.GetFromJsonAsync<MessagingStatusDto>($"/api/{node.Name}/messaging/status", TesseraJson.Options))!,
            s => s.Subscriptions.Any(x => x.Producer == TestCluster.ProducerName && x.LastError is null), $"{node.Name} to consume its queue");
    }

    private ConnectionFactory Factory() => new() { Uri = new Uri(broker.Server.Uri(_transport.VirtualHost(_cluster))), AutomaticRecoveryEnabled = false };

    private async Task<uint> MessageCountAsync(string queue)
    {
        await using var connection = await Factory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }
}
