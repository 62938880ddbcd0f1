using System.Net;
using Tessera.Finance.Contracts;
using Tessera.Testing;

namespace Tessera.Finance.Tests;

/// <summary>Tenants see only their own books; only accountants and operators post.</summary>
public sealed class AccessTests(FinanceFactory factory) : IClassFixture<FinanceFactory>
{
    [Fact]
    public async Task Another_tenants_accounts_entries_invoices_and_bills_answer_404()
    {
        var mine = new Bookkeeper(factory);
        var theirs = new Bookkeeper(factory);
        var (order, shipment) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await mine.OrderAsync(order, 1, "2026-11-02 08:00", 0m, ("TEA", 1m, 100m, 0.1m));
        await mine.DeliveredAsync(order, shipment, "HCM", "2026-11-03 08:00", ("TEA", 1m));
        var invoice = (await mine.InvoicesAsync(order)).ShouldHaveSingleItem();
        var entry = await mine.ManualEntryAsync("2026-11-02", "Capital", ("112", 1000m, 0m), ("4111", 0m, 1000m));
        var subAccount = await mine.PostAsync<AccountDto>("/api/finance/accounts", new { code = "1121", parent = "112", name = "Vietcombank", nameVi = "Vietcombank" });

        foreach (var url in new[]
                 {
                     $"/api/finance/accounts/{subAccount.Code}", $"/api/finance/entries/{entry.Id}", $"/api/finance/invoices/{invoice.Id}",
                     $"/api/finance/entries/{invoice.EntryId}",
                 })
            (await theirs.Accountant.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.NotFound, url);
        (await theirs.InvoicesAsync(order)).ShouldBeEmpty();
        (await theirs.EntriesAsync("")).ShouldBeEmpty();
        (await theirs.TrialBalanceAsync("2026-11-30")).Lines.ShouldBeEmpty();
        var pay = await theirs.Accountant.PostJsonAsync("/api/finance/payments", new
        {
            kind = "customer", amount = 10m, date = "2026-11-05", method = "bank", allocations = new[] { new { documentId = invoice.Id, amount = 10m } },
        });
        pay.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await pay.ProblemAsync()).ErrorFields().ShouldBe(["allocations[0].documentId"]);
        (await mine.GetAsync<InvoiceDto>($"/api/finance/invoices/{invoice.Id}")).Paid.ShouldBe(0m);
    }

    [Fact]
    public async Task A_posting_rule_changed_by_one_tenant_leaves_another_tenants_rule_as_it_was()
    {
        var mine = new Bookkeeper(factory);
        var theirs = new Bookkeeper(factory);
        var before = await (await theirs.Accountant.GetAsync("/api/finance/posting-rules/count-gain")).Content.ReadAsStringAsync();

        var changed = await mine.Accountant.PutAsync("/api/finance/posting-rules/count-gain", System.Net.Http.Json.JsonContent.Create(new
        {
            lines = new[] { new { side = "debit", account = "156", amount = "value" }, new { side = "credit", account = "711", amount = "value" } },
        }));

        changed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await (await mine.Accountant.GetAsync("/api/finance/posting-rules/count-gain")).Content.ReadAsStringAsync()).ShouldContain("\"711\"");
        (await (await theirs.Accountant.GetAsync("/api/finance/posting-rules/count-gain")).Content.ReadAsStringAsync()).ShouldBe(before);
    }

    [Theory]
    [InlineData("accountant", HttpStatusCode.Created)]
    [InlineData("operator", HttpStatusCode.Created)]
    [InlineData("admin", HttpStatusCode.Forbidden)]
    [InlineData("finance", HttpStatusCode.Forbidden)]
    [InlineData("sales", HttpStatusCode.Forbidden)]
    [InlineData("warehouse", HttpStatusCode.Forbidden)]
    [InlineData("viewer", HttpStatusCode.Forbidden)]
    public async Task Only_accountants_and_operators_post(string role, HttpStatusCode expected)
    {
        var books = new Bookkeeper(factory);
        var client = books.As(role);

        var entry = await client.PostJsonAsync("/api/finance/entries", new
        {
            date = "2026-11-02", description = "Capital", lines = new object[] { new { account = "112", debit = 10m }, new { account = "4111", credit = 10m } },
        });
        var payment = await client.PostJsonAsync("/api/finance/payments", new { kind = "customer", amount = 10m, date = "2026-11-05", method = "bank", allocations = Array.Empty<object>() });
        var rule = await client.PutAsync("/api/finance/posting-rules/count-gain", System.Net.Http.Json.JsonContent.Create(new
        {
            lines = new[] { new { side = "debit", account = "156", amount = "value" }, new { side = "credit", account = "711", amount = "value" } },
        }));

        entry.StatusCode.ShouldBe(expected);
        payment.StatusCode.ShouldBe(expected);
        rule.StatusCode.ShouldBe(expected == HttpStatusCode.Created ? HttpStatusCode.OK : expected);
    }

    [Theory]
    [InlineData("viewer", HttpStatusCode.OK)]
    [InlineData("finance", HttpStatusCode.OK)]
    [InlineData("admin", HttpStatusCode.OK)]
    [InlineData("sales", HttpStatusCode.Forbidden)]
    [InlineData("warehouse", HttpStatusCode.Forbidden)]
    public async Task The_books_are_read_by_finance_staff_administrators_and_viewers(string role, HttpStatusCode expected)
    {
        var books = new Bookkeeper(factory);

        (await books.As(role).GetAsync("/api/finance/trial-balance?asOf=2026-11-30")).StatusCode.ShouldBe(expected);
        (await books.As(role).GetAsync("/api/finance/accounts")).StatusCode.ShouldBe(expected);
    }

    [Fact]
    public async Task The_chart_is_chosen_once_by_an_operator_before_anything_is_posted()
    {
        var books = new Bookkeeper(factory);

        var byAccountant = await books.Accountant.PutAsync("/api/finance/ledger/setup", System.Net.Http.Json.JsonContent.Create(new { chart = "ifrs" }));
        var unknown = await books.As("operator").PutAsync("/api/finance/ledger/setup", System.Net.Http.Json.JsonContent.Create(new { chart = "us-gaap" }));
        var ifrs = await (await books.As("operator").PutAsync("/api/finance/ledger/setup",
            System.Net.Http.Json.JsonContent.Create(new { chart = "ifrs", currency = "USD", timeZone = "Europe/Berlin" }))).ReadAsync<LedgerSettingsDto>();
        var accounts = await books.GetAsync<List<AccountDto>>("/api/finance/accounts");
        await books.ManualEntryAsync("2026-11-02", "Capital", ("1010", 1000m, 0m), ("3000", 0m, 1000m));
        var again = await books.As("operator").PutAsync("/api/finance/ledger/setup", System.Net.Http.Json.JsonContent.Create(new { chart = "vn-tt99" }));

        byAccountant.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (ifrs.Chart, ifrs.Currency, ifrs.TimeZone).ShouldBe(("ifrs", "USD", "Europe/Berlin"));
        accounts.Single(a => a.Code == "1200").ShouldSatisfyAllConditions(a => a.Name.ShouldBe("Inventories - merchandise"), a => a.Role.ShouldBe("inventory"));
        accounts.ShouldNotContain(a => a.Code == "156");
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await again.ProblemAsync()).GetProperty("detail").GetString()!.ShouldContain("these books have 1 entries");
        var sheet = await books.GetAsync<BalanceSheetDto>("/api/finance/balance-sheet?asOf=2026-11-30");
        (sheet.Form, sheet.TotalAssets, sheet.TotalLiabilitiesAndEquity).ShouldBe(("IAS 1 statement of financial position", 1000m, 1000m));
    }

    [Fact]
    public async Task An_account_with_postings_keeps_its_type_and_cannot_be_deleted_and_one_in_use_cannot_be_deactivated()
    {
        var books = new Bookkeeper(factory);
        var bank = await books.PostAsync<AccountDto>("/api/finance/accounts", new { code = "1121", parent = "112", name = "Vietcombank", nameVi = "Ngân hàng Vietcombank" });
        await books.ManualEntryAsync("2026-11-02", "Capital", ("1121", 1000m, 0m), ("4111", 0m, 1000m));
        var spare = await books.PostAsync<AccountDto>("/api/finance/accounts", new { code = "1122", parent = "112", name = "ACB", nameVi = "Ngân hàng ACB" });

        var retype = await Put(books, "1121", bank.Version, new { type = "expense" });
        var delete = await books.Accountant.DeleteAsync("/api/finance/accounts/1121");
        var deactivateUsed = await Put(books, "156", 0, new { active = false });
        var deactivateSpare = await Put(books, "1122", spare.Version, new { active = false });
        var deleteSpare = await books.Accountant.DeleteAsync("/api/finance/accounts/1122");
        var badCode = await books.Accountant.PostJsonAsync("/api/finance/accounts", new { code = "2001", parent = "112", name = "X", nameVi = "X" });

        (bank.Type, bank.Parent, bank.Statement).ShouldBe(("asset", "112", "110"));
        retype.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        delete.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        deactivateUsed.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await deactivateUsed.ProblemAsync()).GetProperty("detail").GetString()!.ShouldStartWith("Posting rules in force post to 156 (goods-received,");
        deactivateSpare.StatusCode.ShouldBe(HttpStatusCode.OK);
        deleteSpare.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        badCode.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await books.GetAsync<List<AccountDto>>("/api/finance/accounts?q=112")).Select(a => (a.Code, a.HasPostings)).ShouldBe([("112", false), ("1121", true)]);
    }

    private static Task<HttpResponseMessage> Put(Bookkeeper books, string code, long version, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/finance/accounts/{code}") { Content = System.Net.Http.Json.JsonContent.Create(body) };
        if (version > 0)
            request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue($"\"{version}\""));
        return books.Accountant.SendAsync(request);
    }
}
