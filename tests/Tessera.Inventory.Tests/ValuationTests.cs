using System.Net.Http.Json;
using Tessera.Inventory.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Inventory.Tests;

/// <summary>What finance asks of inventory: the stock's value per warehouse, and the values of received movements in StockReceived.</summary>
public sealed class ValuationTests(InventoryFactory factory) : IClassFixture<InventoryFactory>
{
    [Fact]
    public async Task The_valuation_is_the_value_on_hand_per_warehouse_and_what_transfers_carry_towards_it()
    {
        var api = new LedgerApi(factory, LedgerApi.NewTenant("valuation"));
        var (from, to) = (await api.WarehouseAsync(), await api.WarehouseAsync());
        var tea = api.Sku();
        await api.ReceiveAsync(from, tea, 10, 100);
        await api.ReceiveAsync(from, tea, 10, 130);
        var transfer = await (await api.Client.PostJsonAsync("/api/inventory/transfers",
            new { fromWarehouse = from, toWarehouse = to, lines = new[] { new { sku = tea, quantity = 6m } } })).ReadAsync<TransferDto>();
        await api.Client.PostJsonAsync($"/api/inventory/transfers/{transfer.Id}/ship", new { });
        await api.Client.PostJsonAsync($"/api/inventory/transfers/{transfer.Id}/receive", new { lines = new[] { new { sku = tea, quantity = 2m } } });

        var valuation = (await api.Client.GetFromJsonAsync<List<WarehouseValueDto>>("/api/inventory/valuation", TesseraJson.Options))!;

        // 20 at an average of 115 = 2,300; 6 left for the other warehouse at 115 (690), 2 of them arrived (230).
        valuation.OrderBy(v => v.Warehouse == from ? 0 : 1).ShouldBe([new WarehouseValueDto(from, 1610m, 0m), new WarehouseValueDto(to, 230m, 460m)]);
    }

    [Fact]
    public async Task A_receipt_into_negative_stock_tells_finance_the_value_the_ledger_gave_it_not_quantity_times_cost()
    {
        var api = new LedgerApi(factory, LedgerApi.NewTenant("negative"));
        await api.SettingsAsync(negativeStockAllowed: true);
        var warehouse = await api.WarehouseAsync();
        var tea = api.Sku();
        await api.ReceiveAsync(warehouse, tea, 10, 100);
        (await api.IssueAsync(warehouse, tea, 12)).EnsureSuccessStatusCode();

        var receipt = await api.ReceiveAsync(warehouse, tea, 4, 130);

        var received = (await factory.PublishedAsync<StockReceived>()).Single(e => e.ReceiptId == receipt.Id);
        // The 2 units short are covered at the average they left at (100); the other 2 come in at 130: 460, not 4 × 130 = 520.
        received.Movements.ShouldBe([new MovedLine(tea, 4m, 130m, 460m)]);
        received.Lines.ShouldBe([new ReceiptLineDto(tea, 4m, 130m)]);
    }
}
