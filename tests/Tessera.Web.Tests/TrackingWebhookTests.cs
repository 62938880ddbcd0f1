using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Tessera.ServiceDefaults.Security;
using Tessera.Testing;
using Tessera.Web.Data;

namespace Tessera.Web.Tests;

/// <summary>
/// The web front-end in front of a recording "logistics" on loopback: it keeps every request it received (raw body,
/// signature, the claims of its token) and answers 202 with a small JSON body; carrier "DROP" makes it close the
/// connection, as a service that died mid-request.
/// </summary>
public sealed class TrackingWebhookFactory : ServiceFactory<Program, WebDbContext>, IAsyncLifetime
{
    private readonly int _logisticsPort = Ports.Free();
    private WebApplication? _logistics;

    public sealed record Received(string Path, byte[] Body, string? ContentType, string? Signature, string? Subject, string? Tenant, string[] Roles);

    public ConcurrentQueue<Received> Requests { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tessera:Bootstrap:AdminPassword"] = "demo-password-123",
        ["Tessera:Services:logistics"] = $"http://127.0.0.1:{_logisticsPort}",
        ["Tessera:Webhooks:Burst"] = "5",
        ["Tessera:Webhooks:PerSecond"] = "1",
    };

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_logisticsPort}");
        _logistics = builder.Build();
        _logistics.Map("/{**path}", async (HttpContext context) =>
        {
            if (context.Request.Path.Value!.EndsWith("/DROP", StringComparison.Ordinal))
            {
                context.Abort();
                return Results.Empty;
            }
            var token = context.Request.Headers.Authorization.ToString()["Bearer ".Length..];
            var claims = TestTokens.Codec(DataDir).Validate(token, TokenAudiences.Internal).Claims;
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            Requests.Enqueue(new Received(context.Request.Path, body.ToArray(), context.Request.ContentType,
                context.Request.Headers["X-Tessera-Signature"].FirstOrDefault(), claims?.Subject, claims?.Tenant, claims?.Roles.ToArray() ?? []));
            return Results.Json(new { received = 1, unmatched = 1 }, statusCode: 202);
        });
        await _logistics.StartAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (_logistics is not null)
            await _logistics.DisposeAsync();
    }
}

/// <summary>Carriers post tracking to the public gateway without an account; the signature, not a session, vouches for them.</summary>
public sealed class TrackingWebhookTests(TrackingWebhookFactory factory) : IClassFixture<TrackingWebhookFactory>
{
    private static HttpRequestMessage Post(string url, byte[] body, string? signature = "sha256=abc123")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        if (signature is not null)
            request.Headers.Add("X-Tessera-Signature", signature);
        return request;
    }

    [Fact]
    public async Task An_anonymous_carrier_call_is_forwarded_byte_for_byte_with_its_signature_under_a_service_identity_for_the_tenant()
    {
        // Odd spacing and non-ASCII text: re-serializing would change the bytes, and the signature with them.
        var body = Encoding.UTF8.GetBytes("{ \"events\" :[{\"eventId\":\"e-1\",\"waybillNumber\":\"GHN-1\",\"status\":\"InTransit\",\"occurredAt\":\"2025-03-01T09:00:00+07:00\",\"location\":\"Bưu cục Thủ Đức\"}]  }");
        var before = factory.Requests.Count;

        var response = await factory.CreateClient().SendAsync(Post("/api/webhooks/demo/tracking/GHN", body, "sha256=0123abcd"));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await response.Content.ReadAsStringAsync()).ShouldBe("{\"received\":1,\"unmatched\":1}");
        factory.Requests.Count.ShouldBe(before + 1);
        var received = factory.Requests.Last();
        received.Path.ShouldBe("/api/logistics/tracking/GHN");
        received.Body.ShouldBe(body);
        received.Signature.ShouldBe("sha256=0123abcd");
        received.ContentType.ShouldBe("application/json; charset=utf-8");
        (received.Subject, received.Tenant).ShouldBe(("svc:web", "demo"));
        received.Roles.ShouldBe([Roles.Service]);
    }

    [Fact]
    public async Task Anonymous_access_is_allowed_on_that_path_only()
    {
        var anonymous = factory.CreateClient();
        var before = factory.Requests.Count;
        var body = Encoding.UTF8.GetBytes("{\"events\":[]}");

        var direct = await anonymous.SendAsync(Post("/api/logistics/tracking/GHN", body));
        var otherPath = await anonymous.SendAsync(Post("/api/webhooks/demo/orders/GHN", body));
        var read = await anonymous.GetAsync("/api/webhooks/demo/tracking/GHN");
        var unknownTenant = await anonymous.SendAsync(Post("/api/webhooks/nobody-here/tracking/GHN", body));
        var badCarrier = await anonymous.SendAsync(Post("/api/webhooks/demo/tracking/not%20a%20code", body));

        direct.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        otherPath.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        read.StatusCode.ShouldBeOneOf(HttpStatusCode.Unauthorized, HttpStatusCode.MethodNotAllowed);
        unknownTenant.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        badCarrier.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        factory.Requests.Count.ShouldBe(before);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_before_anything_is_forwarded()
    {
        var before = factory.Requests.Count;

        var response = await factory.CreateClient().SendAsync(Post("/api/webhooks/demo/tracking/BIG", new byte[300 * 1024]));

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        factory.Requests.Count.ShouldBe(before);
    }

    [Fact]
    public async Task A_logistics_that_does_not_answer_is_a_503_the_carrier_retries_later()
    {
        var response = await factory.CreateClient().SendAsync(Post("/api/webhooks/demo/tracking/DROP", Encoding.UTF8.GetBytes("{}")));

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter.ShouldNotBeNull();
        (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("title").GetString().ShouldBe("Logistics is unavailable");
    }

    [Fact]
    public async Task Calls_are_rate_limited_per_tenant_carrier_and_address()
    {
        var client = factory.CreateClient();
        var body = Encoding.UTF8.GetBytes("{\"events\":[]}");

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 8; i++)
            responses.Add(await client.SendAsync(Post("/api/webhooks/demo/tracking/RATE", body)));
        var otherCarrier = await client.SendAsync(Post("/api/webhooks/demo/tracking/CALM", body));

        responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests).ShouldBeGreaterThanOrEqualTo(2);
        var refused = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        refused.Headers.RetryAfter.ShouldNotBeNull();
        (await refused.Content.ReadAsStringAsync()).ShouldContain("Too many requests");
        otherCarrier.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }
}
