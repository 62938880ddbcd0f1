using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Finance.Data;
using Tessera.Finance.Features;
using Tessera.Finance.Contracts;
using Tessera.Inventory.Contracts;
using Tessera.Testing;

namespace Tessera.Finance.Tests;

/// <summary>Events post once, with the rule in force when they happened; rules are changed by accountants and refused when they cannot work.</summary>
public sealed class PostingTests(FinanceFactory factory) : IClassFixture<FinanceFactory>
{
    [Fact]
    public async Task The_same_event_delivered_twice_posts_once_and_so_does_the_same_movement_under_another_message_id()
    {
        var books = new Bookkeeper(factory);
        var receipt = Guid.CreateVersion7();
        var received = new StockReceived(receipt, "HCM", [new ReceiptLineDto("TEA", 10m, 80m)], "receipt", null, [new MovedLine("TEA", 10m, 80m, 800m)]);

        var message = await books.DeliverAsync("inventory", receipt.ToString(), received, "2026-11-10 09:00");
        await books.DeliverAsync("inventory", receipt.ToString(), received, "2026-11-10 09:00", message);
        await books.DeliverAsync("inventory", receipt.ToString(), received, "2026-11-10 09:01");

        var entries = await books.EntriesAsync($"sourceType=receipt&sourceId={receipt}");
        var entry = entries.ShouldHaveSingleItem();
        (entry.Rule, entry.RuleVersion, entry.Date, entry.Kind).ShouldBe(("stock-received", 1, new DateOnly(2026, 11, 10), "event"));
        entry.Lines.Select(l => (l.Account, l.Debit, l.Credit, l.Warehouse)).ShouldBe([("156", 800m, 0m, "HCM"), ("3388", 0m, 800m, "HCM")]);
        (await books.TrialBalanceAsync("2026-11-30")).Lines.Single(l => l.Account == "156").Debit.ShouldBe(800m);
    }

    [Fact]
    public async Task A_rule_changed_by_the_accountant_applies_to_events_that_happen_after_the_change_only()
    {
        var books = new Bookkeeper(factory);
        await books.GetAsync<List<PostingRuleDto>>("/api/finance/posting-rules");
        var before = DateTimeOffset.UtcNow.AddMinutes(-5);

        var changed = await (await books.Accountant.PutAsync("/api/finance/posting-rules/count-loss", System.Net.Http.Json.JsonContent.Create(new
        {
            lines = new[] { new { side = "debit", account = "811", amount = "value" }, new { side = "credit", account = "156", amount = "value" } },
            note = "Shortages go straight to other expenses",
        }))).ReadAsync<PostingRuleDto>();
        var after = DateTimeOffset.UtcNow.AddMinutes(5);
        await Count(books, "HCM", before);
        await Count(books, "DNG", after);

        changed.Version.ShouldBe(2);
        changed.Lines.Select(l => l.Account).ShouldBe(["811", "156"]);
        var earlier = (await books.EntriesAsync("account=1381")).ShouldHaveSingleItem();
        var later = (await books.EntriesAsync("account=811")).ShouldHaveSingleItem();
        (earlier.RuleVersion, earlier.Lines[0].Warehouse).ShouldBe((1, "HCM"));
        (later.RuleVersion, later.Lines[0].Warehouse).ShouldBe((2, "DNG"));
        var history = await books.GetAsync<List<PostingRuleDto>>("/api/finance/posting-rules/count-loss");
        history.Select(r => (r.Version, r.ChangedBy)).ShouldBe([(2, "tester"), (1, "system")]);
        history[0].Note.ShouldBe("Shortages go straight to other expenses");
    }

    private static async Task Count(Bookkeeper books, string warehouse, DateTimeOffset at)
    {
        var id = Guid.CreateVersion7();
        await books.Factory.DeliverAsync("inventory", books.Tenant, id.ToString(), new StockAdjusted(id, warehouse,
            [new CountDifferenceLine("TEA", null, 5m, 4m, -1m, 50m, -50m, "broken")], at), occurredAt: at);
        await books.Factory.WaitForInboxAsync();
        await books.NothingParkedAsync();
    }

    [Fact]
    public async Task A_rule_that_cannot_balance_or_names_an_unknown_account_is_refused_with_the_reason_and_nothing_changes()
    {
        var books = new Bookkeeper(factory);

        var unbalanced = await books.Accountant.PutAsync("/api/finance/posting-rules/invoice-issued", System.Net.Http.Json.JsonContent.Create(new
        {
            lines = new[]
            {
                new { side = "debit", account = "131", amount = "total" }, new { side = "credit", account = "511", amount = "goods" },
                new { side = "credit", account = "33311", amount = "tax" },
            },
        }));
        var unknown = await books.Accountant.PutAsync("/api/finance/posting-rules/goods-received", System.Net.Http.Json.JsonContent.Create(new
        {
            lines = new[] { new { side = "debit", account = "1567", amount = "value" }, new { side = "credit", account = "3388", amount = "value" } },
        }));

        unbalanced.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var problem = await unbalanced.ProblemAsync();
        problem.GetProperty("title").GetString().ShouldBe("The rule for invoice-issued cannot be used");
        problem.GetProperty("detail").GetString().ShouldBe(
            "The rule cannot balance: debits − credits = shipping (an event with shipping = 1 and the rest 0 would post 1 more on the debit side).");
        unknown.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var unknownProblem = await unknown.ProblemAsync();
        unknownProblem.ErrorFields().ShouldBe(["lines[0]"]);
        unknownProblem.GetProperty("detail").GetString().ShouldBe("line 1: account '1567' is not in the chart of accounts.");
        (await books.GetAsync<List<PostingRuleDto>>("/api/finance/posting-rules/invoice-issued")).ShouldHaveSingleItem().Version.ShouldBe(1);
    }

