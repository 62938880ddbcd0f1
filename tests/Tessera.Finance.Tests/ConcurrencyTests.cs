using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Contracts;
using Tessera.Inventory.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Messaging.Inbox;
using Tessera.Testing;

namespace Tessera.Finance.Tests;

/// <summary>
/// Many writers on one tenant's books at once: requests, and events handed to the inbox together. On SQLite the write
/// gate lets them in one by one; on PostgreSQL (TESSERA_TEST_PROFILE=scale) they really run at once, and the books stay
/// whole only because every write holds its tenant's books (docs/adr/0024): numbers without gaps, one unbroken hash
/// chain, running balances equal to the lines, a closed year that stays closed, a chart that changes only while empty.
/// </summary>
public sealed class ConcurrencyTests(FinanceFactory factory) : IClassFixture<FinanceFactory>
{
    private const int Writers = 25;

    [Fact]
    public async Task Manual_entries_posted_at_once_on_new_books_are_numbered_without_gaps_in_one_chain_and_the_balances_add_up()
    {
        var books = new Bookkeeper(factory);

        // Nothing opened the books before: the first writers also race to create them.
        var responses = await Task.WhenAll(Enumerable.Range(1, Writers).Select(i => books.Accountant.PostJsonAsync("/api/finance/entries", new
        {
            date = $"2026-11-{i % 5 + 1:00}", description = $"Supplies {i}",
            lines = new object[] { new { account = "6423", debit = i * 100m }, new { account = "112", credit = i * 100m } },
        })));

        foreach (var response in responses)
            response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var entries = await AllEntriesAsync(books);
        entries.Select(e => e.Number).Order().ShouldBe(Enumerable.Range(1, Writers).Select(n => (long)n));
        await ChainAndBalancesHoldAsync(books, entries, Writers);
    }

    [Fact]
    public async Task Stock_movements_and_deliveries_handed_over_at_once_post_once_each_on_the_first_attempt()
    {
        var books = new Bookkeeper(factory);
        const int orders = 10;
        var sales = Enumerable.Range(1, orders).Select(i => (Order: Guid.CreateVersion7(), Shipment: Guid.CreateVersion7(), Number: (long)i)).ToList();
        foreach (var sale in sales)
            await books.OrderAsync(sale.Order, sale.Number, "2026-11-02 08:00", 0m, ("TEA", 1m, 100000m, 0.1m));
        var receipts = Enumerable.Range(1, Writers).Select(_ => Guid.CreateVersion7()).ToList();

        // Receipts, each shipment's cost (inventory) and its delivery (logistics), all staged and handled at once.
        var at = Bookkeeper.At("2026-11-03 09:00");
        await Task.WhenAll(receipts.Select((receipt, i) => factory.DeliverAsync("inventory", books.Tenant, receipt.ToString(),
                new StockReceived(receipt, "HCM", [new ReceiptLineDto("TEA", 10m, 50m + i)], "receipt", null, [new MovedLine("TEA", 10m, 50m + i, 10m * (50m + i))]),
                occurredAt: at))
            .Concat(sales.Select(s => factory.DeliverAsync("inventory", books.Tenant, s.Order.ToString(),
                new StockIssued("sales-out", "shipment", s.Shipment.ToString(), "HCM", s.Order, [new MovedLine("TEA", 1m, 60m, 60m)], at), occurredAt: at)))
            .Concat(sales.Select(s => factory.DeliverAsync("logistics", books.Tenant, s.Order.ToString(),
                new ShipmentDelivered(s.Shipment, s.Order, "HCM", [new ShippedLine("TEA", 1m)], at.AddHours(3)), occurredAt: at.AddHours(3)))));
        await factory.WaitForInboxAsync();

        var inbox = await factory.QueryAsync(null, db => db.Set<InboxMessage>().Where(m => m.Tenant == books.Tenant).ToListAsync());
        inbox.Select(m => (m.Type, m.Status, m.Attempts, m.LastError)).ShouldAllBe(m => m.Status == InboxStatus.Processed && m.Attempts == 1 && m.LastError == null);
        var entries = await AllEntriesAsync(books);
        // Receipts, dispatches, costs of sales and invoices: one entry each, whatever order they were handled in.
        entries.Select(e => (e.SourceType, e.SourceId, e.Rule)).Distinct().Count().ShouldBe(entries.Count);
        entries.Count.ShouldBe(Writers + 3 * orders);
        entries.Select(e => e.Number).Order().ShouldBe(Enumerable.Range(1, entries.Count).Select(n => (long)n));
        var invoices = await books.GetAsync<List<InvoiceDto>>("/api/finance/invoices?pageSize=100");
        invoices.Select(i => i.Number).Order().ShouldBe(Enumerable.Range(1, orders).Select(n => $"INV-{n:0000000}"));
        invoices.Select(i => i.OrderId).ShouldBe(sales.Select(s => s.Order), ignoreOrder: true);
        factory.Inventory.Value[(books.Tenant, "HCM")] = (receipts.Select((_, i) => 10m * (50m + i)).Sum() - orders * 60m, 0m);
        await ChainAndBalancesHoldAsync(books, entries, entries.Count);
    }

