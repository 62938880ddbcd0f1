using Tessera.Messaging.Tests.Conformance;
using Tessera.Testing;

namespace Tessera.Messaging.Tests;

/// <summary>
/// A subscriber that takes every event of a producer (reporting's ODS) receives each type — including types it was
/// built before — once, over the feed, and the feed is asked for no particular type.
/// </summary>
public sealed class EveryEventSubscriptionTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new("tessera-every");
    private readonly FaultPlan _faults = new();
    private readonly int _producerPort = Ports.Free();
    private TestNode _producer = null!;
    private TestNode _consumer = null!;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?> { ["Tessera:Services:producer"] = $"http://127.0.0.1:{_producerPort}" };
        _producer = await TestNode.StartAsync("producer", _data.Path, _producerPort, settings, _faults, null);
        _consumer = await TestNode.StartAsync("consumer", _data.Path, Ports.Free(), settings, _faults, "producer", everyEvent: true);
    }

    public async Task DisposeAsync()
    {
        await _consumer.DisposeAsync();
        await _producer.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Every_type_arrives_once_in_order_per_aggregate_even_when_the_feed_is_read_again()
    {
        var published = new List<Guid>();
        for (var i = 1; i <= 30; i++)
            published.Add(i % 3 == 0 ? await _producer.PublishOtherAsync("t1", $"agg-{i % 4}") : await _producer.PublishAsync("t1", $"agg-{i % 4}", i));

        var effects = await Poll.UntilAsync(_consumer.EffectsAsync, e => e.Count >= 30, "30 envelopes");
        effects.Select(e => e.MessageId).Order().ShouldBe(published.Order());
        effects.Count(e => e.AggregateId.StartsWith("OtherEvent:", StringComparison.Ordinal)).ShouldBe(10);
        foreach (var group in effects.Where(e => e.Sequence > 0).GroupBy(e => e.AggregateId))
            group.Select(e => e.Sequence).ShouldBeInOrder();

        // A lost checkpoint: the consumer reads the whole feed again after a restart, and the inbox drops what it already has.
        await _consumer.DisposeAsync();
        (await TestProfile.ExecuteAsync(_data.Path, "consumer", "UPDATE subscriber_checkpoints SET position = 0")).ShouldBe(1);
        _consumer = await TestNode.StartAsync("consumer", _data.Path, Ports.Free(),
            new Dictionary<string, string?> { ["Tessera:Services:producer"] = $"http://127.0.0.1:{_producerPort}" }, _faults, "producer", everyEvent: true);
        published.Add(await _producer.PublishAsync("t1", "agg-last", 99));
        var again = await Poll.UntilAsync(_consumer.EffectsAsync, e => e.Count >= 31, "the 31st envelope");
        again.Count.ShouldBe(31);
        (await _consumer.CheckpointAsync("producer")).ShouldBeGreaterThanOrEqualTo(31);
    }
}
