using System.Net.Http.Json;
using System.Text.Json;
using Tessera.Finance.Contracts;
using Tessera.Reporting.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Reporting.Tests;

/// <summary>Events of every service in, every layer out: ODS → DWD/DIM → DWS → ADS, served by the metrics API.</summary>
public sealed class LayersTests(ReportingFactory factory) : IClassFixture<ReportingFactory>
{
    private static readonly DateOnly Day1 = new(2026, 3, 2);
    private static readonly DateOnly Day2 = new(2026, 3, 3);

    [Fact]
    public async Task Sales_stock_fulfilment_and_returns_come_out_of_every_layer_as_the_services_count_them()
    {
        var shop = new Shop(factory);
        await shop.ProductAsync("TEA", "Green tea", "Beverages", Shop.At(Day1, 0));
        await shop.ProductAsync("RICE", "Rice 5kg", "Food", Shop.At(Day1, 0));
        await shop.ReceiveAsync("HCM", "TEA", 100m, 80000m, Shop.At(Day1, 7));
        await shop.ReceiveAsync("HN", "RICE", 50m, 100000m, Shop.At(Day1, 7));

        // Day 1: a web order shipped and delivered, a POS order split over two warehouses, a rejected and a cancelled order.
        var delivered = await shop.PlaceAsync(Shop.At(Day1, 9), "web", [new("TEA", 3m, 120000m), new("RICE", 1m, 150000m)], shippingFee: 30000m,
            customer: "CRM-1", province: "Hà Nội");
        await shop.ConfirmAsync(delivered, "HCM", Shop.At(Day1, 9, 1));
        await shop.ShipAsync(delivered, "HCM", Shop.At(Day1, 15), Shop.At(Day2, 10));
        var split = await shop.PlaceAsync(Shop.At(Day1, 10), "pos", [new("TEA", 4m, 100000m)]);
        await shop.ConfirmSplitAsync(split, [new("TEA", "HCM", 3m), new("TEA", "HN", 1m)], Shop.At(Day1, 10, 1));
        var rejected = await shop.PlaceAsync(Shop.At(Day1, 11), "web", [new("RICE", 500m, 150000m)]);
        await shop.RejectAsync(rejected, Shop.At(Day1, 11, 1));
        var cancelled = await shop.PlaceAsync(Shop.At(Day1, 23, 30), "web", [new("TEA", 1m, 120000m)]);
        await shop.ConfirmAsync(cancelled, "HCM", Shop.At(Day1, 23, 31));
        // Day 2: the cancellation of the day-1 order, and a return of one tea of the delivered order.
        await shop.CancelAsync(cancelled, Shop.At(Day2, 8));
        await shop.ReturnAsync(delivered, "TEA", 1m, "restock", "HCM", Shop.At(Day2, 16));
        await factory.WaitForOdsAsync();

        var run = await factory.RunAsync(shop.Client, new { from = Day1, to = Day2 });
        run.Status.ShouldBe("Succeeded", JsonSerializer.Serialize(run.Tasks.Where(t => t.Status != "Succeeded")));

        // ODS: every event, once.
        var ods = (await shop.Client.GetFromJsonAsync<List<OdsSourceDto>>("/api/reporting/ods/sources", TesseraJson.Options))!;
        ods.Sum(o => o.Events).ShouldBe(shop.Published);
        ods.ShouldAllBe(o => o.Events == o.DistinctEvents);

        // Every model of every layer was built.
        var models = (await shop.Client.GetFromJsonAsync<List<ModelDto>>("/api/reporting/models", TesseraJson.Options))!;
        models.Where(m => m.BuiltAt is null).Select(m => m.Name).ShouldBeEmpty();
        models.Select(m => m.Layer).Distinct().Order().ShouldBe(["ads", "dim", "dwd", "dws", "ods"]);

        var total = await SalesAsync(shop, Day1, Day1, null);
        var day1 = total.ShouldHaveSingleItem();
        // Placed on day 1: 4 orders; gmv of the delivered and the split one (the cancelled and the rejected apart).
        (day1.Orders, day1.Units, day1.Gmv, day1.Currency).ShouldBe((4L, 8m, 3 * 120000m + 150000m + 30000m + 4 * 100000m, "VND"));
        (day1.CancelledOrders, day1.CancelledGmv, day1.RejectedOrders, day1.RejectedGmv).ShouldBe((1L, 120000m, 1L, 500 * 150000m));
        day1.Gmv.ShouldBe(shop.Daily(Day1).Revenue.Single().Amount);
        day1.AverageOrderValue.ShouldBe((3 * 120000m + 150000m + 30000m + 4 * 100000m) / 2);

        var byWarehouse = await SalesAsync(shop, Day1, Day1, "warehouse");
        byWarehouse.Select(r => (r.Warehouse, r.Units)).ShouldBe([("HCM", 7m), ("HN", 1m), ("unallocated", 0m)], ignoreOrder: true);
        byWarehouse.Sum(r => r.Gmv).ShouldBe(day1.Gmv);
        var byCategory = await SalesAsync(shop, Day1, Day1, "category");
        byCategory.Single(r => r.Category == "Food").Units.ShouldBe(1m);
        var byChannel = await SalesAsync(shop, Day1, Day1, "channel");
        byChannel.Select(r => (r.Channel, r.Orders)).ShouldBe([("pos", 1L), ("web", 3L)], ignoreOrder: true);

        // Day 2: no order placed, one tea came back: returns reduce net sales the day they arrive.
        var day2 = (await SalesAsync(shop, Day2, Day2, null)).ShouldHaveSingleItem();
        (day2.Orders, day2.ReturnsValue, day2.NetSales).ShouldBe((0L, 120000m, -120000m));

        var monthly = (await shop.Client.GetFromJsonAsync<SalesMonthlyDto>("/api/reporting/metrics/sales_monthly?from=2026-03&to=2026-03", TesseraJson.Options))!;
        monthly.Rows.ShouldHaveSingleItem().Gmv.ShouldBe(day1.Gmv);

        // Stock, margin, fulfilment and returns downstream of the inventory and logistics events (HCM shipped the tea and the rice of the delivered order).
        var stock = await RowsAsync(shop, "/api/reporting/metrics/stock_value_daily?from=2026-03-03&to=2026-03-03&groupBy=warehouse");
        stock.Single(r => r.GetProperty("warehouse").GetString() == "HCM").GetProperty("quantity").GetDecimal().ShouldBe(100m - 3m - 1m + 1m);
        var margin = (await RowsAsync(shop, "/api/reporting/metrics/gross_margin_daily?from=2026-03-02&to=2026-03-02")).ShouldHaveSingleItem();
        (margin.GetProperty("revenue").GetDecimal(), margin.GetProperty("cogs").GetDecimal()).ShouldBe((3 * 120000m + 150000m, 3 * 80000m));
        var fulfilment = (await RowsAsync(shop, "/api/reporting/metrics/fulfilment_daily?from=2026-03-02&to=2026-03-03")).ToList();
        fulfilment.Sum(r => r.GetProperty("dispatched").GetInt64()).ShouldBe(1);
        fulfilment.Sum(r => r.GetProperty("delivered").GetInt64()).ShouldBe(1);
        var returns = (await RowsAsync(shop, "/api/reporting/metrics/returns_daily?from=2026-03-03&to=2026-03-03")).ShouldHaveSingleItem();
        (returns.GetProperty("units").GetDecimal(), returns.GetProperty("restockedUnits").GetDecimal()).ShouldBe((1m, 1m));
    }