    [Fact]
    public async Task A_manual_entry_that_does_not_balance_is_refused_naming_the_difference()
    {
        var books = new Bookkeeper(factory);

        var response = await books.Accountant.PostJsonAsync("/api/finance/entries", new
        {
            date = "2026-11-03", description = "Office rent",
            lines = new object[] { new { account = "6427", debit = 12_000_000m }, new { account = "112", credit = 11_000_000m } },
        });

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await response.ProblemAsync()).GetProperty("detail").GetString()
            .ShouldBe("The entry does not balance: debits 12000000 ≠ credits 11000000 (difference 1000000).");
        (await books.EntriesAsync("")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_manual_entry_cannot_touch_a_control_account_and_a_manual_entry_is_corrected_by_its_reversal()
    {
        var books = new Bookkeeper(factory);
        var control = await books.Accountant.PostJsonAsync("/api/finance/entries", new
        {
            date = "2026-11-03", description = "Write off",
            lines = new object[] { new { account = "811", debit = 10m }, new { account = "131", credit = 10m } },
        });
        var rent = await books.ManualEntryAsync("2026-11-03", "Office rent", ("6427", 12_000_000m, 0m), ("112", 0m, 12_000_000m));

        var reversal = await books.PostAsync<JournalEntryDto>($"/api/finance/entries/{rent.Id}/reverse", new { date = "2026-11-04", reason = "Paid twice" });
        var again = await books.Accountant.PostJsonAsync($"/api/finance/entries/{rent.Id}/reverse", new { reason = "Again" });

        control.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await control.ProblemAsync()).ErrorFields().ShouldBe(["lines[1].account"]);
        (reversal.Kind, reversal.Reverses, reversal.Description).ShouldBe(("reversal", rent.Id, "Reversal of entry #1: Paid twice"));
        reversal.Lines.Select(l => (l.Account, l.Debit, l.Credit)).ShouldBe([("6427", 0m, 12_000_000m), ("112", 12_000_000m, 0m)]);
        (await books.GetAsync<JournalEntryDto>($"/api/finance/entries/{rent.Id}")).ReversedBy.ShouldBe(reversal.Id);
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await books.TrialBalanceAsync("2026-11-30")).Lines.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_edited_entry_breaks_the_hash_chain_and_verification_names_it()
    {
        var books = new Bookkeeper(factory);
        await books.ManualEntryAsync("2026-11-01", "Capital", ("112", 1000m, 0m), ("4111", 0m, 1000m));
        var second = await books.ManualEntryAsync("2026-11-02", "Rent", ("6427", 300m, 0m), ("112", 0m, 300m));
        await books.ManualEntryAsync("2026-11-03", "Supplies", ("6423", 50m, 0m), ("112", 0m, 50m));
        (await books.GetAsync<AuditVerificationDto>("/api/finance/audit/verify")).Ok.ShouldBeTrue();

        await factory.QueryAsync(books.Tenant, db => db.Database.ExecuteSqlRawAsync(
            "UPDATE journal_lines SET debit = '30', credit = '0' WHERE entry_id = {0} AND line_no = 1", second.Id.ToString()));
        var verification = await books.GetAsync<AuditVerificationDto>("/api/finance/audit/verify");

        verification.Ok.ShouldBeFalse();
        verification.FirstBroken!.Number.ShouldBe(2);
        verification.FirstBroken.EntryId.ShouldBe(second.Id);
        verification.FirstBroken.Reason.ShouldBe("its content (date, description, source, lines or amounts) is not what was hashed when it was posted");
        var consistency = await books.ConsistencyAsync();
        consistency.Checks.Single(c => c.Name == "I5").Detail.ShouldStartWith("entry #2: 2 line(s): debits 30, credits 300");
    }

    [Fact]
    public async Task A_verification_checks_the_chain_up_to_the_head_it_read_while_entries_go_on_being_posted()
    {
        var books = new Bookkeeper(factory);
        await books.ManualEntryAsync("2026-11-01", "Capital", ("112", 1000m, 0m), ("4111", 0m, 1000m));
        await books.ManualEntryAsync("2026-11-02", "Rent", ("6427", 300m, 0m), ("112", 0m, 300m));

        var verification = await factory.QueryAsync(books.Tenant, async db =>
        {
            // The head as the verification read it, and then postings that commit before it reads the journal.
            var head = await db.Books.AsNoTracking().FirstAsync();
            await books.ManualEntryAsync("2026-11-03", "Supplies", ("6423", 50m, 0m), ("112", 0m, 50m));
            await books.ManualEntryAsync("2026-11-04", "Supplies", ("6423", 20m, 0m), ("112", 0m, 20m));
            return await Audit.VerifyAsync(db, head, TimeProvider.System, CancellationToken.None);
        });

        (verification.Ok, verification.Entries, verification.FirstBroken).ShouldBe((true, 2L, null));
        (await books.GetAsync<AuditVerificationDto>("/api/finance/audit/verify")).Entries.ShouldBe(4);
    }

    [Fact]
    public async Task The_schema_created_by_the_migrations_matches_the_model()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        SchemaAssert.MatchesModel(scope.ServiceProvider.GetRequiredService<FinanceDbContext>());
    }
}
