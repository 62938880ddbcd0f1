using System.Net;
using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Contracts;
using Tessera.Inventory.Contracts;
using Tessera.Messaging.Outbox;
using Tessera.Testing;

namespace Tessera.Finance.Tests;

/// <summary>The lock date, closing and reopening a year.</summary>
public sealed class PeriodTests(FinanceFactory factory) : IClassFixture<FinanceFactory>
{
    [Fact]
    public async Task A_locked_period_refuses_a_manual_entry_and_a_late_event_posts_on_the_first_open_date_saying_so()
    {
        var books = new Bookkeeper(factory);
        await books.ManualEntryAsync("2026-10-20", "Capital", ("112", 1000m, 0m), ("4111", 0m, 1000m));

        var locked = await books.PostAsync<LedgerSettingsDto>("/api/finance/periods/lock", new { lockDate = "2026-10-31" });
        var refused = await books.Accountant.PostJsonAsync("/api/finance/entries", new
        {
            date = "2026-10-31", description = "Forgotten bank fee",
            lines = new object[] { new { account = "6427", debit = 20m }, new { account = "112", credit = 20m } },
        });
        var receipt = Guid.CreateVersion7();
        await books.DeliverAsync("inventory", receipt.ToString(), new StockReceived(receipt, "HCM", [new ReceiptLineDto("TEA", 2m, 50m)], "receipt", null,
            [new MovedLine("TEA", 2m, 50m, 100m)]), "2026-10-30 16:00");

        locked.LockDate.ShouldBe(new DateOnly(2026, 10, 31));
        refused.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var problem = await refused.ProblemAsync();
        problem.GetProperty("title").GetString().ShouldBe("The period is locked");
        problem.GetProperty("detail").GetString().ShouldBe(
            "Nothing can be posted on or before 2026-10-31, the lock date; date the entry 2026-11-01 or later, or ask an operator to reopen the period.");
        var late = (await books.EntriesAsync($"sourceId={receipt}")).ShouldHaveSingleItem();
        (late.Date, late.OriginalDate).ShouldBe((new DateOnly(2026, 11, 1), new DateOnly(2026, 10, 30)));
        late.Note.ShouldBe("Happened on 2026-10-30, in a locked period: posted on 2026-11-01, the first open date.");
        var closed = await factory.QueryAsync(null, db => db.Set<OutboxMessage>().Where(m => m.Tenant == books.Tenant && m.Type == "PeriodClosed").ToListAsync());
        closed.Select(m => m.Payload).ShouldContain(p => p.Contains("\"kind\":\"month\"") && p.Contains("\"end\":\"2026-10-31\""));
    }

    [Fact]
    public async Task The_lock_date_moves_back_only_by_an_operator_with_a_reason_which_is_kept()
    {
        var books = new Bookkeeper(factory);
        await books.PostAsync<LedgerSettingsDto>("/api/finance/periods/lock", new { lockDate = "2026-09-30" });

        var byAccountant = await books.Accountant.PostJsonAsync("/api/finance/periods/unlock", new { lockDate = "2026-08-31", reason = "Late supplier invoice" });
        var backwards = await books.Accountant.PostJsonAsync("/api/finance/periods/lock", new { lockDate = "2026-08-31" });
        var byOperator = await books.As("operator").PostJsonAsync("/api/finance/periods/unlock", new { lockDate = "2026-08-31", reason = "Late supplier invoice" });
        var periods = await books.GetAsync<PeriodsDto>("/api/finance/periods?year=2026");

        byAccountant.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        backwards.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        byOperator.StatusCode.ShouldBe(HttpStatusCode.OK);
        periods.LockDate.ShouldBe(new DateOnly(2026, 8, 31));
        periods.Periods.Where(p => p.Locked).Select(p => p.Month).ShouldBe([1, 2, 3, 4, 5, 6, 7, 8]);
        periods.Changes[0].ShouldSatisfyAllConditions(
            c => c.Action.ShouldBe("unlock"), c => c.LockDateBefore.ShouldBe(new DateOnly(2026, 9, 30)), c => c.LockDateAfter.ShouldBe(new DateOnly(2026, 8, 31)),
            c => c.Reason.ShouldBe("Late supplier invoice"));
    }

    [Fact]
    public async Task Closing_a_year_moves_revenue_and_expense_to_911_and_the_result_to_4212_and_reopening_reverses_it()
    {
        var books = new Bookkeeper(factory);
        await books.ManualEntryAsync("2025-06-01", "Cash sales", ("111", 1000m, 0m), ("511", 0m, 1000m));
        await books.ManualEntryAsync("2025-06-02", "Rent", ("6427", 300m, 0m), ("111", 0m, 300m));

        var closing = await books.PostAsync<JournalEntryDto>("/api/finance/fiscal-years/2025/close", new { });
        var income = await books.GetAsync<IncomeStatementDto>("/api/finance/income-statement?from=2025-01-01&to=2025-12-31");
        var trial = await books.TrialBalanceAsync("2025-12-31");
        var sheet = await books.GetAsync<BalanceSheetDto>("/api/finance/balance-sheet?asOf=2025-12-31");
        var refused = await books.Accountant.PostJsonAsync("/api/finance/entries", new
        {
            date = "2025-12-31", description = "Too late", lines = new object[] { new { account = "6427", debit = 1m }, new { account = "111", credit = 1m } },
        });
        var reopenedByAccountant = await books.Accountant.PostJsonAsync("/api/finance/fiscal-years/2025/reopen", new { reason = "Audit adjustment" });
        var reopened = await books.As("operator").PostJsonAsync("/api/finance/fiscal-years/2025/reopen", new { reason = "Audit adjustment" });

        (closing.Kind, closing.Date).ShouldBe(("closing", new DateOnly(2025, 12, 31)));
        closing.Lines.Select(l => (l.Account, l.Debit, l.Credit)).ShouldBe([
            ("511", 1000m, 0m), ("6427", 0m, 300m), ("911", 0m, 1000m), ("911", 300m, 0m), ("911", 700m, 0m), ("4212", 0m, 700m),
        ]);
        income.NetProfit.ShouldBe(700m);
        trial.Lines.Select(l => (l.Account, l.Debit, l.Credit)).ShouldBe([("111", 700m, 0m), ("4212", 0m, 700m)]);
        sheet.Lines.Single(l => l.Code == "421b").Amount.ShouldBe(700m);
        refused.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        reopenedByAccountant.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        reopened.StatusCode.ShouldBe(HttpStatusCode.OK, await reopened.Content.ReadAsStringAsync());
        (await books.TrialBalanceAsync("2025-12-31")).Lines.Select(l => l.Account).ShouldBe(["111", "511", "6427"]);
        var periods = await books.GetAsync<PeriodsDto>("/api/finance/periods?year=2025");
        periods.FiscalYears.Single(y => y.Year == 2025).Status.ShouldBe("Open");
        periods.Changes.Select(c => c.Action).Take(2).ShouldBe(["reopen-year", "close-year"]);
        (await books.GetAsync<AuditVerificationDto>("/api/finance/audit/verify")).Ok.ShouldBeTrue();
    }
}