    [Fact]
    public async Task A_year_closed_while_entries_for_it_are_posted_keeps_no_revenue_or_expense_and_takes_in_every_entry_posted_before_it()
    {
        var books = new Bookkeeper(factory);
        await books.ManualEntryAsync("2025-12-01", "Cash sales", ("111", 1000m, 0m), ("511", 0m, 1000m));

        Task<HttpResponseMessage> Sale(int i) => books.Accountant.PostJsonAsync("/api/finance/entries", new
        {
            date = $"2025-12-{i % 28 + 1:00}", description = $"Cash sales {i}",
            lines = new object[] { new { account = "111", debit = i * 10m }, new { account = "511", credit = i * 10m } },
        });
        var before = Enumerable.Range(1, Writers / 2).Select(Sale).ToList();
        var close = books.Accountant.PostJsonAsync("/api/finance/fiscal-years/2025/close", new { });
        var after = Enumerable.Range(Writers / 2 + 1, Writers - Writers / 2).Select(Sale).ToList();
        var sales = await Task.WhenAll(before.Concat(after));
        var closed = await close;

        closed.StatusCode.ShouldBe(HttpStatusCode.OK, await closed.Content.ReadAsStringAsync());
        var closing = await closed.ReadAsync<JournalEntryDto>();
        // Each sale was posted before the close, and is in it, or refused after it: none slipped into the closed year.
        sales.Select(s => s.StatusCode).ShouldAllBe(s => s == HttpStatusCode.Created || s == HttpStatusCode.UnprocessableEntity);
        var posted = await Task.WhenAll(sales.Where(s => s.StatusCode == HttpStatusCode.Created).Select(s => s.ReadAsync<JournalEntryDto>()));
        closing.Lines.Single(l => l.Account == "511").Debit.ShouldBe(1000m + posted.Sum(e => e.Total));
        posted.ShouldAllBe(e => e.Number < closing.Number);
        var trial = await books.TrialBalanceAsync("2025-12-31");
        trial.Lines.Where(l => l.Type is "revenue" or "expense").ShouldBeEmpty();
        trial.Lines.Single(l => l.Account == "4212").Credit.ShouldBe(closing.Lines.Single(l => l.Account == "511").Debit);
        var entries = await AllEntriesAsync(books);
        await ChainAndBalancesHoldAsync(books, entries, 2 + posted.Length);
    }

