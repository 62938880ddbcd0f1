using System.Net;
using System.Net.Http.Json;
using System.Text;
using Tessera.Logistics.Contracts;
using Tessera.Logistics.Features;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;
using Tessera.Testing;

namespace Tessera.Logistics.Tests;

/// <summary>The carriers' tracking webhook: signed, idempotent, tolerant of duplicates and of out-of-order arrival.</summary>
public sealed class TrackingWebhookTests(LogisticsFactory factory) : IClassFixture<LogisticsFactory>
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.FromHours(7));

    private async Task<(Logistics Logistics, string Secret, ShipmentDto Shipment)> DispatchedAsync()
    {
        var logistics = new Logistics(factory);
        var secret = await logistics.CarrierAsync("GHN");
        var shipment = await logistics.ShipmentAsync();
        return (logistics, secret, await logistics.DispatchAsync(shipment.Id, "GHN"));
    }

    [Fact]
    public async Task A_correctly_signed_update_is_applied_and_a_bad_or_missing_signature_is_refused_with_401()
    {
        var (logistics, secret, shipment) = await DispatchedAsync();
        var body = $$"""{"events":[{"eventId":"s1","waybillNumber":"{{shipment.WaybillNumber}}","status":"InTransit","occurredAt":"2025-03-01T09:00:00+07:00","location":"Hub"}]}""";
        var good = WebhookSecrets.Sign(Encoding.UTF8.GetBytes(body), secret);

        var missing = await logistics.SignedAsync("GHN", body, null);
        var wrongSecret = await logistics.SignedAsync("GHN", body, WebhookSecrets.Sign(Encoding.UTF8.GetBytes(body), "whsec_not-the-secret"));
        var tampered = await logistics.SignedAsync("GHN", body.Replace("Hub", "Elsewhere"), good);
        var garbage = await logistics.SignedAsync("GHN", body, "sha256=zz");
        var accepted = await logistics.SignedAsync("GHN", body, good.ToUpperInvariant().Replace("SHA256=", "sha256="));

        foreach (var refused in new[] { missing, wrongSecret, tampered, garbage })
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await refused.ProblemAsync()).GetProperty("title").GetString().ShouldBe("The signature is not valid");
        }
        (await missing.ProblemAsync()).GetProperty("detail").GetString()!.ShouldContain("X-Tessera-Signature");
        accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
        var receipt = await accepted.ReadAsync<TrackingReceiptDto>();
        (receipt.Received, receipt.Applied).ShouldBe((1, 1));
        var tracked = await logistics.GetAsync(shipment.Id);
        tracked.Status.ShouldBe(ShipmentStatus.InTransit);
        tracked.Tracking.ShouldHaveSingleItem().Location.ShouldBe("Hub");
    }

    [Fact]
    public async Task Only_the_gateway_s_service_identity_or_an_admin_may_post_tracking()
    {
        var (logistics, secret, shipment) = await DispatchedAsync();
        var body = $$"""{"events":[{"eventId":"r1","waybillNumber":"{{shipment.WaybillNumber}}","status":"InTransit","occurredAt":"2025-03-01T09:00:00+07:00"}]}""";
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/logistics/tracking/GHN") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(TrackingWebhook.SignatureHeader, WebhookSecrets.Sign(Encoding.UTF8.GetBytes(body), secret));

        (await logistics.As(Roles.Warehouse).SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await logistics.TrackAsync("NOPE", secret, Logistics.Event("x", "y", "InTransit", T0))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_same_webhook_sent_twice_changes_nothing_the_second_time()
    {
        var (logistics, secret, shipment) = await DispatchedAsync();
        var events = new[]
        {
            Logistics.Event("d1", shipment.WaybillNumber!, "InTransit", T0.AddHours(1), "Hub"),
            Logistics.Event("d2", shipment.WaybillNumber!, "Delivered", T0.AddHours(4), "Customer door"),
        };

        var first = await (await logistics.TrackAsync("GHN", secret, events)).ReadAsync<TrackingReceiptDto>();
        var before = await logistics.GetAsync(shipment.Id);
        var eventsBefore = await logistics.EventTypesAsync(shipment.OrderId);
        var second = await (await logistics.TrackAsync("GHN", secret, events)).ReadAsync<TrackingReceiptDto>();

        (first.Applied, first.Duplicates).ShouldBe((2, 0));
        (second.Applied, second.Duplicates).ShouldBe((0, 2));
        second.Events.ShouldAllBe(e => e.Outcome == "duplicate" && e.ShipmentId == shipment.Id);
        var after = await logistics.GetAsync(shipment.Id);
        (after.Status, after.Version, after.Tracking.Count, after.History.Count).ShouldBe((before.Status, before.Version, before.Tracking.Count, before.History.Count));
        (await logistics.EventTypesAsync(shipment.OrderId)).ShouldBe(eventsBefore);
    }

    [Fact]
    public async Task An_older_status_after_a_newer_one_is_kept_in_the_history_and_changes_nothing()
    {
        var (logistics, secret, shipment) = await DispatchedAsync();
        await logistics.TrackAsync("GHN", secret, Logistics.Event("o2", shipment.WaybillNumber!, "Delivered", T0.AddHours(5)));
        var before = await logistics.GetAsync(shipment.Id);

        var late = await (await logistics.TrackAsync("GHN", secret,
            Logistics.Event("o1", shipment.WaybillNumber!, "InTransit", T0.AddHours(1), "Hub"),
            Logistics.Event("o3", shipment.WaybillNumber!, "DeliveryFailed", T0.AddHours(6), reason: "Scanned again by mistake"))).ReadAsync<TrackingReceiptDto>();

        (late.Applied, late.Recorded).ShouldBe((0, 2));
        late.Events.Single(e => e.EventId == "o1").Note!.ShouldContain("Older than the last applied update");
        late.Events.Single(e => e.EventId == "o3").Note!.ShouldContain("final");
        var after = await logistics.GetAsync(shipment.Id);
        (after.Status, after.Version, after.DeliveredAt).ShouldBe((ShipmentStatus.Delivered, before.Version, before.DeliveredAt));
        after.Tracking.Select(t => (t.EventId, t.Applied)).ShouldBe([("o1", false), ("o2", true), ("o3", false)]);
        var types = await logistics.EventTypesAsync(shipment.OrderId);
        types.ShouldNotContain(nameof(ShipmentTransitStarted));
        types.ShouldNotContain(nameof(DeliveryFailed));
        types.Count(t => t == nameof(ShipmentDelivered)).ShouldBe(1);
    }

    [Fact]
    public async Task Events_of_one_call_are_applied_oldest_first_whatever_order_they_were_sent_in()
    {
        var (logistics, secret, shipment) = await DispatchedAsync();

        var receipt = await (await logistics.TrackAsync("GHN", secret,
            Logistics.Event("b3", shipment.WaybillNumber!, "Delivered", T0.AddHours(6)),
            Logistics.Event("b1", shipment.WaybillNumber!, "InTransit", T0.AddHours(1)),
            Logistics.Event("b2", shipment.WaybillNumber!, "DeliveryFailed", T0.AddHours(3), reason: "Customer not at home"))).ReadAsync<TrackingReceiptDto>();

        receipt.Events.Select(e => e.EventId).ShouldBe(["b3", "b1", "b2"]);
        receipt.Applied.ShouldBe(3);
        (await logistics.GetAsync(shipment.Id)).Status.ShouldBe(ShipmentStatus.Delivered);
        (await logistics.EventTypesAsync(shipment.OrderId)).ShouldEndWith(
            [nameof(ShipmentTransitStarted), nameof(DeliveryFailed), nameof(ShipmentDelivered)]);
    }

    [Fact]
    public async Task Returned_to_origin_reported_from_transit_passes_through_the_failed_delivery()
    {
        var (logistics, secret, shipment) = await DispatchedAsync();

        await logistics.TrackAsync("GHN", secret, Logistics.Event("rt1", shipment.WaybillNumber!, "ReturnedToOrigin", T0.AddDays(3), "HCM warehouse", "Refused by the customer"));

        var returned = await logistics.GetAsync(shipment.Id);
        (returned.Status, returned.FailureReason).ShouldBe((ShipmentStatus.ReturnedToOrigin, "Refused by the customer"));
        (await logistics.EventTypesAsync(shipment.OrderId)).ShouldEndWith([nameof(DeliveryFailed), nameof(ReturnToOriginReceived)]);
        (await logistics.ActAsync(shipment.Id, "return-to-origin")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await logistics.EventTypesAsync(shipment.OrderId)).Count(t => t == nameof(ReturnToOriginReceived)).ShouldBe(1);
    }

    [Fact]
    public async Task An_unknown_waybill_is_kept_as_unmatched_answered_202_and_applied_when_a_shipment_is_dispatched_with_it()
    {
        var logistics = new Logistics(factory);
        var secret = await logistics.CarrierAsync("GHN");
        var shipment = await logistics.ShipmentAsync();

        var response = await logistics.TrackAsync("GHN", secret, Logistics.Event("u1", "EARLY-1", "InTransit", DateTimeOffset.UtcNow.AddMinutes(5), "First hub"));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await response.ReadAsync<TrackingReceiptDto>()).Unmatched.ShouldBe(1);
        var unmatched = await logistics.Admin.GetFromJsonAsync<PagedResult<UnmatchedTrackingDto>>("/api/logistics/tracking/unmatched", TesseraJson.Options);
        unmatched!.Items.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            u => u.EventId.ShouldBe("u1"), u => u.WaybillNumber.ShouldBe("EARLY-1"), u => u.Carrier.ShouldBe("GHN"));

        var dispatched = await logistics.DispatchAsync(shipment.Id, "GHN", "EARLY-1");

        dispatched.Status.ShouldBe(ShipmentStatus.InTransit);
        (await logistics.EventTypesAsync(shipment.OrderId)).ShouldEndWith([nameof(ShipmentDispatched), nameof(ShipmentTransitStarted)]);
        (await logistics.Admin.GetFromJsonAsync<PagedResult<UnmatchedTrackingDto>>("/api/logistics/tracking/unmatched", TesseraJson.Options))!.Total.ShouldBe(0);
    }

    [Fact]
    public async Task A_bad_payload_is_a_400_naming_each_field_and_nothing_of_it_is_kept()
    {
        var (logistics, secret, shipment) = await DispatchedAsync();

        var invalid = await logistics.TrackAsync("GHN", secret,
            new { eventId = "", waybillNumber = shipment.WaybillNumber, status = "Lost", occurredAt = T0 },
            new { eventId = "v2", waybillNumber = shipment.WaybillNumber, status = "InTransit" });
        const string notJson = "{\"events\": [ {";
        var broken = await logistics.SignedAsync("GHN", notJson, WebhookSecrets.Sign(Encoding.UTF8.GetBytes(notJson), secret));
        const string empty = "{\"events\": []}";
        var none = await logistics.SignedAsync("GHN", empty, WebhookSecrets.Sign(Encoding.UTF8.GetBytes(empty), secret));

        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await invalid.ProblemAsync()).ErrorFields().ShouldBe(["events[0].eventId", "events[0].status", "events[1].occurredAt"], ignoreOrder: true);
        broken.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await broken.ProblemAsync()).GetProperty("detail").GetString()!.ShouldContain("not well-formed JSON");
        (await none.ProblemAsync()).ErrorFields().ShouldBe(["events"]);
        var after = await logistics.GetAsync(shipment.Id);
        (after.Status, after.Tracking.Count).ShouldBe((ShipmentStatus.Dispatched, 0));
    }

    [Theory]
    [InlineData("2025-03-01T09:00:00", "with an offset")]
    [InlineData("2025-03-01", "with an offset")]
    [InlineData("yesterday", "with an offset")]
    public async Task A_timestamp_without_an_offset_is_refused_naming_it_and_nothing_is_kept(string occurredAt, string expected)
    {
        var (logistics, secret, shipment) = await DispatchedAsync();
        var body = $$"""{"events":[{"eventId":"tz1","waybillNumber":"{{shipment.WaybillNumber}}","status":"Delivered","occurredAt":"{{occurredAt}}"}]}""";

        var response = await logistics.SignedAsync("GHN", body, WebhookSecrets.Sign(Encoding.UTF8.GetBytes(body), secret));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.ProblemAsync();
        problem.ErrorFields().ShouldBe(["events[0].occurredAt"]);
        problem.GetProperty("errors").GetProperty("events[0].occurredAt")[0].GetString()!.ShouldContain(expected);
        var after = await logistics.GetAsync(shipment.Id);
        (after.Status, after.Tracking.Count).ShouldBe((ShipmentStatus.Dispatched, 0));
    }

    [Fact]
    public async Task A_rotated_secret_replaces_the_old_one_at_once()
    {
        var (logistics, oldSecret, shipment) = await DispatchedAsync();

        var rotated = await (await logistics.Admin.PostJsonAsync("/api/logistics/carriers/GHN/rotate-secret", new { })).ReadAsync<CarrierSecretDto>();

        rotated.WebhookSecret.ShouldNotBe(oldSecret);
        rotated.Carrier.SecretRotatedAt.ShouldNotBeNull();
        (await logistics.TrackAsync("GHN", oldSecret, Logistics.Event("k1", shipment.WaybillNumber!, "InTransit", T0))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await logistics.TrackAsync("GHN", rotated.WebhookSecret, Logistics.Event("k1", shipment.WaybillNumber!, "InTransit", T0))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await logistics.As(Roles.Warehouse).PostJsonAsync("/api/logistics/carriers/GHN/rotate-secret", new { })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
