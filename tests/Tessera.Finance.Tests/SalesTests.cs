using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Contracts;
using Tessera.Inventory.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Finance.Tests;

/// <summary>
/// Deliveries, invoices, returns and payments whatever order their events arrive in, and the receivables reports and
/// checks that follow them.
/// </summary>
public sealed class SalesTests(FinanceFactory factory) : IClassFixture<FinanceFactory>
{
    [Fact]
    public async Task A_delivery_reported_before_its_cost_and_its_prices_is_invoiced_and_costed_once_both_arrive()
    {
        var books = new Bookkeeper(factory);
        var (order, shipment) = (Guid.CreateVersion7(), Guid.CreateVersion7());

        await books.DeliveredAsync(order, shipment, "HCM", "2026-11-05 10:00", ("TEA", 2m), ("RICE", 1m));
        var waiting = await books.GetAsync<List<ShipmentLedgerDto>>("/api/finance/shipments?waiting=true");
        await books.DispatchAsync(order, shipment, "HCM", "2026-11-04 09:00", ("TEA", 2m, 160m), ("RICE", 1m, 90m));
        var costed = await books.GetAsync<List<ShipmentLedgerDto>>($"/api/finance/shipments?orderId={order}");
        await books.OrderAsync(order, 77, "2026-11-03 08:00", 30000m, ("TEA", 2m, 120000m, 0.08m), ("RICE", 1m, 50000m, 0m));

        waiting.ShouldHaveSingleItem().Waiting.ShouldBe("the cost from inventory and the prices from orders");
        costed.ShouldHaveSingleItem().Waiting.ShouldBe("the order's prices (OrderPlaced)");
        var invoice = (await books.InvoicesAsync(order)).ShouldHaveSingleItem();
        invoice.Lines.Select(l => (l.Kind, l.Sku, l.Net, l.TaxRate, l.Tax)).ShouldBe([
            ("goods", "TEA", 240000m, 0.08m, 19200m), ("goods", "RICE", 50000m, 0m, 0m), ("shipping", null, 30000m, 0m, 0m),
        ]);
        (invoice.Net, invoice.Tax, invoice.Total, invoice.Status, invoice.Date).ShouldBe((320000m, 19200m, 339200m, "Open", new DateOnly(2026, 11, 5)));
        var entry = await books.GetAsync<JournalEntryDto>($"/api/finance/entries/{invoice.EntryId}");
        entry.Lines.Select(l => (l.Account, l.Debit, l.Credit, l.Document)).ShouldBe([
            ("131", 339200m, 0m, invoice.Id.ToString()), ("511", 0m, 290000m, invoice.Id.ToString()), ("511", 0m, 30000m, invoice.Id.ToString()),
            ("33311", 0m, 19200m, invoice.Id.ToString()),
        ]);
        var cogs = (await books.EntriesAsync($"sourceType=shipment&sourceId={shipment}")).Single(e => e.Rule == "shipment-delivered");
        (cogs.Date, cogs.Lines[0].Account, cogs.Lines[0].Debit).ShouldBe((new DateOnly(2026, 11, 5), "632", 250m));
        (await books.GetAsync<List<ShipmentLedgerDto>>("/api/finance/shipments?waiting=true")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_return_of_goods_from_two_shipments_is_credited_on_both_invoices()
    {
        var books = new Bookkeeper(factory);
        var (order, north, south) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await books.OrderAsync(order, 12, "2026-11-03 08:00", 0m, ("TEA", 1m, 100000m, 0.1m), ("SOAP", 3m, 20000m, 0.05m));
        await books.DeliveredAsync(order, south, "SGN", "2026-11-05 10:00", ("SOAP", 3m));
        await books.DeliveredAsync(order, north, "HAN", "2026-11-06 10:00", ("TEA", 1m));

        await books.CustomerReturnAsync(order, "RT-000012", "HCM", "2026-11-08 08:00", ("TEA", 1m, 70000m), ("SOAP", 1m, 15000m));

        var notes = (await books.GetAsync<List<CreditNoteDto>>($"/api/finance/credit-notes?orderId={order}")).OrderBy(n => n.Number).ToList();
        notes.Select(n => n.Total).Order().ShouldBe([21000m, 110000m]); // 1 SOAP at 20,000 + 5 %, 1 TEA at 100,000 + 10 %
        var invoices = await books.InvoicesAsync(order);
        invoices.Select(i => i.Credited).Order().ShouldBe([21000m, 110000m]);
    }

    [Fact]
    public async Task An_order_in_two_shipments_gets_two_invoices_numbered_without_gaps_with_the_shipping_fee_on_the_first()
    {
        var books = new Bookkeeper(factory);
        var (order, north, south) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await books.OrderAsync(order, 5, "2026-11-03 08:00", 25000m, ("TEA", 1m, 100000m, 0.1m), ("SOAP", 3m, 20000m, 0.05m));

        await books.DeliveredAsync(order, south, "SGN", "2026-11-05 10:00", ("SOAP", 3m));
        await books.DeliveredAsync(order, north, "HAN", "2026-11-06 10:00", ("TEA", 1m));

        var invoices = (await books.InvoicesAsync(order)).OrderBy(i => i.Number).ToList();
        invoices.Select(i => (i.Number, i.Total)).ShouldBe([("INV-0000001", 88000m), ("INV-0000002", 110000m)]);
        invoices[0].Lines.Select(l => l.Kind).ShouldBe(["goods", "shipping"]);
        invoices.Sum(i => i.Total).ShouldBe(100000m + 10000m + 60000m + 3000m + 25000m);
    }

    [Fact]
    public async Task A_cod_remittance_net_of_the_carriers_fee_and_a_payment_on_account_applied_later_keep_receivables_equal_to_131()
    {
        var books = new Bookkeeper(factory);
        var (first, second) = (await InvoicedAsync(books, 1, 110000m), await InvoicedAsync(books, 2, 220000m));

        var cod = await books.Accountant.PostJsonAsync("/api/finance/payments", new
        {
            kind = "customer", amount = 110000m, fee = 15000m, date = "2026-11-10", method = "cod", reference = "GHN remittance 0042",
            allocations = new[] { new { documentId = first.Id, amount = 110000m } },
        });
        var onAccount = await books.PayAsync("customer", 300000m, "2026-11-11", "bank");
        var tooMuch = await books.Accountant.PostJsonAsync($"/api/finance/payments/{onAccount.Id}/allocations", new
        {
            allocations = new[] { new { documentId = second.Id, amount = 300000m } },
        });
        var applied = await books.PostAsync<PaymentDto>($"/api/finance/payments/{onAccount.Id}/allocations", new
        {
            date = "2026-11-12", allocations = new[] { new { documentId = second.Id, amount = 220000m } },
        });

        cod.StatusCode.ShouldBe(HttpStatusCode.Created);
        var codEntry = (await books.EntriesAsync($"sourceType=payment&sourceId={(await cod.ReadAsync<PaymentDto>()).Id}")).ShouldHaveSingleItem();
        codEntry.Lines.Select(l => (l.Account, l.Debit, l.Credit)).ShouldBe([("112", 95000m, 0m), ("6417", 15000m, 0m), ("131", 0m, 110000m)]);
        tooMuch.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await tooMuch.ProblemAsync()).GetProperty("detail").GetString()!.ShouldContain("has 220000 outstanding; 300000 is more than that");
        (applied.Allocated, applied.Unallocated).ShouldBe((220000m, 80000m));
        (await books.GetAsync<InvoiceDto>($"/api/finance/invoices/{second.Id}")).Status.ShouldBe("Paid");
        (await books.GetAsync<InvoiceDto>($"/api/finance/invoices/{first.Id}")).Status.ShouldBe("Paid");
        var trial = await books.TrialBalanceAsync("2026-11-30");
        trial.Lines.Single(l => l.Account == "131").Credit.ShouldBe(80000m);
        var ageing = await books.GetAsync<AgeingDto>("/api/finance/ageing?kind=ar&asOf=2026-11-30");
        ageing.Lines.ShouldHaveSingleItem().ShouldSatisfyAllConditions(l => l.DocumentType.ShouldBe("payment"), l => l.Outstanding.ShouldBe(-80000m));
        (ageing.Total, ageing.Ledger).ShouldBe((-80000m, -80000m));
        (await books.ConsistencyAsync()).Checks.Single(c => c.Name == "I7").Ok.ShouldBeTrue();
    }

    [Fact]
    public async Task Ar_ageing_puts_each_open_invoice_in_its_bucket_as_of_any_date()
    {
        var books = new Bookkeeper(factory);
        var settings = await books.GetAsync<LedgerSettingsDto>("/api/finance/ledger");
        var terms = new HttpRequestMessage(HttpMethod.Put, "/api/finance/ledger") { Content = System.Net.Http.Json.JsonContent.Create(new { customerTermsDays = 7 }) };
        terms.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{settings.Version}\""));
        (await books.Accountant.SendAsync(terms)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var old = await InvoicedAsync(books, 1, 110000m, "2026-08-01 10:00");
        var recent = await InvoicedAsync(books, 2, 55000m, "2026-11-20 10:00");
        await books.PayAsync("customer", 10000m, "2026-11-21", "bank", (old.Id, 10000m));

        var now = await books.GetAsync<AgeingDto>("/api/finance/ageing?kind=ar&asOf=2026-11-30");
        var then = await books.GetAsync<AgeingDto>("/api/finance/ageing?kind=ar&asOf=2026-09-01");
        var csv = await books.Accountant.GetAsync("/api/finance/ageing?kind=ar&asOf=2026-11-30&format=csv");

        now.Lines.Select(l => (l.Number, l.Outstanding, l.DaysOverdue, l.Bucket)).ShouldBe([(old.Number, 100000m, 114, "over 90"), (recent.Number, 55000m, 3, "1-30")]);
        now.Buckets.Select(b => b.Amount).ShouldBe([0m, 55000m, 0m, 0m, 100000m]);
        (now.Total, now.Ledger).ShouldBe((155000m, 155000m));
        then.Lines.ShouldHaveSingleItem().ShouldSatisfyAllConditions(l => l.Outstanding.ShouldBe(110000m), l => l.Bucket.ShouldBe("1-30"));
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var text = Encoding.UTF8.GetString(await csv.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF');
        text.Split("\r\n")[0].ShouldBe("type,number,date,due_date,days_overdue,bucket,total,outstanding");
        text.ShouldContain($"invoice,{old.Number},2026-08-01,2026-08-08,114,over 90,110000,100000");
    }

    [Fact]
    public async Task The_consistency_check_names_the_first_invoice_whose_receivable_differs_and_the_warehouse_whose_value_differs()
    {
        var books = new Bookkeeper(factory);
        var invoice = await InvoicedAsync(books, 1, 110000m);
        var receipt = Guid.CreateVersion7();
        await books.DeliverAsync("inventory", receipt.ToString(), new Inventory.Contracts.StockReceived(receipt, "HCM",
            [new("TEA", 10m, 50m)], "receipt", null, [new("TEA", 10m, 50m, 500m)]), "2026-11-01 09:00");
        factory.Inventory.Value[(books.Tenant, "HCM")] = (500m, 0m);
        (await books.ConsistencyAsync()).Holds.ShouldBeTrue();

        factory.Inventory.Value[(books.Tenant, "HCM")] = (450m, 0m);
        await factory.QueryAsync(books.Tenant, db => db.Database.ExecuteSqlRawAsync("UPDATE invoices SET paid = '1000' WHERE id = {0}", invoice.Id.ToString()));
        var report = await books.ConsistencyAsync();

        report.Holds.ShouldBeFalse();
        report.Checks.Single(c => c.Name == "I6").Detail.ShouldStartWith("warehouse HCM: inventory values its stock at 450, the inventory account holds 500 (difference 50)");
        report.Checks.Single(c => c.Name == "I7").Detail.ShouldStartWith(
            $"invoice {invoice.Number}: invoice {invoice.Number} has 109000 open in the sub-ledger, 131 holds 110000 for it (difference 1000)");
        report.Checks.Where(c => c.Name is "I4" or "I5").ShouldAllBe(c => c.Ok);
    }

    [Fact]
    public async Task A_customer_return_is_credited_at_the_invoiced_price_and_restocked_at_the_cost_it_left_at()
    {
        var books = new Bookkeeper(factory);
        var (order, shipment) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await books.OrderAsync(order, 9, "2026-11-02 08:00", 0m, ("TEA", 3m, 100000m, 0.1m));
        await books.DispatchAsync(order, shipment, "HCM", "2026-11-03 08:00", ("TEA", 3m, 240000m));
        await books.DeliveredAsync(order, shipment, "HCM", "2026-11-04 08:00", ("TEA", 3m));

        await books.CustomerReturnAsync(order, "RT-000009", "HCM", "2026-11-06 08:00", ("TEA", 1m, 80000m));

        var note = (await books.GetAsync<List<CreditNoteDto>>($"/api/finance/credit-notes?orderId={order}")).ShouldHaveSingleItem();
        (note.Number, note.Net, note.Tax, note.Total, note.Date).ShouldBe(("CN-0000001", 100000m, 10000m, 110000m, new DateOnly(2026, 11, 6)));
        var entry = await books.GetAsync<JournalEntryDto>($"/api/finance/entries/{note.EntryId}");
        entry.Lines.Select(l => (l.Account, l.Debit, l.Credit)).ShouldBe([("521", 100000m, 0m), ("33311", 10000m, 0m), ("131", 0m, 110000m)]);
        var trial = await books.TrialBalanceAsync("2026-11-30");
        trial.Lines.Single(l => l.Account == "632").Debit.ShouldBe(160000m);
        trial.Lines.Single(l => l.Account == "156").Credit.ShouldBe(160000m); // issued 240,000 that were never received here, 80,000 back
        (await books.InvoicesAsync(order)).Single().ShouldSatisfyAllConditions(i => i.Credited.ShouldBe(110000m), i => i.Status.ShouldBe("PartiallyPaid"));
    }

    [Fact]
    public async Task Invoices_and_credit_notes_carry_the_cost_finance_posted_to_632_for_their_goods_when_it_was_posted_first()
    {
        var books = new Bookkeeper(factory);
        var (order, shipment) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await books.OrderAsync(order, 31, "2026-11-02 08:00", 0m, ("TEA", 3m, 100000m, 0.1m));
        await books.DispatchAsync(order, shipment, "HCM", "2026-11-03 08:00", ("TEA", 3m, 240000m));
        await books.DeliveredAsync(order, shipment, "HCM", "2026-11-04 08:00", ("TEA", 3m));
        // Inventory's restock reaches finance before logistics' return: the credit note can carry what the restock took off 632.
        var customerReturn = Guid.CreateVersion7();
        await books.DeliverAsync("inventory", order.ToString(), new StockReturned("customer-return-in", "customer-return", customerReturn.ToString(), "HCM", order,
            [new MovedLine("TEA", 1m, 80000m, 80000m)], Bookkeeper.At("2026-11-06 08:00")), "2026-11-06 08:00");
        await books.DeliverAsync("logistics", order.ToString(), new ReturnReceived(customerReturn, "RT-000031", order, "HCM",
            [new ReturnedLine("TEA", 1m, "restock")], Bookkeeper.At("2026-11-06 08:00")), "2026-11-06 08:00");
        // A second order whose prices come before its cost: its invoice is issued before anything is posted to 632.
        var (early, earlyShipment) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await books.OrderAsync(early, 32, "2026-11-02 08:00", 0m, ("TEA", 1m, 100000m, 0.1m));
        await books.DeliveredAsync(early, earlyShipment, "HCM", "2026-11-04 09:00", ("TEA", 1m));
        await books.DispatchAsync(early, earlyShipment, "HCM", "2026-11-03 09:00", ("TEA", 1m, 81000m));

        var cogs632 = (await books.EntriesAsync($"sourceType=shipment&sourceId={shipment}")).Single(e => e.Rule == "shipment-delivered")
            .Lines.Where(l => l.Account == "632").Sum(l => l.Debit - l.Credit);
        var returned632 = (await books.EntriesAsync($"sourceType=customer-return&sourceId={customerReturn}"))
            .SelectMany(e => e.Lines).Where(l => l.Account == "632").Sum(l => l.Credit - l.Debit);
        (cogs632, returned632).ShouldBe((240000m, 80000m));
        var published = await factory.QueryAsync(null, db => db.Set<OutboxMessage>()
            .Where(m => m.Tenant == books.Tenant && (m.Type == nameof(InvoiceIssued) || m.Type == nameof(CreditNoteIssued))).ToListAsync());
        var invoices = published.Where(m => m.Type == nameof(InvoiceIssued)).Select(m => JsonSerializer.Deserialize<InvoiceIssued>(m.Payload, TesseraJson.Options)!).ToList();
        invoices.Single(i => i.OrderId == order).CostOfSales.ShouldBe(cogs632);
        invoices.Single(i => i.OrderId == early).CostOfSales.ShouldBeNull(); // costed after it was issued: reporting takes inventory's value
        published.Where(m => m.Type == nameof(CreditNoteIssued)).Select(m => JsonSerializer.Deserialize<CreditNoteIssued>(m.Payload, TesseraJson.Options)!)
            .ShouldHaveSingleItem().CostOfSales.ShouldBe(returned632);
        // An event published before the field existed still reads, without a cost.
        var old = JsonNode.Parse(published.Single(m => m.Type == nameof(CreditNoteIssued)).Payload)!.AsObject();
        old.Remove("costOfSales").ShouldBeTrue();
        old.Deserialize<CreditNoteIssued>(TesseraJson.Options)!.ShouldSatisfyAllConditions(n => n.CostOfSales.ShouldBeNull(), n => n.Net.ShouldBe(100000m));
    }

    private static async Task<InvoiceDto> InvoicedAsync(Bookkeeper books, long number, decimal total, string at = "2026-11-05 10:00")
    {
        var (order, shipment) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await books.OrderAsync(order, number, at, 0m, ("TEA", 1m, total / 1.1m, 0.1m));
        await books.DeliveredAsync(order, shipment, "HCM", at, ("TEA", 1m));
        return (await books.InvoicesAsync(order)).Single();
    }
}
