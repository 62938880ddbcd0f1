using System.Net;
using Tessera.Inventory.Contracts;
using Tessera.Orders.Contracts;
using Tessera.Testing;

namespace Tessera.Inventory.Tests;

/// <summary>Many writers on one SKU at once: the ledger explains every unit and stock never goes below zero when that is forbidden.</summary>
public sealed class ConcurrencyTests(InventoryFactory factory) : IClassFixture<InventoryFactory>
{
    [Fact]
    public async Task Fifty_parallel_sales_outs_and_receipts_on_one_sku_end_with_on_hand_equal_to_the_ledger_and_never_below_zero()
    {
        var api = new LedgerApi(factory);
        var warehouse = await api.WarehouseAsync();
        var sku = api.Sku();
        await api.ReceiveAsync(warehouse, sku, 10, 100);

        var issues = Enumerable.Range(0, 50).Select(_ => api.IssueAsync(warehouse, sku, 3)).ToList();
        var receipts = Enumerable.Range(0, 50).Select(i =>
            api.Client.PostJsonAsync("/api/inventory/receipts", new { warehouse, lines = new[] { new { sku, quantity = 1m, unitCost = 100m + i } } })).ToList();
        await Task.WhenAll(issues.Concat(receipts));

        receipts.ShouldAllBe(r => r.Result.StatusCode == HttpStatusCode.Created);
        issues.ShouldAllBe(r => r.Result.StatusCode == HttpStatusCode.Created || r.Result.StatusCode == HttpStatusCode.Conflict);
        var issued = issues.Count(r => r.Result.StatusCode == HttpStatusCode.Created);
        issued.ShouldBeGreaterThan(0);
        issues.ShouldContain(r => r.Result.StatusCode == HttpStatusCode.Conflict, "there were 60 units for 150 asked");

        var history = await api.HistoryAsync(sku, warehouse);
        var stock = await api.StockAsync(sku, warehouse);
        history.Count.ShouldBe(1 + 50 + issued);
        stock.OnHand.ShouldBe(history.Sum(m => m.Quantity));
        stock.OnHand.ShouldBe(10m + 50m - 3m * issued);
        stock.Value.ShouldBe(history.Sum(m => m.Value));
        history.ShouldAllBe(m => m.BalanceQuantity >= 0 && m.BalanceValue >= 0);
        // Each running balance is the one before it plus the movement: the writes were serialized through the stock row.
        var oldestFirst = history.AsEnumerable().Reverse().ToList();
        for (var i = 1; i < oldestFirst.Count; i++)
            oldestFirst[i].BalanceQuantity.ShouldBe(oldestFirst[i - 1].BalanceQuantity + oldestFirst[i].Quantity);
        (await api.ConsistencyAsync()).Holds.ShouldBeTrue();
    }

    [Fact]
    public async Task Issues_racing_reservations_never_take_reserved_stock()
    {
        var api = new LedgerApi(factory, LedgerApi.NewTenant("race"));
        var warehouse = await api.WarehouseAsync();
        var sku = api.Sku();
        await api.ReceiveAsync(warehouse, sku, 25, 10);
        var orders = Enumerable.Range(0, 20).Select(_ => Guid.CreateVersion7()).ToList();

        var placing = orders.Select(id => factory.DeliverAsync("orders", api.Tenant, id.ToString(),
            new OrderPlaced(id, 1, "web", [new OrderedLine(1, sku, 1m)], DateTimeOffset.UtcNow)));
        var issuing = Enumerable.Range(0, 30).Select(_ => api.IssueAsync(warehouse, sku, 1)).ToList();
        await Task.WhenAll(placing.Concat<Task>(issuing));
        await factory.WaitForInboxAsync();

        var reserved = (await factory.PublishedAsync<StockReserved>()).Count(e => orders.Contains(e.OrderId));
        var issued = issuing.Count(r => r.Result.StatusCode == HttpStatusCode.Created);
        (reserved + issued).ShouldBe(25);
        var stock = await api.StockAsync(sku, warehouse);
        (stock.OnHand, stock.Reserved, stock.Available).ShouldBe((25m - issued, reserved, 0m));
        (await api.ConsistencyAsync()).ShouldSatisfyAllConditions(r => r.Holds.ShouldBeTrue(), r => r.Invariants.Select(i => i.Id).ShouldBe(["I1", "I2"]));
    }

