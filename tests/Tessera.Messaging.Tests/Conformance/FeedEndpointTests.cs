using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Tessera.Messaging.Feed;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;
using Tessera.Testing;

namespace Tessera.Messaging.Tests.Conformance;

/// <summary>The producer side of the feed, read directly: paging, and the event types a subscriber asks for.</summary>
public sealed class FeedEndpointTests : IAsyncLifetime
{
    private const string Tenant = "t1";
    private readonly TestCluster _cluster = new(new FeedTransportFixture());
    private HttpClient _feed = null!;

    private TestNode Producer => _cluster.Producer!;

    public async Task InitializeAsync()
    {
        await _cluster.StartProducerAsync();
        _feed = Producer.ClientFor(Tenant, Roles.Service);
    }

    public async Task DisposeAsync()
    {
        _feed.Dispose();
        await _cluster.DisposeAsync();
    }

    private async Task<FeedPage> ReadAsync(string query) =>
        (await _feed.GetFromJsonAsync<FeedPage>("/events?" + query, TesseraJson.Options))!;

    [Fact]
    public async Task Named_types_are_served_alone_and_the_position_moves_past_the_others()
    {
        // Positions 1 to 6: handled, other, other, handled, other, handled.
        var first = await Producer.PublishAsync(Tenant, "a", 1);
        await Producer.PublishOtherAsync(Tenant, "a");
        await Producer.PublishOtherAsync(Tenant, "b");
        var second = await Producer.PublishAsync(Tenant, "a", 2);
        await Producer.PublishOtherAsync(Tenant, "a");
        var third = await Producer.PublishAsync(Tenant, "a", 3);

        var full = await ReadAsync("after=0&limit=2&types=TestEvent");
        full.Events.Select(e => e.Id).ShouldBe([first, second]);
        full.Next.ShouldBe(4, "a full page ends at its last event");
        full.Head.ShouldBe(6);

        var rest = await ReadAsync("after=4&limit=5&types=TestEvent");
        rest.Events.Select(e => e.Id).ShouldBe([third]);
        rest.Next.ShouldBe(6);

        await Producer.PublishOtherAsync(Tenant, "c");
        await Producer.PublishOtherAsync(Tenant, "c");
        var skipped = await ReadAsync("after=6&types=TestEvent,SomethingElse");
        skipped.Events.ShouldBeEmpty();
        skipped.Next.ShouldBe(8, "nothing to send, but the subscriber may move past what it does not handle");

        var everything = await ReadAsync("after=0&limit=100");
        everything.Events.Count.ShouldBe(8);
        everything.Events.Select(e => e.Type).Distinct().Order().ShouldBe(["OtherEvent", "TestEvent"]);
        everything.Next.ShouldBe(8);
    }

    [Fact]
    public async Task A_long_poll_waiting_for_named_types_answers_soon_after_only_other_types_arrive()
    {
        await Producer.PublishAsync(Tenant, "a", 1);
        var waiting = Stopwatch.StartNew();
        var read = ReadAsync("after=1&wait=20&types=TestEvent");
        await Task.Delay(300);
        await Producer.PublishOtherAsync(Tenant, "a");

        var page = await read;
        waiting.Stop();
        page.Events.ShouldBeEmpty();
        page.Next.ShouldBe(2);
        waiting.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10), "the subscriber hears within about a second, not at the end of the wait");

        // A handled event ends the wait at once, as without types.
        var next = ReadAsync("after=2&wait=20&types=TestEvent");
        await Task.Delay(300);
        var handled = await Producer.PublishAsync(Tenant, "a", 2);
        (await next).Events.ShouldHaveSingleItem().Id.ShouldBe(handled);
    }

    [Fact]
    public async Task Too_many_types_are_refused_naming_the_parameter()
    {
        var types = string.Join(',', Enumerable.Range(1, 201).Select(i => $"Type{i}"));
        using var response = await _feed.GetAsync($"/events?after=0&types={types}");
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("types");
    }
}
