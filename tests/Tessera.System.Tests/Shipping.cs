using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tessera.Logistics.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.System.Tests;

/// <summary>The warehouse's and the carrier's side of a fulfilment, through the public port.</summary>
public sealed class Shipping(HttpClient client, Uri publicUrl, string tenant = "demo")
{
    public string Carrier { get; private set; } = "";
    private string _secret = "";

    /// <summary>A carrier for this test class (standard service), whose tracking calls are signed with its secret.</summary>
    public async Task<Shipping> WithCarrierAsync()
    {
        Carrier = Api.Unique("CR");
        var response = await client.PostJsonAsync("/api/logistics/carriers", new
        {
            code = Carrier, name = "Giao Hàng Test", trackingUrlTemplate = "https://track.example/{waybill}", serviceLevels = new[] { "standard", "express" },
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        _secret = (await response.ReadAsync<CarrierSecretDto>()).WebhookSecret;
        return this;
    }

    public async Task<List<ShipmentSummaryDto>> ShipmentsAsync(Guid orderId) =>
        [.. (await client.GetFromJsonAsync<PagedResult<ShipmentSummaryDto>>($"/api/logistics/shipments?orderId={orderId}&pageSize=50", TesseraJson.Options))!.Items];

    /// <summary>Waits for the shipments logistics makes for an order (one per warehouse it is reserved in).</summary>
    public Task<List<ShipmentSummaryDto>> ShipmentsCreatedAsync(Guid orderId, int count = 1, TimeSpan? timeout = null) =>
        Poll.UntilAsync(() => ShipmentsAsync(orderId), s => s.Count(x => x.Status != ShipmentStatus.Cancelled) >= count,
            $"{count} shipment(s) of order {orderId}", timeout);

    public async Task<ShipmentDto> ShipmentAsync(Guid id) =>
        (await client.GetFromJsonAsync<ShipmentDto>($"/api/logistics/shipments/{id}", TesseraJson.Options))!;

    public async Task<HttpResponseMessage> StepAsync(Guid shipment, string action, object? body = null) =>
        await client.PostJsonAsync($"/api/logistics/shipments/{shipment}/{action}", body ?? new { });

    /// <summary>Pick, pack (one box) and dispatch with this class's carrier; returns the dispatched shipment.</summary>
    public async Task<ShipmentDto> DispatchAsync(Guid shipment)
    {
        foreach (var (action, body) in new (string, object)[]
                 {
                     ("pick", new { }),
                     ("pack", new { packages = new[] { new { weightKg = 1.5m, lengthCm = 30m, widthCm = 20m, heightCm = 15m } } }),
                     ("dispatch", new { carrier = Carrier }),
                 })
        {
            var response = await StepAsync(shipment, action, body);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{action}: {await response.Content.ReadAsStringAsync()}");
        }
        return await ShipmentAsync(shipment);
    }

    /// <summary>A tracking update from the carrier, signed, through the public webhook.</summary>
    public async Task<HttpResponseMessage> TrackAsync(string waybill, string status, string? eventId = null, DateTimeOffset? at = null, string? reason = null)
    {
        var body = JsonSerializer.Serialize(new
        {
            events = new[]
            {
                new { eventId = eventId ?? Guid.NewGuid().ToString("N"), waybillNumber = waybill, status, occurredAt = at ?? DateTimeOffset.UtcNow, location = "Hub", reason },
            },
        }, TesseraJson.Options);
        using var carrier = new HttpClient { BaseAddress = publicUrl };
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/{tenant}/tracking/{Carrier}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Tessera-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(_secret), Encoding.UTF8.GetBytes(body))));
        return await carrier.SendAsync(request);
    }
}
