using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tessera.Testing;

namespace Tessera.System.Tests;

/// <summary>
/// A carrier's tracking call through the real public port: anonymous at the gateway, verified by logistics with the
/// carrier's secret, taken once, and answered 503 (retry later) while logistics is down.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TrackingWebhookSystemTests(SystemFixture fixture)
{
    private static string Sign(string body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    private static HttpRequestMessage Call(string carrier, string body, string signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/demo/tracking/{carrier}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Tessera-Signature", signature);
        return request;
    }

    [Fact]
    public async Task A_signed_call_reaches_logistics_once_a_forged_one_never_and_a_call_while_logistics_is_down_is_retried_later()
    {
        var carrier = Api.Unique("C");
        var created = await fixture.Admin.PostJsonAsync("/api/logistics/carriers", new
        {
            code = carrier, name = "Test carrier", trackingUrlTemplate = "https://track.example/{waybill}", serviceLevels = new[] { "standard" },
        });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var secret = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("webhookSecret").GetString()!;
        var waybill = Api.Unique("WB");
        var body = $$"""{"events":[{"eventId":"{{waybill}}-1","waybillNumber":"{{waybill}}","status":"InTransit","occurredAt":"2025-03-01T09:00:00+07:00","location":"Hub"}]}""";
        using var carrierClient = new HttpClient { BaseAddress = fixture.System.PublicUrl };

        var first = await carrierClient.SendAsync(Call(carrier, body, Sign(body, secret)));
        var again = await carrierClient.SendAsync(Call(carrier, body, Sign(body, secret)));
        var forged = await carrierClient.SendAsync(Call(carrier, body, Sign(body, "whsec_guessed")));

        first.StatusCode.ShouldBe(HttpStatusCode.Accepted, await first.Content.ReadAsStringAsync());
        (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("unmatched").GetInt32().ShouldBe(1);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicates").GetInt32().ShouldBe(1);
        forged.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var unmatched = await fixture.Admin.GetFromJsonAsync<JsonElement>("/api/logistics/tracking/unmatched?pageSize=500");
        unmatched.GetProperty("items").EnumerateArray().Count(u => u.GetProperty("waybillNumber").GetString() == waybill).ShouldBe(1);

        await fixture.System.HoldDownAsync("logistics");
        var later = Api.Unique("WB");
        var pending = $$"""{"events":[{"eventId":"{{later}}-1","waybillNumber":"{{later}}","status":"Delivered","occurredAt":"2025-03-01T12:00:00+07:00"}]}""";
        HttpResponseMessage whileDown;
        try
        {
            whileDown = await carrierClient.SendAsync(Call(carrier, pending, Sign(pending, secret)));
        }
        finally
        {
            await fixture.System.ReleaseAsync("logistics");
        }
        whileDown.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        whileDown.Headers.RetryAfter.ShouldNotBeNull();

        var retried = await Poll.UntilAsync(() => carrierClient.SendAsync(Call(carrier, pending, Sign(pending, secret))),
            r => r.StatusCode != HttpStatusCode.ServiceUnavailable, "logistics to take tracking again after its restart", TimeSpan.FromSeconds(90));
        retried.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }
}
