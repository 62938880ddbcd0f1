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
