using Tessera.Messaging.Inbox;
using Tessera.Messaging.Tests.Conformance;
using Tessera.Testing;

namespace Tessera.Messaging.Tests;

/// <summary>A service's own events feed its read models through the same inbox: in order, once, retried and parked.</summary>
public sealed class LocalSubscriptionTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new("tessera-local");
    private readonly FaultPlan _faults = new();
    private TestNode _node = null!;

    public async Task InitializeAsync() =>
        _node = await TestNode.StartAsync("solo", _data.Path, Ports.Free(), new Dictionary<string, string?>(), _faults, subscribeTo: "solo");

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task A_service_handles_its_own_events_once_and_in_order()
    {
        for (var i = 1; i <= 60; i++)
            await _node.PublishAsync("t1", $"agg-{i % 4}", i);

        var effects = await Poll.UntilAsync(_node.EffectsAsync, e => e.Count >= 60, "60 effects");

        effects.Count.ShouldBe(60);
        foreach (var group in effects.GroupBy(e => e.AggregateId))
            group.Select(e => e.Sequence).ShouldBeInOrder();
    }

    [Fact]
    public async Task Events_written_in_bulk_wake_their_subscribers_at_once()
    {
        // Rows written by InsertAddedInBulk (the order import) bypass SaveChanges: the commit must still announce their
        // types, or their subscribers would only find them when their wait runs out (30 s for a local read model).
        await _node.PublishAsync("t1", "warm-up", 1);
        await Poll.UntilAsync(_node.EffectsAsync, e => e.Count >= 1, "the first effect");

        var id = await _node.PublishInBulkAsync("t1", "bulk", 2);

        var handled = await Poll.UntilAsync(() => _node.InboxAsync(id), m => m?.Status == InboxStatus.Processed, "the bulk-written event to be handled",
            TimeSpan.FromSeconds(10));
        handled.ShouldNotBeNull();
    }

    [Fact]
    public async Task A_failing_message_rolls_back_alone_and_its_neighbours_in_the_same_group_commit()
    {
        _faults.Failing["bad"] = true;
        var ids = new List<Guid>();
        for (var i = 1; i <= 10; i++)
            ids.Add(await _node.PublishAsync("t1", i == 5 ? "bad" : $"good-{i}", i));

        var parked = await Poll.UntilAsync(() => _node.InboxAsync(ids[4]), m => m?.Status == InboxStatus.Parked, "the bad message to be parked");
        var effects = await _node.EffectsAsync();

        effects.Select(e => e.AggregateId).ShouldNotContain("bad");
        effects.Count.ShouldBe(9);
        parked!.Attempts.ShouldBe(3);
    }
}
