using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Tessera.Testing;
using Tessera.Web.Data;

namespace Tessera.Web.Tests;

/// <summary>The front-end with procurement, catalog and inventory all down: nobody listens on their ports.</summary>
public sealed class ProcurementPagesFactory : ServiceFactory<Program, WebDbContext>
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
    };
}

/// <summary>The purchasing pages: who may open which, and how they read when the services behind them are down.</summary>
public sealed class ProcurementPagesTests(ProcurementPagesFactory factory) : IClassFixture<ProcurementPagesFactory>
{
    private HttpClient Browser() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private async Task<HttpClient> SignedInAsync(string username = "admin", string password = ProcurementPagesFactory.AdminPassword)
    {
        var browser = Browser();
        var form = await browser.GetStringAsync("/signin");
        var response = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Tenant"] = "demo", ["Username"] = username, ["Password"] = password, ["__RequestVerificationToken"] = Token(form),
        }));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return browser;
    }

    private async Task<HttpClient> UserAsync(string role)
    {
        var admin = await SignedInAsync();
        var username = role + Guid.NewGuid().ToString("N")[..6];
        var created = await admin.PostAsync("/admin/users", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Username"] = username, ["Password"] = "user-password-1", ["SelectedRoles"] = role, ["__RequestVerificationToken"] = Token(await admin.GetStringAsync("/admin/users")),
        }));
        created.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await SignedInAsync(username, "user-password-1");
    }

    private static string Token(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"|\"RequestVerificationToken\": \"([^\"]+)\"") is { Success: true } m
            ? (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)
            : throw new InvalidOperationException("No antiforgery token in the page.");

    [Theory]
    [InlineData("/procurement")]
    [InlineData("/procurement/suppliers")]
    [InlineData("/procurement/prices")]
    [InlineData("/procurement/receipts")]
    [InlineData("/procurement/returns")]
    [InlineData("/procurement/suggestions")]
    [InlineData("/procurement/orders/new")]
    [InlineData("/procurement/orders/0196a3c4-0000-7000-8000-000000000001")]
    [InlineData("/procurement/orders/0196a3c4-0000-7000-8000-000000000001/receive")]
    [InlineData("/procurement/receipts/0196a3c4-0000-7000-8000-000000000001")]
    [InlineData("/procurement/returns/0196a3c4-0000-7000-8000-000000000001")]
    [InlineData("/procurement/suppliers/0196a3c4-0000-7000-8000-000000000001")]
    public async Task With_procurement_down_every_page_says_so_and_retries_instead_of_failing(string path)
    {
        var browser = await SignedInAsync();

        var response = await browser.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("is unavailable — retrying");
        html.ShouldContain("hx-trigger=\"every 5s\"");
    }

    [Fact]
    public async Task The_retry_of_a_page_that_was_down_answers_the_notice_again_while_the_service_is_still_down()
    {
        var browser = await SignedInAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/procurement/orders/0196a3c4-0000-7000-8000-000000000001?handler=Reload");
        request.Headers.Add("HX-Request", "true");

        var response = await browser.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.Contains("HX-Refresh").ShouldBeFalse();
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("Procurement is unavailable — retrying");
        html.ShouldNotContain("<html");
    }

    [Fact]
    public async Task Writing_pages_are_for_purchasing_and_receiving_also_for_the_warehouse()
    {
        var sales = await UserAsync("sales");
        var warehouse = await UserAsync("warehouse");
        var purchasing = await UserAsync("purchasing");
        const string order = "/procurement/orders/0196a3c4-0000-7000-8000-000000000001";

        (await sales.GetAsync("/procurement")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await sales.GetAsync("/procurement/orders/new")).Headers.Location!.ToString().ShouldContain("/denied");
        (await sales.GetAsync("/procurement/suppliers/new")).Headers.Location!.ToString().ShouldContain("/denied");
        (await sales.GetAsync(order + "/receive")).Headers.Location!.ToString().ShouldContain("/denied");
        (await warehouse.GetAsync("/procurement/orders/new")).Headers.Location!.ToString().ShouldContain("/denied");
        (await warehouse.GetAsync(order + "/receive")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await warehouse.GetAsync("/procurement/returns/new?receiptId=0196a3c4-0000-7000-8000-000000000001")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await purchasing.GetAsync("/procurement/orders/new")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var page = await sales.GetStringAsync("/procurement");
        var approve = await sales.PostAsync(order + "?handler=Approve", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["version"] = "1", ["__RequestVerificationToken"] = Token(page),
        }));
        approve.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        approve.Headers.Location!.ToString().ShouldContain("/denied");
    }
}