    [Fact]
    public async Task With_negative_stock_allowed_issues_go_below_zero_and_the_ledger_still_explains_every_unit()
    {
        var api = new LedgerApi(factory, LedgerApi.NewTenant("negative"));
        await api.SettingsAsync(negativeStockAllowed: true);
        var warehouse = await api.WarehouseAsync();
        var sku = api.Sku();
        await api.ReceiveAsync(warehouse, sku, 2, 50);

        var issues = Enumerable.Range(0, 10).Select(_ => api.IssueAsync(warehouse, sku, 1)).ToList();
        await Task.WhenAll(issues);
        await api.ReceiveAsync(warehouse, sku, 8, 80);

        issues.ShouldAllBe(r => r.Result.StatusCode == HttpStatusCode.Created);
        var stock = await api.StockAsync(sku, warehouse);
        (stock.OnHand, stock.Value).ShouldBe((0m, 0m));
        (await api.HistoryAsync(sku, warehouse)).Sum(m => m.Quantity).ShouldBe(0m);
        (await api.ConsistencyAsync()).Holds.ShouldBeTrue();
    }

    [Fact]
    public async Task Transfers_created_at_once_get_distinct_numbers_without_gaps()
    {
        var api = new LedgerApi(factory, LedgerApi.NewTenant("numbers"));
        var (from, to) = (await api.WarehouseAsync(), await api.WarehouseAsync());
        var sku = api.Sku();

        var created = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            api.Client.PostJsonAsync("/api/inventory/transfers", new { fromWarehouse = from, toWarehouse = to, lines = new[] { new { sku, quantity = 1m } } })));

        var numbers = new List<string>();
        foreach (var response in created)
            numbers.Add((await response.ReadAsync<TransferDto>()).Number);
        numbers.Order().ShouldBe(Enumerable.Range(1, 20).Select(n => $"TR-{n:000000}"));
    }

    [Fact]
    public async Task A_count_started_while_stock_moves_expects_what_the_ledger_holds_at_its_freeze()
    {
        var api = new LedgerApi(factory, LedgerApi.NewTenant("count-race"));
        var warehouse = await api.WarehouseAsync();
        var sku = api.Sku();
        await api.ReceiveAsync(warehouse, sku, 100, 10);

        var moving = Enumerable.Range(0, 30).Select(i => i % 2 == 0
            ? api.IssueAsync(warehouse, sku, 1)
            : api.Client.PostJsonAsync("/api/inventory/receipts", new { warehouse, lines = new[] { new { sku, quantity = 2m, unitCost = 10m } } })).ToList();
        var counts = Enumerable.Range(0, 5).Select(_ => api.Client.PostJsonAsync("/api/inventory/counts", new { warehouse, skus = new[] { sku } })).ToList();
        await Task.WhenAll(moving.Concat(counts));

        moving.ShouldAllBe(r => r.Result.StatusCode == HttpStatusCode.Created);
        var history = (await api.HistoryAsync(sku, warehouse)).OrderBy(m => m.Id).ToList();
        foreach (var response in await Task.WhenAll(counts))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Created);
            var count = await response.ReadAsync<CountDto>();
            var lines = await api.PageAsync<CountLineDto>($"/api/inventory/counts/{count.Id}/lines");
            // What the count expects is the sum of the movements up to its freeze position: no posting was half seen.
            var atFreeze = history.Where(m => m.Id <= count.FreezePosition).Sum(m => m.Quantity);
            lines.Items.Single().Expected.ShouldBe(atFreeze);
        }
    }
}