    private static async Task<IReadOnlyList<SalesDailyRowDto>> SalesAsync(Shop shop, DateOnly from, DateOnly to, string? groupBy) =>
        (await shop.Client.GetFromJsonAsync<SalesDailyDto>(
            $"/api/reporting/metrics/sales_daily?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}{(groupBy is null ? "" : "&groupBy=" + groupBy)}", TesseraJson.Options))!.Rows;

    [Fact]
    public async Task An_event_that_arrives_before_its_orders_placing_joins_the_day_the_order_was_placed()
    {
        var shop = new Shop(factory);
        await shop.ProductAsync("TEA", "Green tea", "Beverages", Shop.At(Day1, 0));
        // Inventory's reservation (just after midnight, day 2) reaches reporting before orders' OrderPlaced (day 1, 23:50).
        var order = shop.Unannounced(Shop.At(Day1, 23, 50), "web", [new("TEA", 2m, 120000m)]);
        await shop.ConfirmAsync(order, "HN", Shop.At(Day2, 0, 10));
        await factory.WaitForOdsAsync();
        await shop.AnnounceAsync(order);
        await factory.WaitForOdsAsync();

        await factory.RunAsync(shop.Client, new { from = Day1, to = Day2 });

        var day1 = (await shop.SalesAsync(Day1, Day2, groupBy: "warehouse")).ShouldHaveSingleItem();
        (day1.Date, day1.Warehouse, day1.Orders, day1.Units, day1.Gmv).ShouldBe((Day1, "HN", 1L, 2m, 240000m));
    }

