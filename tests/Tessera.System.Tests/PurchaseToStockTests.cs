using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tessera.Inventory.Contracts;
using Tessera.Procurement.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.System.Tests;

/// <summary>Purchasing and the warehouse together, as processes: what procurement receives is in stock at its cost moments later.</summary>
[Collection(SystemCollection.Name)]
public sealed class PurchaseToStockTests(SystemFixture fixture)
{
    private HttpClient Client => fixture.Admin;

    private async Task<T> Created<T>(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<T>();
    }

    private async Task<PurchaseOrderDto> PurchaseOrderAsync(Guid id) =>
        (await Client.GetFromJsonAsync<PurchaseOrderDto>($"/api/procurement/purchase-orders/{id}", TesseraJson.Options))!;

    [Fact]
    public async Task A_purchase_order_received_in_two_parts_updates_stock_and_cost_within_two_seconds_and_a_supplier_return_shows_in_both_services()
    {
        var sku = await fixture.Api.ProductAsync();
        var warehouse = await fixture.Api.WarehouseAsync();
        await fixture.Api.ReceiveAsync(warehouse, sku, 10m, unitCost: 100m);
        var supplier = await Created<SupplierDto>(await Client.PostJsonAsync("/api/procurement/suppliers", new
        {
            code = Api.Unique("SUP"), name = "Công ty Trà Việt", paymentTermsDays = 30, currency = "VND",
            contact = new { name = "Phạm Văn Đức", phone = "0903111222", email = "duc@traviet.example" },
        }));
        var order = await Created<PurchaseOrderDto>(await Client.PostJsonAsync("/api/procurement/purchase-orders",
            new { supplierId = supplier.Id, warehouse, lines = new[] { new { sku, quantity = 20m, unitPrice = 130m } } }, Guid.NewGuid().ToString()));
        (await Client.PostAsync($"/api/procurement/purchase-orders/{order.Id}/approve", null)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Partial receipt: 10 accepted at the PO price, 2 refused at the door.
        var clock = Stopwatch.StartNew();
        var first = await Created<GoodsReceiptDto>(await Client.PostJsonAsync($"/api/procurement/purchase-orders/{order.Id}/receipts",
            new { lines = new[] { new { lineNo = 1, acceptedQuantity = 10m, rejectedQuantity = 2m, rejectionReason = "Crushed cartons" } } }));
        var stock = await Poll.UntilAsync(() => fixture.Api.StockAsync(sku, warehouse), s => s.OnHand == 20m, "the receipt to reach inventory",
            TimeSpan.FromSeconds(10));
        var elapsed = clock.Elapsed;

        elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2));
        stock.AverageCost.ShouldBe(115m);
        stock.Value.ShouldBe(2300m);
        (await PurchaseOrderAsync(order.Id)).Status.ShouldBe(PurchaseOrderStatus.PartiallyReceived);
        var posted = await Poll.UntilAsync(
            async () => (await Client.GetFromJsonAsync<GoodsReceiptDto>($"/api/procurement/receipts/{first.Id}", TesseraJson.Options))!,
            r => r.Posting == ReceiptPostingStatus.Posted, "procurement to learn that inventory posted the receipt");
        posted.Lines.Single().RejectedQuantity.ShouldBe(2m);

        // The rest: the order is Received and the ledger explains every unit.
        await Created<GoodsReceiptDto>(await Client.PostJsonAsync($"/api/procurement/purchase-orders/{order.Id}/receipts",
            new { lines = new[] { new { lineNo = 1, acceptedQuantity = 10m } } }));
        (await PurchaseOrderAsync(order.Id)).Status.ShouldBe(PurchaseOrderStatus.Received);
        stock = await Poll.UntilAsync(() => fixture.Api.StockAsync(sku, warehouse), s => s.OnHand == 30m, "the second receipt to reach inventory");
        stock.Value.ShouldBe(3600m);

        // A supplier return of 4 from the first receipt: supplier-return-out at the moving average, settled in procurement.
        var supplierReturn = await Created<SupplierReturnDto>(await Client.PostJsonAsync("/api/procurement/supplier-returns",
            new { receiptId = first.Id, reason = "Wrong flavour", lines = new[] { new { sku, quantity = 4m } } }));
        (await Client.PostAsync($"/api/procurement/supplier-returns/{supplierReturn.Id}/ship", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var settled = await Poll.UntilAsync(
            async () => (await Client.GetFromJsonAsync<SupplierReturnDto>($"/api/procurement/supplier-returns/{supplierReturn.Id}", TesseraJson.Options))!,
            r => r.Status != SupplierReturnStatus.Shipped, "inventory to answer the supplier return");

        settled.Status.ShouldBe(SupplierReturnStatus.Completed, settled.RefusalReason);
        stock = await fixture.Api.StockAsync(sku, warehouse);
        stock.OnHand.ShouldBe(26m);
        stock.Value.ShouldBe(3120m);
        var movements = (await Client.GetFromJsonAsync<PagedResult<MovementDto>>($"/api/inventory/movements?sku={sku}&warehouse={warehouse}", TesseraJson.Options))!;
        movements.Items.Where(m => m.Type == "supplier-return-out").ShouldHaveSingleItem().Quantity.ShouldBe(-4m);
        movements.Items.Count(m => m.Type == "purchase-in" && m.SourceType == "goods-receipt").ShouldBe(2);
        (await PurchaseOrderAsync(order.Id)).Lines.Single().ReturnedQuantity.ShouldBe(4m);

        var procurementCheck = (await Client.GetFromJsonAsync<ConsistencyReportDto>("/api/procurement/consistency", TesseraJson.Options))!;
        var inventoryCheck = (await Client.GetFromJsonAsync<ConsistencyReportDto>("/api/inventory/consistency", TesseraJson.Options))!;
        procurementCheck.Holds.ShouldBeTrue(JsonSerializer.Serialize(procurementCheck));
        inventoryCheck.Holds.ShouldBeTrue(JsonSerializer.Serialize(inventoryCheck));
    }
}
