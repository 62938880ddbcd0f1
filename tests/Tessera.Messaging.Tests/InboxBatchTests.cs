using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Messaging.Inbox;
using Tessera.Messaging.Tests.Conformance;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Messaging.Tests;

/// <summary>
/// A page handed to the inbox is staged and handled in one transaction (docs/adr/0013): one poison message in it must
/// cost only itself — and the later messages of its own aggregate — never the rest of the page.
/// </summary>
public sealed class InboxBatchTests : IAsyncLifetime
{
    private const string Producer = "upstream";
    private readonly TempDirectory _data = new("tessera-batch");
    private readonly FaultPlan _faults = new();
    private TestNode _node = null!;

    public async Task InitializeAsync() =>
        _node = await TestNode.StartAsync("downstream", _data.Path, Ports.Free(),
            new Dictionary<string, string?>
            {
                ["Tessera:Messaging:SubscriptionsEnabled"] = "false",
                // A cold test host may take longer than the default quarter of a second for its first group; the batch
                // must stay whole here so that what it commits can be checked right after the one call.
                ["Tessera:Messaging:MaxGroupDuration"] = "00:00:30",
            }, _faults, subscribeTo: Producer);

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _data.Dispose();
    }

    private static EventEnvelope Envelope(string aggregate, int sequence, long position) =>
        new(Guid.CreateVersion7(), nameof(TestEvent), 1, "t1", DateTimeOffset.UtcNow, Producer, aggregate, Guid.CreateVersion7(), null, null,
            JsonSerializer.SerializeToElement(new TestEvent(aggregate, sequence), TesseraJson.Options), position);

    [Fact]
    public async Task A_poison_message_in_a_batch_is_parked_alone_and_the_rest_of_the_batch_commits_with_the_checkpoint()
    {
        _faults.Failing["poison"] = true;
        var page = new List<EventEnvelope>();
        for (var i = 1; i <= 12; i++)
            page.Add(Envelope(i == 6 ? "poison" : $"good-{i}", i, position: i));
        page.Add(Envelope("poison", 13, position: 13)); // behind the poison message: must wait for it, not run past it
        page.Add(Envelope("good-1", 14, position: 14)); // a second message of a healthy aggregate in the same batch

        var staged = await _node.App.Services.GetRequiredService<IInboxSink>().StageAsync(Producer, page, checkpoint: 14, CancellationToken.None);

        // Committed by the one call: the checkpoint, and the healthy messages it handled (all of them, unless another writer
        // was waiting for the gate and the group made way after ten, leaving the rest to the processor) — never the poison
        // message's partial effect, though its handler had saved it before throwing.
        staged.ShouldBe(14);
        (await _node.CheckpointAsync(Producer)).ShouldBe(14);
        var healthy = new[] { 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 14 };
        var first = await _node.EffectsAsync();
        first.Count.ShouldBeGreaterThanOrEqualTo(9);
        first.Select(e => e.Sequence).ShouldBeSubsetOf(healthy);

        var effects = await Poll.UntilAsync(_node.EffectsAsync, e => e.Count >= 12, "every healthy message's effect");
        effects.Select(e => e.Sequence).Order().ShouldBe(healthy);
        effects.Where(e => e.AggregateId == "good-1").Select(e => e.Sequence).ShouldBe(new[] { 1, 14 });
        foreach (var message in page.Where(m => m.AggregateId != "poison"))
            (await _node.InboxAsync(message.Id))!.Status.ShouldBe(InboxStatus.Processed);
        var poison = await _node.InboxAsync(page[5].Id);
        poison!.Status.ShouldNotBe(InboxStatus.Processed);
        poison.LastError.ShouldNotBeNull();

        // Retried with backoff until parked; the message behind it stays untouched, nothing is applied twice.
        var parked = await Poll.UntilAsync(() => _node.InboxAsync(page[5].Id), m => m?.Status == InboxStatus.Parked, "the poison message to be parked");
        parked!.Attempts.ShouldBe(3);
        var behind = await _node.InboxAsync(page[12].Id);
        behind!.Status.ShouldBe(InboxStatus.Pending);
        behind.Attempts.ShouldBe(0);
        (await _node.EffectsAsync()).Count.ShouldBe(12);
        _faults.Attempts.Count(a => a.Aggregate == "poison" && a.Sequence == 13).ShouldBe(0);
    }

    [Fact]
    public async Task A_batch_delivered_twice_is_applied_once()
    {
        var page = Enumerable.Range(1, 20).Select(i => Envelope($"agg-{i % 5}", i, i)).ToList();
        var sink = _node.App.Services.GetRequiredService<IInboxSink>();

        (await sink.StageAsync(Producer, page, 20, CancellationToken.None)).ShouldBe(20);
        (await sink.StageAsync(Producer, page, 20, CancellationToken.None)).ShouldBe(0);

        // The first call may have made way for another writer part-way (the processor handles the rest): wait for every
        // message to be handled, then count.
        await Poll.UntilAsync(_node.EffectsAsync, e => e.Count >= 20, "every message's effect");
        foreach (var message in page)
            (await _node.InboxAsync(message.Id))!.Status.ShouldBe(InboxStatus.Processed);
        var effects = await _node.EffectsAsync();
        effects.Count.ShouldBe(20);
        foreach (var aggregate in effects.GroupBy(e => e.AggregateId))
            aggregate.Select(e => e.Sequence).ShouldBeInOrder();
    }
}
