using Tessera.Orders.Contracts;
using Tessera.Testing;

namespace Tessera.System.Tests;

[Collection(SystemCollection.Name)]
public sealed class ConcurrencyTests(SystemFixture fixture)
{
    private Api Api => fixture.Api;

    [Fact]
    public async Task A_hundred_concurrent_orders_for_ten_units_confirm_exactly_ten_and_never_oversell()
    {
        var sku = await Api.ProductAsync();
        var warehouse = await Api.WarehouseAsync();
        await Api.ReceiveAsync(warehouse, sku, 10m);

        var placed = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Api.PlaceAsync(sku, 1m)));
        var settled = await Task.WhenAll(placed.Select(o => Api.SettledAsync(o.Id, TimeSpan.FromSeconds(60))));

        placed.Select(o => o.Number).Distinct().Count().ShouldBe(100);
        settled.Count(o => o.Status == OrderStatus.Confirmed).ShouldBe(10);
        settled.Count(o => o.Status == OrderStatus.Rejected).ShouldBe(90);
        var stock = await Api.StockAsync(sku, warehouse);
        (stock.OnHand, stock.Reserved, stock.Available).ShouldBe((10m, 10m, 0m));
    }

    [Fact]
    public async Task A_retried_placement_with_the_same_key_creates_one_order()
    {
        var sku = await Api.ProductAsync();
        var key = Guid.NewGuid().ToString();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Api.PlaceAsync(sku, 1m, key)));

        attempts.Select(a => a.Id).Distinct().ShouldHaveSingleItem();
    }
}