    [Fact]
    public async Task Payments_applied_at_once_to_one_invoice_never_pay_it_more_than_it_owes()
    {
        var books = new Bookkeeper(factory);
        var (order, shipment) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await books.OrderAsync(order, 1, "2026-11-03 08:00", 0m, ("TEA", 4m, 100000m, 0m));
        await books.DeliveredAsync(order, shipment, "HCM", "2026-11-05 10:00", ("TEA", 4m));
        var invoice = (await books.InvoicesAsync(order)).Single();

        var payments = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => books.Accountant.PostJsonAsync("/api/finance/payments", new
        {
            kind = "customer", amount = 100000m, date = "2026-11-06", method = "bank", allocations = new[] { new { documentId = invoice.Id, amount = 100000m } },
        })));

        payments.Count(p => p.StatusCode == HttpStatusCode.Created).ShouldBe(4);
        payments.Where(p => p.StatusCode != HttpStatusCode.Created).ShouldAllBe(p => p.StatusCode == HttpStatusCode.BadRequest);
        var recorded = await Task.WhenAll(payments.Where(p => p.StatusCode == HttpStatusCode.Created).Select(p => p.ReadAsync<PaymentDto>()));
        recorded.Select(p => p.Number).Order().ShouldBe(["RCT-0000001", "RCT-0000002", "RCT-0000003", "RCT-0000004"]);
        var paid = (await books.InvoicesAsync(order)).Single();
        (paid.Paid, paid.Outstanding, paid.Status).ShouldBe((400000m, 0m, "Paid"));
        var entries = await AllEntriesAsync(books);
        await ChainAndBalancesHoldAsync(books, entries, entries.Count);
    }

    [Fact]
    public async Task The_chart_changed_while_entries_are_posted_changes_only_if_none_was()
    {
        var books = new Bookkeeper(factory);
        await books.GetAsync<LedgerSettingsDto>("/api/finance/ledger");

        Task<HttpResponseMessage> Capital(int i) => books.Accountant.PostJsonAsync("/api/finance/entries", new
        {
            date = "2026-11-02", description = $"Capital {i}", lines = new object[] { new { account = "112", debit = 100m }, new { account = "4111", credit = 100m } },
        });
        var before = Enumerable.Range(1, Writers / 2).Select(Capital).ToList();
        var setUp = books.As("operator").PutAsync("/api/finance/ledger/setup", JsonContent.Create(new { chart = "ifrs" }));
        var after = Enumerable.Range(Writers / 2 + 1, Writers - Writers / 2).Select(Capital).ToList();
        var entries = await Task.WhenAll(before.Concat(after));
        var setUpAnswer = await setUp;

        var ledger = await books.GetAsync<LedgerSettingsDto>("/api/finance/ledger");
        var posted = entries.Count(e => e.StatusCode == HttpStatusCode.Created);
        entries.Select(e => e.StatusCode).ShouldAllBe(s => s == HttpStatusCode.Created || s == HttpStatusCode.UnprocessableEntity);
        if (setUpAnswer.StatusCode == HttpStatusCode.OK)
            (ledger.Chart, posted).ShouldBe(("ifrs", 0)); // set up first: the Vietnamese accounts were gone for every entry
        else
        {
            setUpAnswer.StatusCode.ShouldBe(HttpStatusCode.Conflict, await setUpAnswer.Content.ReadAsStringAsync());
            (ledger.Chart, ledger.Entries).ShouldBe(("vn-tt99", (long)posted));
            posted.ShouldBeGreaterThan(0);
        }
        await ChainAndBalancesHoldAsync(books, await AllEntriesAsync(books), posted);
    }

    private static async Task<List<JournalEntryDto>> AllEntriesAsync(Bookkeeper books) =>
        (await books.GetAsync<JournalEntryPageDto>("/api/finance/entries?limit=500")).Items.ToList();

    /// <summary>The chain verifies over every entry, the trial balance (from the running day totals) is the lines' sum, and the books check themselves.</summary>
    private static async Task ChainAndBalancesHoldAsync(Bookkeeper books, IReadOnlyList<JournalEntryDto> entries, int expected)
    {
        entries.Count.ShouldBe(expected);
        var verification = await books.GetAsync<AuditVerificationDto>("/api/finance/audit/verify");
        (verification.Ok, verification.Entries, verification.FirstBroken).ShouldBe((true, (long)expected, null));
        var trial = await books.TrialBalanceAsync("2026-12-31");
        var fromLines = entries.SelectMany(e => e.Lines).GroupBy(l => l.Account, StringComparer.Ordinal).Select(g => (g.Key, g.Sum(l => l.Debit - l.Credit)))
            .Where(b => b.Item2 != 0).OrderBy(b => b.Key, StringComparer.Ordinal);
        trial.Lines.Select(l => (l.Account, l.Debit - l.Credit)).ShouldBe(fromLines);
        var consistency = await books.ConsistencyAsync();
        consistency.Checks.Where(c => !c.Ok).Select(c => c.Name + ": " + c.Detail).ShouldBeEmpty();
    }
}
