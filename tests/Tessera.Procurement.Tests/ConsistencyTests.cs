using System.Net;
using Tessera.Inventory.Contracts;
using Tessera.Procurement.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.Testing;

namespace Tessera.Procurement.Tests;

/// <summary>I8: received quantity per purchase order line = Σ purchase-in movements of its receipts, as inventory reports them.</summary>
public sealed class ConsistencyTests(ProcurementFactory factory) : IClassFixture<ProcurementFactory>
{
    private static Buyer NewTenant(ProcurementFactory factory) => new(factory, "i8-" + Guid.NewGuid().ToString("N")[..6]);

    private async Task PostedAsync(Buyer buyer, PurchaseOrderDto order, GoodsReceiptDto receipt, bool recordInLedger = true)
    {
        if (recordInLedger)
            foreach (var line in receipt.Lines.Where(l => l.AcceptedQuantity > 0))
                factory.Inventory.PurchaseIn(receipt.Id, line.Sku, line.AcceptedQuantity, line.UnitCost);
        await factory.DeliverAsync("inventory", buyer.Tenant, order.Id.ToString(), new StockReceived(receipt.Id, order.Warehouse,
            receipt.Lines.Select(l => new ReceiptLineDto(l.Sku, l.AcceptedQuantity, l.UnitCost)).ToList(), "goods-receipt", order.Id));
        await factory.WaitForInboxAsync();
    }

    private static async Task<ConsistencyReportDto> CheckAsync(Buyer buyer) =>
        await (await buyer.Client.GetAsync("/api/procurement/consistency")).ReadAsync<ConsistencyReportDto>();

    [Fact]
    public async Task I8_holds_when_inventory_posted_every_receipt_and_counts_unposted_ones_as_in_flight()
    {
        var buyer = NewTenant(factory);
        var order = await buyer.ApprovedAsync((buyer.Sku(), 10m, 3m), (buyer.Sku(), 5m, 4m));
        var first = await buyer.ReceivedAsync(order.Id, (1, 6m), (2, 5m));
        await PostedAsync(buyer, order, first);
        await buyer.ReceivedAsync(order.Id, (1, 4m));

        var report = await CheckAsync(buyer);

        (report.Service, report.Holds).ShouldBe(("procurement", true));
        var i8 = report.Invariants.ShouldHaveSingleItem();
        (i8.Id, i8.Holds, i8.Checked, i8.ViolationCount).ShouldBe(("I8", true, 2, 0));
        i8.Description.ShouldContain("1 receipt(s) in flight");
    }

    [Fact]
    public async Task I8_names_each_line_whose_receipts_do_not_match_the_ledger()
    {
        var buyer = NewTenant(factory);
        var (tea, rice) = (buyer.Sku(), buyer.Sku());
        var order = await buyer.ApprovedAsync((tea, 10m, 3m), (rice, 5m, 4m));
        var receipt = await buyer.ReceivedAsync(order.Id, (1, 6m), (2, 5m));
        factory.Inventory.PurchaseIn(receipt.Id, tea, 5m, 3m);
        factory.Inventory.PurchaseIn(receipt.Id, rice, 5m, 4m);
        factory.Inventory.PurchaseIn(receipt.Id, "STRAY-1", 2m, 1m);
        await PostedAsync(buyer, order, receipt, recordInLedger: false);

        var report = await CheckAsync(buyer);

        report.Holds.ShouldBeFalse();
        var i8 = report.Invariants.Single();
        (i8.Holds, i8.Checked, i8.ViolationCount).ShouldBe((false, 2, 2));
        i8.Violations.ShouldContain(v => v.Key == $"{order.Number}/1 ({tea})" && v.Detail.Contains($"received 6 (posted receipts: {receipt.Number}), purchase-in in inventory 5, difference 1"));
        i8.Violations.ShouldContain(v => v.Key == $"{receipt.Number} (STRAY-1)");
    }

    [Fact]
    public async Task I8_asks_inventory_about_at_most_200_receipts_per_call()
    {
        var buyer = NewTenant(factory);
        var order = await buyer.ApprovedAsync((buyer.Sku(), 205m, 1m));
        for (var i = 0; i < 205; i++)
        {
            var receipt = await buyer.ReceivedAsync(order.Id, (1, 1m));
            factory.Inventory.PurchaseIn(receipt.Id, receipt.Lines[0].Sku, 1m, 1m);
            await factory.DeliverAsync("inventory", buyer.Tenant, order.Id.ToString(), new StockReceived(receipt.Id, order.Warehouse,
                [new ReceiptLineDto(receipt.Lines[0].Sku, 1m, 1m)], "goods-receipt", order.Id));
        }
        await factory.WaitForInboxAsync();
        factory.Inventory.SourceTotalBatches.Clear();

        var report = await CheckAsync(buyer);

        report.Holds.ShouldBeTrue();
        factory.Inventory.SourceTotalBatches.ToArray().ShouldBe([200, 5]);
    }

    [Fact]
    public async Task When_inventory_is_down_the_check_answers_503_instead_of_a_false_holds()
    {
        var buyer = NewTenant(factory);
        var order = await buyer.ApprovedAsync((buyer.Sku(), 1m, 1m));
        var receipt = await buyer.ReceivedAsync(order.Id, (1, 1m));
        await PostedAsync(buyer, order, receipt);

        factory.Inventory.Down = true;
        try
        {
            var response = await buyer.Client.GetAsync("/api/procurement/consistency");
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            var problem = await response.ProblemAsync();
            problem.GetProperty("title").GetString().ShouldBe("Inventory is unavailable");
            problem.GetProperty("detail").GetString()!.ShouldContain("nothing was checked");
        }
        finally
        {
            factory.Inventory.Down = false;
        }
    }
}
