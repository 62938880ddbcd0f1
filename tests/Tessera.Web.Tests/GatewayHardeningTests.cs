using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Web.Tests;

/// <summary>
/// The gateway lets nobody out of /api/&lt;service&gt;/ and takes no body it should not: addresses that decode into
/// something else are refused with 400, bodies over their limit with 413, and the service behind is never asked.
/// </summary>
public sealed class GatewayHardeningTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private async Task<string> TokenAsync()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { tenant = "demo", username = "admin", password = GatewayFactory.AdminPassword });
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>A request with its target exactly as written, as Kestrel would hand it over (path decoded, %2F kept).</summary>
    private async Task<HttpContext> RawGetAsync(string rawTarget, string token) =>
        await factory.Server.SendAsync(context =>
        {
            var query = rawTarget.IndexOf('?', StringComparison.Ordinal);
            var rawPath = query < 0 ? rawTarget : rawTarget[..query];
            context.Request.Method = HttpMethods.Get;
            context.Request.Path = PathString.FromUriComponent(rawPath.Replace("%2F", "%252F", StringComparison.OrdinalIgnoreCase));
            context.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(rawTarget[query..]);
            context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawTarget;
            context.Request.Headers.Authorization = "Bearer " + token;
        });

    [Theory]
    [InlineData("/api/catalog/..%5C..%5Copenapi/v1.json")]
    [InlineData("/api/catalog/..%5c..%5chealth/ready")]
    [InlineData("/api/catalog/..%5C..%5Cevents?after=0")]
    [InlineData("/api/catalog/..\\..\\openapi/v1.json")]
    [InlineData("/api/catalog/%2e%2e/%2e%2e/openapi/v1.json")]
    [InlineData("/api/catalog/%2E%2E/%2E%2E/events")]
    [InlineData("/api/catalog/../../health/live")]
    [InlineData("/api/catalog/./products")]
    [InlineData("/api/catalog/..%2F..%2Fopenapi/v1.json")]
    [InlineData("/api/catalog/products%2Fx")]
    [InlineData("/api/catalog/%252e%252e/%252e%252e/events")]
    [InlineData("/api/catalog/%25%32%65%25%32%65/events")]
    [InlineData("/api/catalog/%c0%ae%c0%ae/%c0%ae%c0%ae/events")]
    [InlineData("/api/catalog/%c0%af..%c0%afevents")]
    [InlineData("/api/catalog/%e0%80%ae%e0%80%ae/events")]
    [InlineData("/api/catalog/products%0d%0aX-Injected:%20yes")]
    [InlineData("/api/catalog/%E2%80%AEstcudorp")]
    [InlineData("/api/catalog/%zz")]
    public async Task An_address_that_decodes_into_another_path_is_refused_with_400_before_anything_is_forwarded(string rawTarget)
    {
        var token = await TokenAsync();
        var before = factory.EchoCalls;

        var context = await RawGetAsync(rawTarget, token);

        context.Response.StatusCode.ShouldBe(StatusCodes.Status400BadRequest, rawTarget);
        factory.EchoCalls.ShouldBe(before);
    }

    [Theory]
    [InlineData("/api/catalog/products/TEA%20001", "/api/catalog/products/TEA%20001")]
    [InlineData("/api/catalog/products/C%C3%A0%20ph%C3%AA?q=tr%C3%A0", "/api/catalog/products/C%C3%A0%20ph%C3%AA")]
    [InlineData("/api/catalog/products/..tea..", "/api/catalog/products/..tea..")]
    public async Task An_ordinary_address_still_reaches_the_service_exactly_as_written(string rawTarget, string expectedPath)
    {
        var context = await RawGetAsync(rawTarget, await TokenAsync());

        context.Response.StatusCode.ShouldBe(StatusCodes.Status201Created);
        var echo = (await JsonSerializer.DeserializeAsync<EchoReply>(context.Response.Body, TesseraJson.Options))!;
        echo.Path.ShouldBe(expectedPath);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_problem_and_the_service_is_never_asked()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync());
        var before = factory.EchoCalls;

        var announced = await client.PostAsync("/api/catalog/products", new ByteArrayContent(new byte[2 * 1024 * 1024]) { Headers = { ContentType = new("application/json") } });
        var chunked = new StreamContent(new MemoryStream(new byte[2 * 1024 * 1024]));
        chunked.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/catalog/products") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        var streamed = await client.SendAsync(request);

        foreach (var response in new[] { announced, streamed })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
            (await response.ProblemAsync()).GetProperty("detail").GetString()!.ShouldContain("at most 1 MB");
        }
        factory.EchoCalls.ShouldBe(before);
    }

    [Fact]
    public async Task A_body_within_the_limit_is_passed_on_whole()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync());
        var json = "{\"note\":\"" + new string('x', 900 * 1024) + "\"}";

        var response = await client.PostAsync("/api/catalog/products", new StringContent(json, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await response.Content.ReadFromJsonAsync<EchoReply>(TesseraJson.Options))!.Body.Length.ShouldBe(json.Length);
    }
}
