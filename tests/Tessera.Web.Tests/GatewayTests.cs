using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;
using Tessera.Web.Data;

namespace Tessera.Web.Tests;

public sealed class GatewayTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private async Task<string> TokenAsync(string tenant = "demo", string username = "admin", string password = GatewayFactory.AdminPassword)
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { tenant, username, password });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("expires_in").GetInt32().ShouldBe(900);
        body.GetProperty("refresh_token").GetString().ShouldNotBeNullOrEmpty();
        body.GetProperty("token_type").GetString().ShouldBe("Bearer");
        return body.GetProperty("access_token").GetString()!;
    }

    private HttpClient Client(string token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task The_demo_administrator_signs_in_and_a_wrong_password_does_not()
    {
        (await TokenAsync()).ShouldNotBeNullOrEmpty();

        var wrong = await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { tenant = "demo", username = "admin", password = "nope" });
        var noTenant = await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { tenant = "nowhere", username = "admin", password = GatewayFactory.AdminPassword });
        var empty = await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { tenant = "demo" });

        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        noTenant.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await empty.ProblemAsync()).ErrorFields().ShouldBe(["username", "password"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_call_is_forwarded_unchanged_with_a_fresh_short_internal_token_for_the_same_user()
    {
        var client = Client(await TokenAsync());
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/catalog/products?x=1&y=two") { Content = JsonContent.Create(new { sku = "A-1" }) };
        request.Headers.Add("Idempotency-Key", "abc");
        request.Headers.Add("Cookie", "tessera.session=someone-elses");

        var response = await client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        response.Headers.Server.ShouldBeEmpty();
        var echo = (await response.Content.ReadFromJsonAsync<EchoReply>(TesseraJson.Options))!;
        (echo.Method, echo.Path, echo.Query).ShouldBe(("POST", "/api/catalog/products", "?x=1&y=two"));
        echo.Body.ShouldBe("{\"sku\":\"A-1\"}");
        (echo.Subject, echo.Tenant).ShouldBe(("admin", "demo"));
        echo.Roles.ShouldBe(["admin", "operator"], ignoreOrder: true);
        echo.LifetimeSeconds.ShouldBe(60);
        echo.IdempotencyKey.ShouldBe("abc");
        echo.Cookie.ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_a_valid_access_token_nothing_is_forwarded()
    {
        var internalToken = TestTokens.Internal(factory.DataDir, "demo");

        (await factory.CreateClient().GetAsync("/api/catalog/products")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Client("garbage").GetAsync("/api/catalog/products")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        // an internal token is for services only; the public entry point does not accept it
        (await Client(internalToken).GetAsync("/api/catalog/products")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_service_that_is_down_is_named_in_a_503()
    {
        var response = await Client(await TokenAsync()).GetAsync("/api/inventory/stock");

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.ShouldNotBeNull();
        (await response.ProblemAsync()).GetProperty("title").GetString().ShouldBe("Inventory is unavailable");
    }

    [Fact]
    public async Task A_service_that_dies_in_the_middle_of_its_answer_breaks_the_callers_answer_rather_than_cutting_it_short()
    {
        var response = await Client(await TokenAsync()).GetAsync("/api/catalog/cut-off", HttpCompletionOption.ResponseHeadersRead);

        // Normally the status line has come through and the body breaks; if the cut overtook the status line, the service
        // is reported unavailable. Never an OK whose short body reads as if it were whole.
        if (response.StatusCode == HttpStatusCode.OK)
            await Should.ThrowAsync<Exception>(() => response.Content.ReadAsStringAsync());
        else
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task Only_known_services_are_reachable()
    {
        var response = await Client(await TokenAsync()).GetAsync("/api/secrets/keys");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_client_over_its_rate_gets_429_with_retry_after_and_other_clients_are_unaffected()
    {
        await CreateTenant("ratelimited", "owner");
        var noisy = Client(await TokenAsync("ratelimited", "owner", "owner-password-1"));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
            statuses.Add((await noisy.GetAsync("/api/catalog/products")).StatusCode);
        var refused = await noisy.GetAsync("/api/catalog/products");

        statuses.ShouldContain(HttpStatusCode.TooManyRequests);
        statuses.Count(s => s == HttpStatusCode.Created).ShouldBeGreaterThanOrEqualTo(20);
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter.ShouldNotBeNull();
        (await Client(await TokenAsync()).GetAsync("/api/catalog/products")).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task An_operator_creates_a_tenant_whose_admin_can_sign_in_and_others_may_not()
    {
        await CreateTenant("northwind", "boss");
        var tenantAdmin = Client(await TokenAsync("northwind", "boss", "boss-password-1"));

        var duplicate = await Client(await TokenAsync()).PostAsJsonAsync("/api/tenants",
            new { id = "northwind", name = "Again", admin = new { username = "x", password = "long-enough-1" } });
        var notOperator = await tenantAdmin.PostAsJsonAsync("/api/tenants",
            new { id = "sneaky", name = "Sneaky", admin = new { username = "x", password = "long-enough-1" } });
        var invalid = await Client(await TokenAsync()).PostAsJsonAsync("/api/tenants", new { id = "Bad Id", name = "", admin = new { username = "x", password = "short" } });

        duplicate.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        notOperator.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await invalid.ProblemAsync()).ErrorFields().ShouldBe(["id", "name", "admin.password"], ignoreOrder: true);
    }

    private async Task CreateTenant(string id, string admin)
    {
        var response = await Client(await TokenAsync()).PostAsJsonAsync("/api/tenants",
            new { id, name = id + " Ltd", admin = new { username = admin, password = admin + "-password-1" } });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public void The_migrations_create_every_mapped_table_and_column()
    {
        using var scope = factory.Services.CreateScope();
        SchemaAssert.MatchesModel(scope.ServiceProvider.GetRequiredService<WebDbContext>());
    }
}
