using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Web.Tests;

/// <summary>
/// A session ends on the server: a disabled user's or a changed password's cookies and tokens stop working within
/// seconds, signing out ends the cookie or the token grant, refresh tokens are used once, and an account under a
/// password-guessing attack from many addresses is locked for a while.
/// </summary>
public sealed class SessionRevocationTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static readonly TimeSpan WithinSeconds = TimeSpan.FromSeconds(6);

    private sealed record Grant(string AccessToken, string RefreshToken, int ExpiresIn);

    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private async Task<HttpResponseMessage> PasswordGrantAsync(string username, string password, string tenant = "demo") =>
        await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { tenant, username, password });

    private async Task<Grant> GrantAsync(string username, string password)
    {
        var response = await PasswordGrantAsync(username, password);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return Read(await response.Content.ReadAsStringAsync());
    }

    private static Grant Read(string json)
    {
        var body = JsonDocument.Parse(json).RootElement;
        return new Grant(body.GetProperty("access_token").GetString()!, body.GetProperty("refresh_token").GetString()!, body.GetProperty("expires_in").GetInt32());
    }

    private Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
        factory.CreateClient().PostAsJsonAsync("/api/auth/refresh", new Dictionary<string, string> { ["refresh_token"] = refreshToken });

    private async Task<HttpStatusCode> CallAsync(string accessToken)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return (await client.GetAsync("/api/catalog/products")).StatusCode;
    }

    private async Task<(HttpClient Admin, string User, string Password)> UserAsync(params string[] roles)
    {
        var admin = await Browsers.SignedInAsync(factory);
        var user = NewName("clerk");
        const string password = "clerk-password-1";
        await admin.CreateUserAsync(user, password, roles.Length == 0 ? ["sales"] : roles);
        return (admin, user, password);
    }

    private static Task<HttpResponseMessage> EditAsync(HttpClient admin, string user, bool disabled = false, string? newPassword = null, params string[] roles) =>
        admin.EditUserAsync(user, roles.Length == 0 ? ["sales"] : roles, disabled, newPassword);

    [Fact]
    public async Task Access_tokens_are_short_lived_and_come_with_a_refresh_token_that_works_once()
    {
        var (_, user, password) = await UserAsync();
        var first = await GrantAsync(user, password);

        var refreshed = await RefreshAsync(first.RefreshToken);
        refreshed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var second = Read(await refreshed.Content.ReadAsStringAsync());
        var replayed = await RefreshAsync(first.RefreshToken);

        first.ExpiresIn.ShouldBe(900);
        second.RefreshToken.ShouldNotBe(first.RefreshToken);
        replayed.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await replayed.ProblemAsync()).GetProperty("detail").GetString()!.ShouldContain("already used");
        // A refresh token presented twice was copied: the whole session ends, the thief's tokens and the owner's alike.
        (await CallAsync(second.AccessToken)).ShouldBe(HttpStatusCode.Unauthorized);
        (await RefreshAsync(second.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_disabled_user_s_access_and_refresh_tokens_stop_working_within_seconds()
    {
        var (admin, user, password) = await UserAsync();
        var grant = await GrantAsync(user, password);
        (await CallAsync(grant.AccessToken)).ShouldBe(HttpStatusCode.Created);

        (await EditAsync(admin, user, disabled: true)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        await Poll.UntilAsync(() => CallAsync(grant.AccessToken), s => s == HttpStatusCode.Unauthorized, "the disabled user's token to be refused", WithinSeconds);
        (await RefreshAsync(grant.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await PasswordGrantAsync(user, password)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_changed_password_ends_every_token_of_the_user_and_the_new_password_works()
    {
        var (admin, user, password) = await UserAsync();
        var grant = await GrantAsync(user, password);

        (await EditAsync(admin, user, newPassword: "another-password-2")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        await Poll.UntilAsync(() => CallAsync(grant.AccessToken), s => s == HttpStatusCode.Unauthorized, "the old token to be refused", WithinSeconds);
        (await RefreshAsync(grant.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await CallAsync((await GrantAsync(user, "another-password-2")).AccessToken)).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Signing_out_through_the_api_ends_the_token_grant()
    {
        var (_, user, password) = await UserAsync();
        var grant = await GrantAsync(user, password);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", grant.AccessToken);

        (await client.PostAsync("/api/auth/signout", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await CallAsync(grant.AccessToken)).ShouldBe(HttpStatusCode.Unauthorized);
        (await RefreshAsync(grant.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Changed_roles_apply_to_the_next_call_a_refreshed_token_carries_them()
    {
        var (admin, user, password) = await UserAsync("sales");
        var grant = await GrantAsync(user, password);

        (await EditAsync(admin, user, roles: ["viewer"])).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        await Poll.UntilAsync(() => CallAsync(grant.AccessToken), s => s == HttpStatusCode.Unauthorized, "the token with the old roles to be refused", WithinSeconds);
        var refreshed = Read(await (await RefreshAsync(grant.RefreshToken)).Content.ReadAsStringAsync());
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", refreshed.AccessToken);
        var echo = (await (await client.GetAsync("/api/catalog/products")).Content.ReadFromJsonAsync<EchoReply>(TesseraJson.Options))!;
        echo.Roles.ShouldBe(["viewer"]);
    }

    /// <summary>The session cookie a browser got at sign-in, to be replayed by another client as an attacker would.</summary>
    private static async Task<(HttpClient Browser, string Cookie)> BrowserSessionAsync(GatewayFactory factory, string user, string password)
    {
        var browser = Browsers.New(factory);
        var response = await browser.SignInAsync("demo", user, password);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("tessera.session=", StringComparison.Ordinal)).Split(';')[0];
        return (browser, cookie);
    }

    private async Task<HttpResponseMessage> ReplayAsync(string cookie)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var request = new HttpRequestMessage(HttpMethod.Get, "/admin/users");
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    private static bool SentToSignIn(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.ToString().Contains("/signin", StringComparison.Ordinal);

    [Fact]
    public async Task Passwords_and_refresh_tokens_are_stored_only_as_hashes()
    {
        var (_, user, password) = await UserAsync();
        var grant = await GrantAsync(user, password);
        var refreshed = Read(await (await RefreshAsync(grant.RefreshToken)).Content.ReadAsStringAsync());

        await using var scope = factory.Services.CreateAsyncScope();
        var stored = await StoredText.ReadAsync(scope.ServiceProvider.GetRequiredService<Tessera.Web.Data.WebDbContext>());

        stored.ShouldContain(user);
        stored.ShouldNotContain(password);
        foreach (var token in new[] { grant.RefreshToken, refreshed.RefreshToken })
            stored.ShouldNotContain(token.Split('.')[1]);
    }

    [Fact]
    public async Task A_session_cookie_replayed_after_sign_out_opens_nothing()
    {
        var (admin, user, password) = await UserAsync("admin");
        var (browser, cookie) = await BrowserSessionAsync(factory, user, password);
        (await ReplayAsync(cookie)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var signedOut = await browser.PostFormAsync("/signout", new Dictionary<string, string>());

        signedOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        SentToSignIn(await ReplayAsync(cookie)).ShouldBeTrue();
        admin.Dispose();
    }

    [Fact]
    public async Task A_disabled_user_s_and_a_changed_password_s_cookies_open_nothing_within_seconds()
    {
        var (admin, user, password) = await UserAsync("admin");
        var (_, disabledCookie) = await BrowserSessionAsync(factory, user, password);
        var (other, otherPassword) = (NewName("clerk"), "clerk-password-1");
        await admin.CreateUserAsync(other, otherPassword, "admin");
        var (_, changedCookie) = await BrowserSessionAsync(factory, other, otherPassword);

        (await EditAsync(admin, user, disabled: true, roles: ["admin"])).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await EditAsync(admin, other, newPassword: "changed-password-3", roles: ["admin"])).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        await Poll.UntilAsync(async () => SentToSignIn(await ReplayAsync(disabledCookie)), "the disabled user's cookie to be refused", WithinSeconds);
        await Poll.UntilAsync(async () => SentToSignIn(await ReplayAsync(changedCookie)), "the cookie from before the password change to be refused", WithinSeconds);
    }

    private async Task<HttpContext> GrantFromAsync(string address, string username, string password) =>
        await factory.Server.SendAsync(context =>
        {
            context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            context.Request.Method = HttpMethods.Post;
            context.Request.Path = "/api/auth/token";
            context.Request.ContentType = "application/json";
            var body = JsonSerializer.SerializeToUtf8Bytes(new { tenant = "demo", username, password });
            context.Request.Body = new MemoryStream(body);
            context.Request.ContentLength = body.Length;
            context.Features.Set<IHttpRequestBodyDetectionFeature>(new HasBody());
        });

    private sealed class HasBody : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }

    [Fact]
    public async Task Repeated_failed_sign_ins_from_many_addresses_lock_the_account_for_a_while_even_for_the_right_password()
    {
        var (_, user, password) = await UserAsync();
        var (_, bystander, bystanderPassword) = await UserAsync();

        for (var i = 1; i <= 5; i++)
            (await GrantFromAsync($"10.0.0.{i}", user, "wrong-guess-" + i)).Response.StatusCode.ShouldBe(StatusCodes.Status401Unauthorized);
        var locked = await GrantFromAsync("10.0.1.1", user, password);

        locked.Response.StatusCode.ShouldBe(StatusCodes.Status429TooManyRequests);
        int.Parse(locked.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(1, 30);
        (await GrantFromAsync("10.0.1.2", bystander, bystanderPassword)).Response.StatusCode.ShouldBe(StatusCodes.Status200OK);
    }

    [Fact]
    public async Task An_unknown_username_is_locked_the_same_way_so_a_lock_says_nothing_about_which_accounts_exist()
    {
        var nobody = NewName("nobody");

        for (var i = 1; i <= 5; i++)
            (await GrantFromAsync($"10.0.2.{i}", nobody, "wrong-guess-" + i)).Response.StatusCode.ShouldBe(StatusCodes.Status401Unauthorized);

        (await GrantFromAsync("10.0.3.1", nobody, "anything-at-all")).Response.StatusCode.ShouldBe(StatusCodes.Status429TooManyRequests);
    }

    [Fact]
    public async Task A_password_longer_than_128_characters_is_refused_naming_the_field()
    {
        var (admin, user, _) = await UserAsync();
        var huge = new string('p', 1024 * 1024 - 100);

        var grant = await factory.CreateClient().PostAsync("/api/auth/token",
            new StringContent($"{{\"tenant\":\"demo\",\"username\":\"{user}\",\"password\":\"{new string('p', 129)}\"}}", Encoding.UTF8, "application/json"));
        var megabyte = await factory.CreateClient().PostAsync("/api/auth/token",
            new StringContent($"{{\"tenant\":\"demo\",\"username\":\"{user}\",\"password\":\"{huge}\"}}", Encoding.UTF8, "application/json"));
        var page = await EditAsync(admin, user, newPassword: new string('p', 129));

        grant.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await grant.ProblemAsync()).ErrorFields().ShouldBe(["password"]);
        megabyte.StatusCode.ShouldBeOneOf(HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).ShouldContain("at most 128 characters");
    }
}
