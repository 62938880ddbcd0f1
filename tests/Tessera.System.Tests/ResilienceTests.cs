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
        (await Api.Client.GetAsync($"/api/inventory/stock?sku={sku}")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
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
}
