using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Tessera.ServiceDefaults.Security;
using Tessera.Testing;

namespace Tessera.Catalog.Tests;

/// <summary>What every service gets from the platform, checked once here through the catalog.</summary>
public sealed class PlatformBehaviourTests(CatalogFactory factory) : IClassFixture<CatalogFactory>
{
    [Fact]
    public async Task Without_a_token_every_api_endpoint_answers_401_with_a_problem()
    {
        var anonymous = factory.CreateClient();

        var response = await anonymous.GetAsync("/api/catalog/products");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.ProblemAsync()).GetProperty("title").GetString().ShouldBe("Authentication required");
        (await anonymous.GetAsync("/events")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync("/api/catalog/messaging/parked")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_expired_token_is_refused_and_says_so()
    {
        var codec = new SignedTokenCodec([Key()], new ShiftedClock(TimeSpan.FromHours(-2)));
        var expired = codec.Issue("tester", "acme", [Roles.Admin], TokenAudiences.Internal, TimeSpan.FromMinutes(5));

        var response = await Send(expired);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldContain("expired");
    }

    [Fact]
    public async Task A_tampered_token_is_refused()
    {
        var token = TestTokens.Internal(factory.DataDir, "acme");
        var parts = token.Split('.');
        var payload = JsonDocument.Parse(Convert.FromBase64String(Pad(parts[1].Replace('-', '+').Replace('_', '/')))).RootElement.GetRawText()
            .Replace("\"acme\"", "\"globex\"");
        var forged = parts[0] + "." + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(payload)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "." + parts[2];

        (await Send(forged)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Send(token + "x")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Send("not-a-token")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_for_another_audience_is_refused()
    {
        var apiToken = new SignedTokenCodec([Key()], TimeProvider.System).Issue("tester", "acme", [Roles.Admin], TokenAudiences.Api, TimeSpan.FromMinutes(5));

        (await Send(apiToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_user_token_cannot_read_the_event_feed()
    {
        var user = factory.ClientFor("acme");

        (await user.GetAsync("/events?after=0")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Health_and_the_openapi_document_need_no_token()
    {
        var anonymous = factory.CreateClient();

        var ready = await anonymous.GetAsync("/health/ready");
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ready.Content.ReadAsStringAsync()).ShouldContain("migrations applied");
        (await anonymous.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var openApi = await anonymous.GetAsync("/openapi/v1.json");
        openApi.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await openApi.Content.ReadAsStringAsync()).ShouldContain("/api/catalog/products");
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        var response = await factory.ClientFor("acme").GetAsync("/api/catalog/nothing-here");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    private byte[] Key() => Tessera.ServiceDefaults.Hosting.SecretStore.ForDataDir(factory.DataDir).GetOrCreateKey("internal-token");

    private Task<HttpResponseMessage> Send(string token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.GetAsync("/api/catalog/products");
    }

    private static string Pad(string base64) => base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }
}
