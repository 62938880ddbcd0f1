using System.Net;
using Tessera.Finance.Contracts;
using Tessera.Testing;

namespace Tessera.Finance.Tests;

/// <summary>
/// The worked example, every figure worked out by hand below, in VND, Vietnamese chart (TT99):
///
///   Owner puts 5,000 in the bank (manual entry)         Dr 112 5,000            / Cr 4111 5,000
///   PO-1: 10 tea at 100 received                        Dr 156 1,000            / Cr 3388 1,000
///   PO-2: 10 tea at 130 received (average now 115)      Dr 156 1,300            / Cr 3388 1,300
///   Bill HD-001 for PO-1: 10 × 100 + 10 % VAT           Dr 3388 1,000, 1331 100 / Cr 331 1,100
///   Bill HD-002 for PO-2 billed at 140: 7.69 % over the PO price, tolerance 2 % → held; corrected to 130:
///                                                       Dr 3388 1,300, 1331 130 / Cr 331 1,430
///   Orders A (7 × 200), B (5 × 200), C (2 × 200), VAT 10 %; shipped at the average 115:
///     dispatch A, B, C                                  Dr 157 805, 575, 230    / Cr 156 1,610
///     A and B delivered: COGS                           Dr 632 1,380            / Cr 157 1,380
///       invoices A 1,400 + 140, B 1,000 + 100           Dr 131 2,640            / Cr 511 2,400, 33311 240
///     C's delivery fails and comes back                 Dr 156 230              / Cr 157 230
///   The customer returns 2 of A (back at 115)           Dr 156 230              / Cr 632 230
///     credit note 2 × 200 + 10 %                        Dr 521 400, 33311 40    / Cr 131 440
///   A count finds 1 tea missing                         Dr 1381 115             / Cr 156 115
///   The customer pays 1,200 (A 1,100, B 100) and 1,000 (B) Dr 112 2,200        / Cr 131 2,200
///   The supplier is paid 2,530                          Dr 331 2,530            / Cr 112 2,530
///
/// Trial balance: 112 Dr 4,670 (5,000 + 2,200 − 2,530); 1331 Dr 230; 1381 Dr 115; 156 Dr 1,035 (9 × 115);
/// 521 Dr 400; 632 Dr 1,150 (1,380 − 230); 33311 Cr 200 (240 − 40); 4111 Cr 5,000; 511 Cr 2,400 — 7,600 each side;
/// 131, 157, 331 and 3388 are settled to zero. Income statement: revenue 2,400 − deductions 400 = 2,000 net, COGS
/// 1,150, gross and net profit 850. Balance sheet: cash 4,670 + shortage 115 + inventory 1,035 + VAT 230 = 6,050 =
/// output VAT 200 + capital 5,000 + this year's profit 850.
/// </summary>
public sealed class WorkedExampleTests(FinanceFactory factory) : IClassFixture<FinanceFactory>
{
    private const string Tea = "TEA-001";
    private const string Warehouse = "WX";

    [Fact]
    public async Task The_worked_example_gives_the_trial_balance_income_statement_and_balance_sheet_worked_out_by_hand()
    {
        var books = new Bookkeeper(factory);
        var (po1, po2, supplier) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());

        await books.ManualEntryAsync("2026-11-02", "Capital contributed by the owner", ("112", 5000m, 0m), ("4111", 0m, 5000m));
        await books.PurchaseOrderAsync(po1, "PO-000001", supplier, Warehouse, "2026-11-02 09:00", (Tea, 10m, 100m));
        await books.PurchaseOrderAsync(po2, "PO-000002", supplier, Warehouse, "2026-11-02 09:10", (Tea, 10m, 130m));
        await books.ReceiveAsync(po1, "GR-000001", Warehouse, "2026-11-03 10:00", (1, Tea, 10m, 100m));
        await books.ReceiveAsync(po2, "GR-000002", Warehouse, "2026-11-03 11:00", (1, Tea, 10m, 130m));

