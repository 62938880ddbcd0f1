using System.Net;
using System.Net.Http.Json;
using Tessera.Inventory.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Inventory.Tests;

/// <summary>Bins of a warehouse and the per-bin breakdown of stock.</summary>
public sealed class BinTests(InventoryFactory factory) : IClassFixture<InventoryFactory>
{
    private readonly LedgerApi _api = new(factory);

    [Fact]
    public async Task Bins_are_unique_per_warehouse_listed_in_code_order_and_named_when_missing()
    {
        var (one, two) = (await _api.WarehouseAsync(), await _api.WarehouseAsync());

        await _api.BinAsync(one, "b-02");
        await _api.BinAsync(one, "A-01");
        await _api.BinAsync(two, "A-01");
        var duplicate = await _api.Client.PostJsonAsync($"/api/inventory/warehouses/{one}/bins", new { code = "a-01", name = "Again" });
        var invalid = await _api.Client.PostJsonAsync($"/api/inventory/warehouses/{one}/bins", new { code = "no spaces", name = "" });
        var nowhere = await _api.Client.PostJsonAsync("/api/inventory/warehouses/NOWHERE/bins", new { code = "A", name = "A" });

        (await _api.Client.GetFromJsonAsync<List<BinDto>>($"/api/inventory/warehouses/{one}/bins", TesseraJson.Options))!.Select(b => b.Code).ShouldBe(["A-01", "B-02"]);
        duplicate.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await invalid.ProblemAsync()).ErrorFields().ShouldBe(["code", "name"], ignoreOrder: true);
        nowhere.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await factory.ClientFor(LedgerApi.NewTenant("other")).GetAsync($"/api/inventory/warehouses/{one}/bins")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Stock_received_into_a_bin_is_issued_from_it_and_a_bin_cannot_give_more_than_it_holds()
    {
        var warehouse = await _api.WarehouseAsync();
        var (shelf, floor) = (await _api.BinAsync(warehouse, "S-1"), await _api.BinAsync(warehouse, "F-1"));
        var sku = _api.Sku();
        await _api.ReceiveAsync(warehouse, sku, 4, 10, shelf);
        await _api.ReceiveAsync(warehouse, sku, 6, 10, floor);
        await _api.ReceiveAsync(warehouse, sku, 1, 10);

        var fromShelf = await _api.IssueAsync(warehouse, sku, 3, bin: "s-1");
        var tooMuch = await _api.IssueAsync(warehouse, sku, 2, bin: shelf);
        var unknownBin = await _api.Client.PostJsonAsync("/api/inventory/receipts", new { warehouse, lines = new[] { new { sku, quantity = 1m, unitCost = 1m, bin = "X-9" } } });

        fromShelf.StatusCode.ShouldBe(HttpStatusCode.Created);
        tooMuch.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await tooMuch.ProblemAsync()).GetProperty("detail").GetString()!.ShouldContain("bin S-1");
        (await unknownBin.ProblemAsync()).ErrorFields().ShouldBe(["lines[0].bin"]);
        var bins = await _api.Client.GetFromJsonAsync<List<BinStockDto>>($"/api/inventory/stock/bins?warehouse={warehouse}&sku={sku}", TesseraJson.Options);
        bins!.Select(b => (b.Bin, b.OnHand)).ShouldBe([("F-1", 6m), ("S-1", 1m)]);
        (await _api.StockAsync(sku, warehouse)).OnHand.ShouldBe(8m);
        (await _api.HistoryAsync(sku, warehouse))[0].Bin.ShouldBe("S-1");
        (await (await _api.GetAsync("/api/inventory/stock/bins")).ProblemAsync()).ErrorFields().ShouldBe(["warehouse"]);
    }
}
