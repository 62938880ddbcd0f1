using System.Net;
using Tessera.Testing;

namespace Tessera.Web.Tests;

/// <summary>What protects the pages: sign-in, roles, CSRF tokens, security headers, and session keys kept in the data folder.</summary>
public sealed class PageSecurityTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private HttpClient Browser() => Browsers.New(factory);

    private Task<HttpClient> SignedInAsync(string tenant = "demo", string username = "admin", string password = GatewayFactory.AdminPassword) =>
        Browsers.SignedInAsync(factory, tenant, username, password);

    private static string Token(string html) => Browsers.Token(html);

    [Fact]
    public async Task Pages_need_a_session_and_send_people_to_sign_in()
    {
        var response = await Browser().GetAsync("/orders");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldStartWith("http://localhost/signin?ReturnUrl=%2Forders");
    }

    [Fact]
    public async Task An_htmx_fragment_without_a_session_asks_for_a_full_redirect_instead_of_swapping_the_sign_in_page()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/orders?handler=Table");
        request.Headers.Add("HX-Request", "true");

        var response = await Browser().SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.GetValues("HX-Redirect").Single().ShouldContain("/signin");
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        var response = await Browser().GetAsync("/signin");

        response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("script-src 'self'");
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("strict-origin-when-cross-origin");
        (await response.Content.ReadAsStringAsync()).ShouldNotContain("<script>");
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused()
    {
        var browser = await SignedInAsync();

        var response = await browser.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string>()));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var stillSignedIn = await browser.GetAsync("/orders");
        stillSignedIn.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await stillSignedIn.Content.ReadAsStringAsync()).ShouldContain("Orders is unavailable — retrying");
    }

    [Fact]
    public async Task Administration_pages_are_for_administrators_only()
    {
        var admin = await SignedInAsync();
        var users = await admin.GetStringAsync("/admin/users");
        var created = await admin.PostAsync("/admin/users", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Username"] = "clerk",
            ["Password"] = "clerk-password-1",
            ["SelectedRoles"] = "sales",
            ["__RequestVerificationToken"] = Token(users),
        }));
        created.StatusCode.ShouldBe(HttpStatusCode.OK);
        var clerk = await SignedInAsync(username: "clerk", password: "clerk-password-1");

        var denied = await clerk.GetAsync("/admin/users");

        denied.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        denied.Headers.Location!.ToString().ShouldContain("/denied");
        (await clerk.GetAsync("/operations")).Headers.Location!.ToString().ShouldContain("/denied");
        (await clerk.GetAsync("/orders/new")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Session_keys_are_kept_in_the_data_folder()
    {
        await SignedInAsync();

        Directory.GetFiles(Path.Combine(factory.DataDir, "keys", "data-protection"), "key-*.xml").ShouldNotBeEmpty();
    }

    [Fact]
    public async Task An_unknown_page_is_a_plain_404_page()
    {
        var browser = await SignedInAsync();

        var response = await browser.GetAsync("/no/such/page");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await response.Content.ReadAsStringAsync()).ShouldContain("There is no page at this address.");
    }
}
