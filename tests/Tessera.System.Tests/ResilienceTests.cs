using System.Net;
using Tessera.Orders.Contracts;
using Tessera.Testing;

namespace Tessera.System.Tests;

[Collection(SystemCollection.Name)]
public sealed class ResilienceTests(SystemFixture fixture)
{
    private Api Api => fixture.Api;

    [Fact]
    public async Task Orders_placed_while_inventory_is_killed_all_reach_their_final_state_once_it_is_back()
    {
        var sku = await Api.ProductAsync();
        var warehouse = await Api.WarehouseAsync();
        await Api.ReceiveAsync(warehouse, sku, 12m);

        var killed = await fixture.System.KillServiceAsync("inventory");
        var placed = new List<OrderCreatedDto>();
        for (var i = 0; i < 20; i++)
            placed.Add(await Api.PlaceAsync(sku, 1m));

        placed.ShouldAllBe(o => o.Status == OrderStatus.Pending);
        await fixture.System.WaitUntilRestartedAsync("inventory", killed);
        var settled = await Task.WhenAll(placed.Select(o => Api.SettledAsync(o.Id, TimeSpan.FromSeconds(60))));

        settled.Count(o => o.Status == OrderStatus.Confirmed).ShouldBe(12);
        settled.Count(o => o.Status == OrderStatus.Rejected).ShouldBe(8);
        var stock = await Api.StockAsync(sku, warehouse);
        (stock.OnHand, stock.Reserved).ShouldBe((12m, 12m));
    }

    [Fact]
    public async Task With_inventory_down_the_other_apis_keep_working()
    {
        var killed = await fixture.System.KillServiceAsync("inventory");

        var sku = await Api.ProductAsync();
        var order = await Api.PlaceAsync(sku, 1m);
        (await Api.OrderAsync(order.Id)).Status.ShouldBe(OrderStatus.Pending);

        await fixture.System.WaitUntilRestartedAsync("inventory", killed);
        (await Api.SettledAsync(order.Id, TimeSpan.FromSeconds(60))).Status.ShouldBe(OrderStatus.Rejected);
    }

    [Fact]
    public async Task Requests_waiting_on_the_public_port_when_the_web_front_end_dies_are_answered_by_its_next_process()
    {
        // The web front-end stops accepting, requests queue on the public port, then it dies. The port is the AppHost's
        // socket, handed to every web process (docs/adr/0030): the restarted process takes the queued connections and
        // answers them. Had the dead process owned the socket, the kernel would have reset every one of them.
        const int requests = 20;
        var frozen = await fixture.System.FreezeServiceAsync("web");
        using var client = new HttpClient { BaseAddress = fixture.System.PublicUrl, Timeout = TimeSpan.FromSeconds(90) };
        var answers = Enumerable.Range(0, requests).Select(_ => client.GetAsync("/health/live")).ToList();
        // Probed with what explains a timeout: the frozen process's state (T = stopped) and where the requests are.
        await Poll.UntilAsync(
            () => Task.FromResult((Waiting: fixture.System.QueuedOnPublicPort(), Web: File.ReadAllText($"/proc/{frozen}/stat").Split(' ')[2],
                                   Requests: string.Join(' ', answers.Select(a => a.Status).Distinct()))),
            q => q.Waiting >= requests, $"{requests} connections to wait on the public port");

        await fixture.System.KillServiceAsync("web");
        await fixture.System.WaitUntilRestartedAsync("web", frozen);

        var statuses = await Task.WhenAll(answers.Select(async answer =>
        {
            using var response = await answer;
            return response.StatusCode;
        }));
        statuses.ShouldAllBe(s => s == HttpStatusCode.OK);
    }

    [Fact]
    public async Task Inventory_killed_under_the_load_of_50_users_holds_its_own_calls_until_it_is_back_and_no_other_call_fails()
    {
        var sku = await Api.ProductAsync();
        var warehouse = await Api.WarehouseAsync();
        await Api.ReceiveAsync(warehouse, sku, 100_000m);
        await using var users = await SimulatedUsers.SignInAsync(fixture.System, 50, sku, think: TimeSpan.FromSeconds(1));
        users.Start();
        await Poll.UntilAsync(() => Task.FromResult(users.Orders.Count), n => n >= 50, "the users to be at work", TimeSpan.FromSeconds(60));

        var killedAt = DateTimeOffset.UtcNow;
        var killed = await fixture.System.KillServiceAsync("inventory");
        await fixture.System.WaitUntilRestartedAsync("inventory", killed);
        var restartedAt = DateTimeOffset.UtcNow;
        var afterwards = DateTimeOffset.UtcNow.AddSeconds(1);
        await Poll.UntilAsync(() => Task.FromResult(users.Samples.Count(s => s.What == "stock" && s.At >= afterwards && !s.Failed)), n => n >= 20,
            "inventory's calls to succeed again", TimeSpan.FromSeconds(60));
        await users.StopAsync();

        // Every call to the other services succeeded, before, during and after.
        users.Samples.Where(s => s.What != "stock").Where(s => s.Failed).Select(s => $"{s.What} at {s.At:HH:mm:ss.fff}: {s.Failure}").ShouldBeEmpty();
        // Inventory's own calls made while it was down were held until it was back (Tessera:Gateway:HoldWhileUnavailable,
        // 10 s), or — if it took longer than that to come back — told after the whole hold that inventory is unavailable.
        var whileDown = users.Samples.Where(s => s.What == "stock" && s.At >= killedAt && s.At < restartedAt).ToList();
        var story = $"down for {(restartedAt - killedAt).TotalSeconds:0.0} s; calls meanwhile: " +
                    string.Join(", ", whileDown.Select(s => $"+{(s.At - killedAt).TotalSeconds:0.0} s {s.Status} in {s.Ms:0} ms"));
        whileDown.ShouldNotBeEmpty(story);
        whileDown.Where(s => !s.Failed).ShouldNotBeEmpty(story);
        whileDown.Where(s => s.Failed).ShouldAllBe(s => s.Status == 503 && s.Failure!.Contains("Inventory is unavailable") && s.Ms > 9000, story);
        users.Samples.Where(s => s.What == "stock" && s.At >= afterwards).ShouldAllBe(s => !s.Failed);
    }
}