/// <summary>The purchasing pages with data from procurement, while the catalog and inventory are down.</summary>
public sealed class ProcurementPagesWithDataTests(ProcurementUpFactory factory) : IClassFixture<ProcurementUpFactory>
{
    private async Task<HttpClient> SignedInAsync()
    {
        var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await browser.GetStringAsync("/signin");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Tenant"] = "demo", ["Username"] = "admin", ["Password"] = ProcurementUpFactory.AdminPassword, ["__RequestVerificationToken"] = token,
        }));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return browser;
    }

    [Theory]
    [InlineData("/procurement", new[] { "PO-000042", "Highland Beans", "Partially received", "warehouses are shown by code" })]
    [InlineData("/procurement/suppliers", new[] { "BEANS", "Le Thi Mai", "0903111222", "30 days" })]
    [InlineData("/procurement/suppliers/0196a3c4-0000-7000-8000-0000000000a1", new[] { "value=\"mai@beans.vn\"", "value=\"5 Le Loi\"", "Save supplier" })]
    [InlineData("/procurement/prices", new[] { "COF-1", "₫250,000", "Preferred", "product names will show when it is back", "Add prices" })]
    [InlineData("/procurement/orders/0196a3c4-0000-7000-8000-0000000000b1", new[] { "PO-000042", "Quote 7", "Goods receipt GR-000007", "10% · ₫250,000", "Close purchase order", "Receive goods" })]
    [InlineData("/procurement/orders/0196a3c4-0000-7000-8000-0000000000b1/receive", new[] { "Accepted, line 1", "Over-receipt tolerance 5 %", "Record receipt" })]
    [InlineData("/procurement/receipts", new[] { "GR-000007", "PO-000042", "Posted to inventory", "Return goods" })]
    [InlineData("/procurement/receipts/0196a3c4-0000-7000-8000-0000000000c1", new[] { "Torn bag", "DN-991", "SR-000003" })]
    [InlineData("/procurement/returns", new[] { "SR-000003", "Mouldy beans", "Refused", "in stock 1" })]
    [InlineData("/procurement/returns/0196a3c4-0000-7000-8000-0000000000d1", new[] { "Inventory could not issue the goods", "₫500,000", "GR-000007" })]
    [InlineData("/procurement/returns/new?receiptId=0196a3c4-0000-7000-8000-0000000000c1", new[] { "Return now, COF-1", "goods receipt GR-000007" })]
    [InlineData("/procurement/suggestions", new[] { "COF-1", "PO-000042", "No supplier sells it", "Add a supplier price", "Dismiss" })]
    [InlineData("/procurement/orders/new", new[] { "Inventory is unavailable — retrying", "the form comes back when inventory does" })]
    public async Task A_page_shows_procurements_data_and_works_without_catalog_and_inventory(string path, string[] expected)
    {
        var browser = await SignedInAsync();

        var response = await browser.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        var html = System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        foreach (var text in expected)
            html.ShouldContain(text, Case.Sensitive, path);
        html.ShouldNotContain("Procurement is unavailable");
    }

    [Fact]
    public async Task A_record_procurement_does_not_have_is_a_404_page()
    {
        var browser = await SignedInAsync();

        (await browser.GetAsync("/procurement/orders/0196a3c4-0000-7000-8000-0000000000ff")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await browser.GetAsync("/procurement/suppliers/0196a3c4-0000-7000-8000-0000000000ff")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