        var bill1 = await books.BillAsync(po1, "HD-001", "2026-11-04", (1, 10m, 100m, 0.1m));
        var held = await books.BillAsync(po2, "HD-002", "2026-11-04", (1, 10m, 140m, 0.1m));
        (bill1.Status, bill1.Total).ShouldBe(("Approved", 1100m));
        held.Status.ShouldBe("Held");
        held.HoldReasons.ShouldBe(["Line 1 (TEA-001): unit price 140 is +7.69 % from the PO price 130 (billed 1400 against 1300 for 10; tolerance 2 %)."]);
        held.EntryId.ShouldBeNull();
        var correction = new HttpRequestMessage(HttpMethod.Put, $"/api/finance/bills/{held.Id}")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new
            {
                purchaseOrderId = po2, supplierInvoiceNumber = "HD-002", date = "2026-11-05",
                lines = new[] { new { lineNo = 1, quantity = 10m, unitPrice = 130m, taxRate = 0.1m } },
            }),
        };
        correction.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{held.Version}\""));
        var bill2 = await (await books.Accountant.SendAsync(correction)).ReadAsync<BillDto>();
        (bill2.Status, bill2.Net, bill2.Tax, bill2.Total, bill2.HoldReasons.Count).ShouldBe(("Approved", 1300m, 130m, 1430m, 0));

        var (orderA, orderB, orderC) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var (shipA, shipB, shipC) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await books.OrderAsync(orderA, 1001, "2026-11-06 08:00", 0m, (Tea, 7m, 200m, 0.1m));
        await books.OrderAsync(orderB, 1002, "2026-11-06 08:05", 0m, (Tea, 5m, 200m, 0.1m));
        await books.OrderAsync(orderC, 1003, "2026-11-06 08:10", 0m, (Tea, 2m, 200m, 0.1m));
        await books.DispatchAsync(orderA, shipA, Warehouse, "2026-11-07 09:00", (Tea, 7m, 805m));
        await books.DispatchAsync(orderB, shipB, Warehouse, "2026-11-07 09:05", (Tea, 5m, 575m));
        await books.DispatchAsync(orderC, shipC, Warehouse, "2026-11-07 09:10", (Tea, 2m, 230m));
        await books.DeliveredAsync(orderA, shipA, Warehouse, "2026-11-08 15:00", (Tea, 7m));
        await books.DeliveredAsync(orderB, shipB, Warehouse, "2026-11-08 16:00", (Tea, 5m));
        await books.ReturnedToOriginAsync(orderC, shipC, Warehouse, "2026-11-10 10:00", (Tea, 2m, 230m));
        await books.CustomerReturnAsync(orderA, "RT-000001", Warehouse, "2026-11-12 10:00", (Tea, 2m, 230m));
        await books.CountAsync(Warehouse, "2026-11-15 17:00", (Tea, 10m, 9m, 115m));

        var invoiceA = (await books.InvoicesAsync(orderA)).ShouldHaveSingleItem();
        var invoiceB = (await books.InvoicesAsync(orderB)).ShouldHaveSingleItem();
        (await books.InvoicesAsync(orderC)).ShouldBeEmpty();
        (invoiceA.Number, invoiceA.Total, invoiceA.Tax, invoiceA.Credited, invoiceA.Date).ShouldBe(("INV-0000001", 1540m, 140m, 440m, new DateOnly(2026, 11, 8)));
        invoiceA.Lines.Select(l => (l.Sku, l.Quantity, l.UnitPrice, l.Net, l.TaxRate, l.Tax)).ShouldBe([(Tea, 7m, 200m, 1400m, 0.1m, 140m)]);
        (invoiceB.Number, invoiceB.Total, invoiceB.Tax).ShouldBe(("INV-0000002", 1100m, 100m));

        await books.PayAsync("customer", 1200m, "2026-11-20", "bank", (invoiceA.Id, 1100m), (invoiceB.Id, 100m));
        await books.PayAsync("customer", 1000m, "2026-11-25", "bank", (invoiceB.Id, 1000m));
        await books.PayAsync("supplier", 2530m, "2026-11-26", "bank", (bill1.Id, 1100m), (bill2.Id, 1430m));
        factory.Inventory.Value[(books.Tenant, Warehouse)] = (1035m, 0m);

        var trial = await books.TrialBalanceAsync("2026-11-30");
        trial.Lines.Select(l => (l.Account, l.Debit, l.Credit)).ShouldBe([
            ("112", 4670m, 0m),
            ("1331", 230m, 0m),
            ("1381", 115m, 0m),
            ("156", 1035m, 0m),
            ("33311", 0m, 200m),
            ("4111", 0m, 5000m),
            ("511", 0m, 2400m),
            ("521", 400m, 0m),
            ("632", 1150m, 0m),
        ]);
        (trial.TotalDebit, trial.TotalCredit).ShouldBe((7600m, 7600m));
        trial.Lines.Single(l => l.Account == "156").Name.ShouldBe("Merchandise");
        trial.Lines.Single(l => l.Account == "156").NameVi.ShouldBe("Hàng hóa");

        var income = await books.GetAsync<IncomeStatementDto>("/api/finance/income-statement?from=2026-11-01&to=2026-11-30");
        income.Form.ShouldBe("B02-DN");
        Amounts(income.Lines, "01", "02", "10", "11", "20", "30", "50", "60").ShouldBe([2400m, 400m, 2000m, 1150m, 850m, 850m, 850m, 850m]);
        (income.NetRevenue, income.GrossProfit, income.NetProfit).ShouldBe((2000m, 850m, 850m));

        var balance = await books.GetAsync<BalanceSheetDto>("/api/finance/balance-sheet?asOf=2026-11-30");
        balance.Form.ShouldBe("B01-DN");
        Amounts(balance.Lines, "110", "131", "139", "141", "152", "100", "270").ShouldBe([4670m, 0m, 115m, 1035m, 230m, 6050m, 6050m]);
        Amounts(balance.Lines, "313", "311", "300", "411", "421b", "400", "440").ShouldBe([200m, 0m, 200m, 5000m, 850m, 5850m, 6050m]);
        (balance.TotalAssets, balance.TotalLiabilitiesAndEquity).ShouldBe((6050m, 6050m));

        var consistency = await books.ConsistencyAsync();
        consistency.Checks.Select(c => (c.Name, c.Ok)).ShouldBe([("I4", true), ("I5", true), ("I6", true), ("I7", true)], string.Join("\n", consistency.Checks.Select(c => c.Detail)));
        consistency.Holds.ShouldBeTrue();

        var audit = await books.GetAsync<AuditVerificationDto>("/api/finance/audit/verify");
        (audit.Ok, audit.FirstBroken).ShouldBe((true, null));
        // Manual 1 + receipts 2 + bills 2 + dispatches 3 + COGS 2 + invoices 2 + return to origin 1 + restock 1 + credit note 1 + count 1 + payments 3.
        audit.Entries.ShouldBe(19);
    }

    private static decimal[] Amounts(IReadOnlyList<FinancialStatementLineDto> lines, params string[] codes) =>
        codes.Select(c => lines.Single(l => l.Code == c).Amount).ToArray();
}
