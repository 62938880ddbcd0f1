using System.Net;
using Tessera.Testing;
using Tessera.Web.Data;

namespace Tessera.Web.Tests;

/// <summary>The front-end with finance (and every other service, reporting included) down: nobody listens on their ports.</summary>
public sealed class FinancePagesFactory : ServiceFactory<Program, WebDbContext>
{
    public const string AdminPassword = "demo-password-123";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tessera:Bootstrap:AdminPassword"] = AdminPassword,
        ["Tessera:RateLimit:SignInPerMinute"] = "1000",
        ["Tessera:Services:catalog"] = $"http://127.0.0.1:{Ports.Free()}",
        ["Tessera:Services:inventory"] = $"http://127.0.0.1:{Ports.Free()}",
        ["Tessera:Services:orders"] = $"http://127.0.0.1:{Ports.Free()}",
        ["Tessera:Services:procurement"] = $"http://127.0.0.1:{Ports.Free()}",
        ["Tessera:Services:logistics"] = $"http://127.0.0.1:{Ports.Free()}",
        ["Tessera:Services:finance"] = $"http://127.0.0.1:{Ports.Free()}",
        ["Tessera:Services:reporting"] = $"http://127.0.0.1:{Ports.Free()}",
    };
}

/// <summary>The books' pages: who may open and post which, and how they read while finance is down.</summary>
public sealed class FinancePagesTests(FinancePagesFactory factory) : IClassFixture<FinancePagesFactory>
{
    private const string Entry = "/finance/entries/0196a3c4-0000-7000-8000-000000000001";
    private readonly PageSessions _people = new(factory, FinancePagesFactory.AdminPassword);

    [Theory]
    [InlineData("/finance")]
    [InlineData("/finance?asOf=2026-03-31&from=2026-03-01")]
    [InlineData("/finance/accounts/156")]
    [InlineData("/finance/journal")]
    [InlineData(Entry)]
    [InlineData("/finance/balance-sheet")]
    [InlineData("/finance/income-statement")]
    [InlineData("/finance/invoices")]
    [InlineData("/finance/invoices/0196a3c4-0000-7000-8000-000000000001")]
    [InlineData("/finance/bills")]
    [InlineData("/finance/ageing")]
    [InlineData("/finance/posting-rules")]
    [InlineData("/finance/posting-rules/goods-received")]
    [InlineData("/finance/periods")]
    public async Task With_finance_down_every_page_of_the_books_says_so_and_retries_instead_of_failing(string path)
    {
        var accountant = await _people.UserAsync("accountant");

        var response = await accountant.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("Finance is unavailable — retrying");
        html.ShouldContain("hx-trigger=\"every 5s\"");
    }

    [Fact]
    public async Task The_retry_of_the_trial_balance_answers_the_notice_again_while_finance_is_still_down()
    {
        var browser = await _people.SignedInAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/finance?handler=Reload");
        request.Headers.Add("HX-Request", "true");

        var response = await browser.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.Contains("HX-Refresh").ShouldBeFalse();
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("Finance is unavailable — retrying");
        html.ShouldNotContain("<html");
    }

    [Fact]
    public async Task Administrators_viewers_and_finance_staff_read_the_books_accountants_and_operators_keep_them_and_sales_and_the_warehouse_see_neither()
    {
        var admin = await _people.UserAsync("admin");
        var demoOperator = await _people.SignedInAsync(); // the demo tenant's first user is an administrator and an operator
        var viewer = await _people.UserAsync("viewer");
        var finance = await _people.UserAsync("finance");
        var accountant = await _people.UserAsync("accountant");
        var sales = await _people.UserAsync("sales");
        var warehouse = await _people.UserAsync("warehouse");

        foreach (var reader in new[] { admin, viewer, finance, accountant })
            (await reader.GetAsync("/finance")).StatusCode.ShouldBe(HttpStatusCode.OK);
        foreach (var outsider in new[] { sales, warehouse })
        {
            var denied = await outsider.GetAsync("/finance");
            denied.StatusCode.ShouldBe(HttpStatusCode.Redirect, await denied.Content.ReadAsStringAsync());
            denied.Headers.Location!.ToString().ShouldContain("/denied");
        }
        foreach (var reader in new[] { admin, viewer, finance })
            (await reader.GetAsync("/finance/entries/new")).Headers.Location!.ToString().ShouldContain("/denied");
        foreach (var keeper in new[] { accountant, demoOperator })
            (await keeper.GetAsync("/finance/entries/new")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // A reader who posts a form anyway (an old tab, a crafted request) is refused before finance is asked.
        var periods = await admin.GetStringAsync("/finance/periods");
        var lockAttempt = await admin.PostAsync("/finance/periods?handler=Lock", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["LockDate"] = "2026-01-31", ["__RequestVerificationToken"] = PageSessions.Token(periods),
        }));
        lockAttempt.Headers.Location!.ToString().ShouldContain("/denied");
        var rule = await viewer.GetStringAsync("/finance/posting-rules/goods-received");
        var ruleAttempt = await viewer.PostAsync("/finance/posting-rules/goods-received", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Lines"] = "| debit | 156 | value | |", ["__RequestVerificationToken"] = PageSessions.Token(rule),
        }));
        ruleAttempt.Headers.Location!.ToString().ShouldContain("/denied");
    }

    [Fact]
    public async Task The_books_are_in_the_menu_of_those_who_may_read_them_only()
    {
        var viewer = await _people.UserAsync("viewer");
        var sales = await _people.UserAsync("sales");

        (await viewer.GetStringAsync("/")).ShouldContain("href=\"/finance\"");
        (await sales.GetStringAsync("/")).ShouldNotContain("href=\"/finance\"");
    }
}
