using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tessera.Testing;

namespace Tessera.System.Tests.Security;

/// <summary>Through the public port, as an attacker holding a stolen token or cookie would see it: revocation takes seconds.</summary>
[Collection(SecurityCollection.Name)]
public sealed class RevocationTests(SecurityFixture fixture)
{
    private static readonly TimeSpan WithinSeconds = TimeSpan.FromSeconds(6);

    private async Task<(HttpClient Admin, string User)> UserAsync()
    {
        var admin = fixture.Browser();
        (await admin.SignInAsync("demo", "admin", RunningSystem.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var user = "revoked-" + Guid.NewGuid().ToString("N")[..8];
        await admin.CreateUserAsync(user, SecurityFixture.UserPassword, "admin");
        return (admin, user);
    }

    private async Task<string> AccessTokenAsync(string user)
    {
        var response = await fixture.Anonymous.PostAsJsonAsync("/api/auth/token", new { tenant = "demo", username = user, password = SecurityFixture.UserPassword });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
    }

    private async Task<HttpStatusCode> UseTokenAsync(string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/catalog/products");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await fixture.Anonymous.SendAsync(request)).StatusCode;
    }

    private async Task<string> CookieAsync(string user)
    {
        using var browser = fixture.Browser();
        var response = await browser.SignInAsync("demo", user, SecurityFixture.UserPassword);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("tessera.session=", StringComparison.Ordinal)).Split(';')[0];
    }

    private async Task<bool> CookieOpensAsync(string cookie)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = fixture.System.PublicUrl };
        var request = new HttpRequestMessage(HttpMethod.Get, "/orders");
        request.Headers.Add("Cookie", cookie);
        return (await client.SendAsync(request)).StatusCode == HttpStatusCode.OK;
    }

    [Fact]
    public async Task Disabling_a_user_ends_their_tokens_and_cookies_within_seconds()
    {
        var (admin, user) = await UserAsync();
        var token = await AccessTokenAsync(user);
        var cookie = await CookieAsync(user);
        (await UseTokenAsync(token)).ShouldBe(HttpStatusCode.OK);
        (await CookieOpensAsync(cookie)).ShouldBeTrue();

        (await admin.EditUserAsync(user, ["admin"], disabled: true)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        await Poll.UntilAsync(() => UseTokenAsync(token), s => s == HttpStatusCode.Unauthorized, "the disabled user's token to stop working", WithinSeconds);
        await Poll.UntilAsync(async () => !await CookieOpensAsync(cookie), "the disabled user's cookie to stop working", WithinSeconds);
    }

    [Fact]
    public async Task Changing_a_password_ends_the_tokens_and_cookies_from_before_within_seconds()
    {
        var (admin, user) = await UserAsync();
        var token = await AccessTokenAsync(user);
        var cookie = await CookieAsync(user);

        (await admin.EditUserAsync(user, ["admin"], newPassword: "a-new-password-9")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        await Poll.UntilAsync(() => UseTokenAsync(token), s => s == HttpStatusCode.Unauthorized, "the old token to stop working", WithinSeconds);
        await Poll.UntilAsync(async () => !await CookieOpensAsync(cookie), "the old cookie to stop working", WithinSeconds);
    }

    [Fact]
    public async Task A_cookie_kept_after_signing_out_opens_nothing()
    {
        var (_, user) = await UserAsync();
        var jar = new CookieContainer();
        using var browser = fixture.Browser(jar);
        (await browser.SignInAsync("demo", user, SecurityFixture.UserPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var cookie = jar.GetCookies(fixture.System.PublicUrl).Where(c => c.Name == "tessera.session").Select(c => $"{c.Name}={c.Value}").Single();
        (await CookieOpensAsync(cookie)).ShouldBeTrue();

        (await browser.PostFormAsync("/signout", [])).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        (await CookieOpensAsync(cookie)).ShouldBeFalse();
    }
}