    [Fact]
    public async Task Receivables_follow_finances_invoices_credit_notes_and_customer_payments()
    {
        var shop = new Shop(factory);
        var (order, invoice, creditNote) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await factory.PublishAsync("finance", shop.Tenant, invoice.ToString(), new InvoiceIssued(invoice, "HD-1", order, null, Day1, "VND", 200000m, 20000m, 220000m,
            [new InvoicedLine("goods", "TEA", 2m, 100000m, 200000m, 0.1m, 20000m)], Shop.At(Day1, 10)), Shop.At(Day1, 10));
        // Day 2: one tea comes back (credited), the customer pays 150,000 of which 100,000 against the invoice; a supplier is paid too.
        await factory.PublishAsync("finance", shop.Tenant, creditNote.ToString(), new CreditNoteIssued(creditNote, "CN-1", invoice, "HD-1", order, null, Day2, "VND",
            100000m, 10000m, 110000m, [new InvoicedLine("goods", "TEA", 1m, 100000m, 100000m, 0.1m, 10000m)], Shop.At(Day2, 9)), Shop.At(Day2, 9));
        var payment = Guid.CreateVersion7();
        await factory.PublishAsync("finance", shop.Tenant, payment.ToString(), new PaymentRecorded(payment, "PT-1", "customer", Day2, "bank", "VND", 150000m, 0m, 50000m,
            [new AllocatedLine(invoice, "invoice", "HD-1", order, 100000m)], Shop.At(Day2, 11)), Shop.At(Day2, 11));
        var supplierPayment = Guid.CreateVersion7();
        await factory.PublishAsync("finance", shop.Tenant, supplierPayment.ToString(), new PaymentRecorded(supplierPayment, "PC-1", "supplier", Day2, "bank", "VND",
            990000m, 0m, 0m, [new AllocatedLine(Guid.CreateVersion7(), "bill", "BILL-1", null, 990000m)], Shop.At(Day2, 12)), Shop.At(Day2, 12));
        await factory.WaitForOdsAsync();

        await shop.RunAsync(factory, new { from = Day1, to = Day2 });

        var rows = await RowsAsync(shop, $"/api/reporting/metrics/receivables_daily?from={Day1:yyyy-MM-dd}&to={Day2:yyyy-MM-dd}");
        rows.Select(r => (r.GetProperty("date").GetString(), r.GetProperty("invoiced").GetDecimal(), r.GetProperty("credited").GetDecimal(),
                r.GetProperty("collected").GetDecimal(), r.GetProperty("outstanding").GetDecimal()))
            .ShouldBe([("2026-03-02", 220000m, 0m, 0m, 220000m), ("2026-03-03", 0m, 110000m, 100000m, 10000m)]);
    }

