using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Logistics.Contracts;
using Tessera.Logistics.Features;
using Tessera.Messaging.Inbox;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;
using Tessera.Testing;

namespace Tessera.Logistics.Tests;

/// <summary>
/// What the tests do to logistics, in business words: the orders service asks for shipments or cancels, users act on
/// shipments, carriers send signed tracking. Each test uses its own tenant so that tests never see each other's data.
/// </summary>
public sealed class Logistics(LogisticsFactory factory, string? tenant = null)
{
    public string Tenant { get; } = tenant ?? "t" + Guid.NewGuid().ToString("N")[..10];

    public HttpClient Admin => field ??= factory.ClientFor(Tenant);

    public HttpClient As(params string[] roles) => factory.ClientFor(Tenant, roles);

    /// <summary>What the web gateway uses to forward a carrier's call: a service token for the tenant.</summary>
    public HttpClient Gateway => field ??= factory.ClientFor(Tenant, Roles.Service);

    public LogisticsFactory Factory => factory;

    public async Task<string> CarrierAsync(string code, bool isDefault = false, params string[] levels)
    {
        var response = await Admin.PostJsonAsync("/api/logistics/carriers", new
        {
            code, name = code + " Express", trackingUrlTemplate = $"https://track.example/{code.ToLowerInvariant()}/{{waybill}}",
            serviceLevels = levels.Length == 0 ? ["standard", "express"] : levels, isDefault,
        });
        return (await response.ReadAsync<CarrierSecretDto>()).WebhookSecret;
    }

    public static ShipmentsRequested Request(Guid orderId, Guid requestId, params (string Warehouse, (string Sku, decimal Quantity)[] Lines)[] shipments) =>
        new(orderId, 42, requestId,
            shipments.Select(s => new RequestedShipmentDto(s.Warehouse, s.Lines.Select((l, i) => new OrderedLine(i + 1, l.Sku, l.Quantity)).ToList())).ToList(),
            "standard", null, DateTimeOffset.UtcNow);

    /// <summary>Hands an event of the orders service to the inbox and waits until it is handled; a handler failure fails the test with its error.</summary>
    public async Task DeliverAsync<TEvent>(Guid orderId, TEvent @event, Guid? messageId = null) where TEvent : class
    {
        await factory.DeliverAsync("orders", Tenant, orderId.ToString(), @event, messageId);
        var key = orderId.ToString();
        var failure = await Poll.UntilAsync(() => factory.QueryAsync(null, async db =>
            {
                var rows = await db.Set<InboxMessage>().Where(m => m.Tenant == Tenant && m.AggregateKey.EndsWith(key)).ToListAsync();
                return (Busy: rows.Any(r => r.Status == InboxStatus.Pending && r.LastError is null), Error: rows.Select(r => r.LastError).FirstOrDefault(e => e is not null));
            }),
            state => !state.Busy || state.Error is not null, "the inbox to handle " + typeof(TEvent).Name);
        if (failure.Error is not null)
            throw new InvalidOperationException($"Handling {typeof(TEvent).Name} failed: {failure.Error}");
    }

    /// <summary>An order with one shipment of (sku, quantity) from HCM; returns the shipment.</summary>
    public async Task<ShipmentSummaryDto> ShipmentAsync(string sku = "TEA-1", decimal quantity = 2m)
    {
        var orderId = Guid.CreateVersion7();
        await DeliverAsync(orderId, Request(orderId, Guid.CreateVersion7(), ("HCM", [(sku, quantity)])));
        return (await ShipmentsOfAsync(orderId)).Single();
    }

    public async Task<List<ShipmentSummaryDto>> ShipmentsOfAsync(Guid orderId) =>
        (await Admin.GetFromJsonAsync<PagedResult<ShipmentSummaryDto>>($"/api/logistics/shipments?orderId={orderId}", TesseraJson.Options))!.Items
        .OrderBy(s => s.Warehouse, StringComparer.Ordinal).ToList();

    public async Task<ShipmentDto> GetAsync(Guid id) =>
        (await Admin.GetFromJsonAsync<ShipmentDto>($"/api/logistics/shipments/{id}", TesseraJson.Options))!;

    public Task<HttpResponseMessage> ActAsync(Guid id, string action, object? body = null) =>
        Admin.PostJsonAsync($"/api/logistics/shipments/{id}/{action}", body ?? new { });

    public static object OnePackage => new { packages = new[] { new { weightKg = 1.25m, lengthCm = 30m, widthCm = 20m, heightCm = 10m } } };

    /// <summary>Picks, packs and dispatches a shipment; returns it dispatched.</summary>
    public async Task<ShipmentDto> DispatchAsync(Guid id, string carrier, string? waybill = null)
    {
        (await ActAsync(id, "pick")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ActAsync(id, "pack", OnePackage)).StatusCode.ShouldBe(HttpStatusCode.OK);
        return await (await ActAsync(id, "dispatch", new { carrier, waybillNumber = waybill })).ReadAsync<ShipmentDto>();
    }

    public static object Event(string eventId, string waybill, string status, DateTimeOffset occurredAt, string? location = null, string? reason = null) =>
        new { eventId, waybillNumber = waybill, status, occurredAt, location, reason };

    /// <summary>A carrier's call as the gateway forwards it: the raw body and its signature.</summary>
    public async Task<HttpResponseMessage> TrackAsync(string carrier, string? secret, params object[] events)
    {
        var body = JsonSerializer.Serialize(new { events }, TesseraJson.Options);
        return await SignedAsync(carrier, body, secret is null ? null : WebhookSecrets.Sign(Encoding.UTF8.GetBytes(body), secret));
    }

    public Task<HttpResponseMessage> SignedAsync(string carrier, string body, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/logistics/tracking/{carrier}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (signature is not null)
            request.Headers.Add(TrackingWebhook.SignatureHeader, signature);
        return Gateway.SendAsync(request);
    }

    /// <summary>Events published with their aggregate ids, oldest first, of the given type names.</summary>
    public Task<List<(string Type, string AggregateId, JsonElement Payload)>> OutboxAsync(Guid orderId) =>
        factory.QueryAsync(null, async db =>
        {
            var key = orderId.ToString();
            var rows = await db.Set<OutboxMessage>().Where(m => m.Tenant == Tenant && m.AggregateId == key).OrderBy(m => m.Position).ToListAsync();
            return rows.Select(r => (r.Type, r.AggregateId, JsonDocument.Parse(r.Payload).RootElement)).ToList();
        });

    public async Task<List<string>> EventTypesAsync(Guid orderId) => (await OutboxAsync(orderId)).Select(e => e.Type).ToList();
}

public static class SequenceAssertions
{
    /// <summary>The list's last items are <paramref name="tail"/>, in that order.</summary>
    public static void ShouldEndWith(this IReadOnlyList<string> list, IReadOnlyList<string> tail)
    {
        list.Count.ShouldBeGreaterThanOrEqualTo(tail.Count, $"[{string.Join(", ", list)}] is shorter than [{string.Join(", ", tail)}]");
        list.Skip(list.Count - tail.Count).ToList().ShouldBe(tail, $"[{string.Join(", ", list)}] should end with [{string.Join(", ", tail)}]");
    }
}
