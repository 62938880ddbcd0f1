using System.Net;
using System.Net.Http.Json;
using Tessera.Messaging.Api;
using Tessera.Messaging.Inbox;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Messaging.Tests.Conformance;

/// <summary>
/// What every transport must guarantee to the handlers behind it: delivery, redelivery without double effects, order
/// per aggregate, retry with backoff, parking, replay and discard. A new transport passes by deriving a class from this
/// one with its own <see cref="TransportFixture"/>.
/// </summary>
public abstract class TransportConformanceTests : IAsyncLifetime
{
    private const string Tenant = "t1";

    protected TransportConformanceTests(TransportFixture transport)
    {
        Transport = transport;
        Cluster = new TestCluster(transport);
    }

    protected TransportFixture Transport { get; }

    protected TestCluster Cluster { get; }
    private TestNode Producer => Cluster.Producer!;
    private TestNode Consumer => Cluster.Consumer!;

    public Task InitializeAsync() => Cluster.StartAsync();

    /// <summary>Publishes bad/1 (whose handler fails) and bad/2 behind it, and waits until bad/1 is parked.</summary>
    private async Task<(Guid First, Guid Second)> ParkBadAggregateAsync()
    {
        Cluster.Faults.Failing["bad"] = true;
        var first = await Producer.PublishAsync(Tenant, "bad", 1);
        var second = await Producer.PublishAsync(Tenant, "bad", 2);
        await Poll.UntilAsync(() => Consumer.InboxAsync(first), m => m?.Status == InboxStatus.Parked, "bad/1 to be parked");
        return (first, second);
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    [Fact]
    public async Task Delivers_every_event_once_and_in_order_per_aggregate()
    {
        var aggregates = Enumerable.Range(1, 6).Select(i => $"agg-{i}").ToArray();
        for (var sequence = 1; sequence <= 20; sequence++)
            foreach (var aggregate in aggregates)
                await Producer.PublishAsync(Tenant, aggregate, sequence);

        var effects = await Poll.UntilAsync(Consumer.EffectsAsync, e => e.Count >= 120, "120 effects");

        effects.Count.ShouldBe(120);
        effects.Select(e => e.MessageId).Distinct().Count().ShouldBe(120);
        effects.ShouldAllBe(e => e.TenantId == Tenant);
        foreach (var aggregate in aggregates)
            effects.Where(e => e.AggregateId == aggregate).Select(e => e.Sequence).ShouldBe(Enumerable.Range(1, 20));
    }

    [Fact]
    public async Task Events_of_types_the_subscriber_does_not_handle_are_never_staged_and_hold_nothing_back()
    {
        // Four publishers at once, each interleaving events the consumer handles with two it does not.
        await Task.WhenAll(Enumerable.Range(1, 4).Select(async publisher =>
        {
            for (var sequence = 1; sequence <= 15; sequence++)
            {
                await Producer.PublishOtherAsync(Tenant, $"other-{publisher}");
                await Producer.PublishAsync(Tenant, $"mixed-{publisher}", sequence);
                await Producer.PublishOtherAsync(Tenant, $"mixed-{publisher}");
            }
        }));
        var skipped = await Producer.PublishOtherAsync(Tenant, "other-last");

        var effects = await Poll.UntilAsync(Consumer.EffectsAsync, e => e.Count >= 60, "60 effects");
        effects.Count.ShouldBe(60);
        foreach (var publisher in Enumerable.Range(1, 4))
            effects.Where(e => e.AggregateId == $"mixed-{publisher}").Select(e => e.Sequence).ShouldBe(Enumerable.Range(1, 15));
        (await Consumer.InboxAsync(skipped)).ShouldBeNull();

        // The subscription moves past the events it skipped, so its lag goes back to zero.
        using var producer = Producer.ClientFor(Tenant);
        using var consumer = Consumer.ClientFor(Tenant);
        var head = (await producer.GetFromJsonAsync<MessagingStatusDto>("/api/producer/messaging/status", TesseraJson.Options))!.OutboxHead;
        await Poll.UntilAsync(async () => (await consumer.GetFromJsonAsync<MessagingStatusDto>("/api/consumer/messaging/status", TesseraJson.Options))!,
            s => s.Subscriptions.Any(x => x.Producer == TestCluster.ProducerName && x.Checkpoint == head && x.Head == head),
            "the subscription to reach the producer's head");
    }

    [Fact]
    public async Task Redelivered_messages_have_one_effect()
    {
        for (var i = 1; i <= 30; i++)
            await Producer.PublishAsync(Tenant, $"agg-{i % 3}", i);
        await Poll.UntilAsync(Consumer.EffectsAsync, e => e.Count >= 30, "30 effects");

        await Transport.ForceRedeliveryAsync(Cluster);
        await Producer.PublishAsync(Tenant, "after-redelivery", 1);

        var effects = await Poll.UntilAsync(Consumer.EffectsAsync, e => e.Any(x => x.AggregateId == "after-redelivery"), "the marker event");
        effects.Count.ShouldBe(31);
        effects.Select(e => e.MessageId).Distinct().Count().ShouldBe(31);
    }

    [Fact]
    public async Task A_consumer_restart_loses_nothing_and_duplicates_nothing()
    {
        for (var i = 1; i <= 20; i++)
            await Producer.PublishAsync(Tenant, "agg", i);
        await Cluster.StopConsumerAsync();
        for (var i = 21; i <= 40; i++)
            await Producer.PublishAsync(Tenant, "agg", i);
        await Cluster.StartConsumerAsync();

        var effects = await Poll.UntilAsync(Consumer.EffectsAsync, e => e.Count >= 40, "40 effects");
        effects.Select(e => e.Sequence).ShouldBe(Enumerable.Range(1, 40));
    }

    [Fact]
    public async Task A_producer_outage_delays_delivery_and_loses_nothing()
    {
        await Producer.PublishAsync(Tenant, "agg", 1);
        await Poll.UntilAsync(Consumer.EffectsAsync, e => e.Count == 1, "the first effect");

        await Cluster.StopProducerAsync();
        await Task.Delay(500); // the consumer now fails to reach the producer and backs off
        await Cluster.StartProducerAsync();
        await Producer.PublishAsync(Tenant, "agg", 2);

        var effects = await Poll.UntilAsync(Consumer.EffectsAsync, e => e.Count >= 2, "the effect after the outage");
        effects.Select(e => e.Sequence).ShouldBe([1, 2]);
    }

    [Fact]
    public async Task A_failing_message_is_retried_with_backoff_then_parked_with_its_error()
    {
        Cluster.Faults.Failing["bad"] = true;
        var id = await Producer.PublishAsync(Tenant, "bad", 1);

        var parked = await Poll.UntilAsync(() => Consumer.InboxAsync(id), m => m?.Status == InboxStatus.Parked, "the message to be parked");

        parked!.Attempts.ShouldBe(3);
        parked.LastError.ShouldNotBeNull().ShouldContain("Simulated failure for bad/1");
        var attempts = Cluster.Faults.Attempts.Where(a => a.Aggregate == "bad").Select(a => a.At).ToList();
        attempts.Count.ShouldBe(3);
        // Base delay 100 ms, doubling, with equal jitter: the first wait is 50–100 ms, the second 100–200 ms.
        (attempts[1] - attempts[0]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(45));
        (attempts[2] - attempts[1]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(95));
        (await Consumer.EffectsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_parked_message_holds_back_only_its_own_aggregate()
    {
        var (_, bad2) = await ParkBadAggregateAsync();
        await Producer.PublishAsync(Tenant, "good", 1);
        await Producer.PublishAsync(Tenant, "good", 2);

        var effects = await Poll.UntilAsync(Consumer.EffectsAsync, e => e.Count(x => x.AggregateId == "good") == 2, "both good effects");

        effects.ShouldNotContain(e => e.AggregateId == "bad");
        var held = await Consumer.InboxAsync(bad2);
        held!.Status.ShouldBe(InboxStatus.Pending);
        held.Attempts.ShouldBe(0);
        Cluster.Faults.Attempts.ShouldNotContain(a => a.Aggregate == "bad" && a.Sequence == 2);
    }

    [Fact]
    public async Task Replaying_a_parked_message_after_the_fix_applies_it_once_and_releases_its_aggregate()
    {
        var (bad1, _) = await ParkBadAggregateAsync();

        Cluster.Faults.Failing.Clear();
        using var admin = Consumer.ClientFor(Tenant);
        var replay = await admin.PostAsync($"/api/consumer/messaging/parked/{bad1}/replay", null);
        replay.StatusCode.ShouldBe(HttpStatusCode.OK);

        var effects = await Poll.UntilAsync(Consumer.EffectsAsync, e => e.Count(x => x.AggregateId == "bad") == 2, "both bad effects");
        effects.Where(e => e.AggregateId == "bad").Select(e => e.Sequence).ShouldBe([1, 2]);

        var again = await admin.PostAsync($"/api/consumer/messaging/parked/{bad1}/replay", null);
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await Consumer.EffectsAsync()).Count(e => e.AggregateId == "bad").ShouldBe(2);
    }

    [Fact]
    public async Task Discarding_a_parked_message_releases_its_aggregate_without_applying_it()
    {
        var (bad1, _) = await ParkBadAggregateAsync();
        Cluster.Faults.Failing.Clear();

        using var admin = Consumer.ClientFor(Tenant);
        (await admin.PostAsync($"/api/consumer/messaging/parked/{bad1}/discard", null)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var effects = await Poll.UntilAsync(Consumer.EffectsAsync, e => e.Any(x => x.AggregateId == "bad"), "bad/2 to be applied");
        effects.Where(e => e.AggregateId == "bad").Select(e => e.Sequence).ShouldBe([2]);
        (await Consumer.InboxAsync(bad1))!.Status.ShouldBe(InboxStatus.Discarded);
    }

    [Fact]
    public async Task Operators_see_and_resolve_only_their_own_tenants_parked_messages()
    {
        Cluster.Faults.Failing["bad"] = true;
        var bad = await Producer.PublishAsync(Tenant, "bad", 1);
        await Poll.UntilAsync(() => Consumer.InboxAsync(bad), m => m?.Status == InboxStatus.Parked, "the message to be parked");

        using var own = Consumer.ClientFor(Tenant);
        using var other = Consumer.ClientFor("t2");
        var mine = await own.GetFromJsonAsync<PagedResult<InboxMessageDto>>("/api/consumer/messaging/parked", TesseraJson.Options);
        var theirs = await other.GetFromJsonAsync<PagedResult<InboxMessageDto>>("/api/consumer/messaging/parked", TesseraJson.Options);

        mine!.Items.ShouldHaveSingleItem().Id.ShouldBe(bad);
        mine.Items[0].LastError.ShouldNotBeNull().ShouldContain("Simulated failure");
        theirs!.Items.ShouldBeEmpty();
        (await other.PostAsync($"/api/consumer/messaging/parked/{bad}/replay", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var viewer = Consumer.ClientFor(Tenant, "viewer");
        (await viewer.GetAsync("/api/consumer/messaging/parked")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