    [Fact]
    public async Task Gross_margin_as_the_books_see_it_is_invoices_net_less_credit_notes_net_less_the_cost_invoiced_less_the_cost_returned()
    {
        var shop = new Shop(factory);
        var (tea, rice, invoiceTea, invoiceRice, creditNote) =
            (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var (teaShipment, riceShipment) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        // Day 1: two invoices. The tea's carries the 160,000 finance posted to 632; the rice's was issued before its cost
        // was posted, so it carries none and inventory's 70,000 for that shipment (what finance then posted) stands in.
        await factory.PublishAsync("finance", shop.Tenant, invoiceTea.ToString(), new InvoiceIssued(invoiceTea, "HD-1", tea, teaShipment, Day1, "VND",
            200000m, 20000m, 220000m, [new InvoicedLine("goods", "TEA", 2m, 100000m, 200000m, 0.1m, 20000m)], Shop.At(Day1, 10), CostOfSales: 160000m), Shop.At(Day1, 10));
        await factory.PublishAsync("finance", shop.Tenant, invoiceRice.ToString(), new InvoiceIssued(invoiceRice, "HD-2", rice, riceShipment, Day1, "VND",
            100000m, 0m, 100000m, [new InvoicedLine("goods", "RICE", 1m, 100000m, 100000m, 0m, 0m)], Shop.At(Day1, 11)), Shop.At(Day1, 11));
        await factory.PublishAsync("inventory", shop.Tenant, rice.ToString(), new Tessera.Inventory.Contracts.StockIssued("sales-out", "shipment",
            riceShipment.ToString(), "HN", rice, [new Tessera.Inventory.Contracts.MovedLine("RICE", 1m, 70000m, 70000m)], Shop.At(Day1, 8)), Shop.At(Day1, 8));
        // Day 2: one tea comes back: credited 100,000 net, and finance took its 80,000 back off 632.
        await factory.PublishAsync("finance", shop.Tenant, creditNote.ToString(), new CreditNoteIssued(creditNote, "CN-1", invoiceTea, "HD-1", tea, Guid.CreateVersion7(),
            Day2, "VND", 100000m, 10000m, 110000m, [new InvoicedLine("goods", "TEA", 1m, 100000m, 100000m, 0.1m, 10000m)], Shop.At(Day2, 9), CostOfSales: 80000m),
            Shop.At(Day2, 9));
        await factory.WaitForOdsAsync();

        await shop.RunAsync(factory, new { from = Day1, to = Day2 });

        var rows = await RowsAsync(shop, $"/api/reporting/metrics/gross_margin_daily?from={Day1:yyyy-MM-dd}&to={Day2:yyyy-MM-dd}");
        rows.Select(r => (r.GetProperty("date").GetString(), r.GetProperty("invoicedNet").GetDecimal(), r.GetProperty("creditedNet").GetDecimal(),
                r.GetProperty("costInvoiced").GetDecimal(), r.GetProperty("costReturned").GetDecimal(), r.GetProperty("bookedRevenue").GetDecimal(),
                r.GetProperty("bookedCogs").GetDecimal(), r.GetProperty("bookedMargin").GetDecimal()))
            .ShouldBe([
                ("2026-03-02", 300000m, 0m, 230000m, 0m, 300000m, 230000m, 70000m),
                ("2026-03-03", 0m, 100000m, 0m, 80000m, -100000m, -80000m, -20000m),
            ]);
        // Over both days: (300,000 − 100,000) − (230,000 − 80,000).
        rows.Sum(r => r.GetProperty("bookedMargin").GetDecimal()).ShouldBe(50000m);
        rows[0].GetProperty("bookedMarginRate").GetDecimal().ShouldBe(0.2333m);
        // The operational columns stay what inventory and orders say: the rice left at 70,000 on day 1.
        rows[0].GetProperty("cogs").GetDecimal().ShouldBe(70000m);
    }

    private static async Task<IReadOnlyList<JsonElement>> RowsAsync(Shop shop, string url) =>
        (await shop.Client.GetFromJsonAsync<JsonElement>(url, TesseraJson.Options)).GetProperty("rows").EnumerateArray().ToList();
}
