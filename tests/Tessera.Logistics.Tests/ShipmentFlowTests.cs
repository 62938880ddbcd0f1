using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tessera.Logistics.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;
using Tessera.Testing;

namespace Tessera.Logistics.Tests;

/// <summary>Created → Picked → Packed → Dispatched → InTransit → Delivered, with every refusal a warehouse would meet.</summary>
public sealed class ShipmentFlowTests(LogisticsFactory factory) : IClassFixture<LogisticsFactory>
{
    [Fact]
    public async Task A_shipment_goes_the_whole_way_and_every_step_is_an_event_of_its_order()
    {
        var logistics = new Logistics(factory);
        var secret = await logistics.CarrierAsync("GHN");
        var shipment = await logistics.ShipmentAsync("TEA-1", 3m);
        var at = DateTimeOffset.UtcNow;

        (await logistics.ActAsync(shipment.Id, "pick")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var packed = await (await logistics.ActAsync(shipment.Id, "pack", new
        {
            packages = new[] { new { weightKg = 1.5m, lengthCm = 30m, widthCm = 20m, heightCm = 10m }, new { weightKg = 0.75m, lengthCm = 10m, widthCm = 10m, heightCm = 5.5m } },
        })).ReadAsync<ShipmentDto>();
        var dispatched = await (await logistics.ActAsync(shipment.Id, "dispatch", new { carrier = "ghn", waybillNumber = "GHN123456" })).ReadAsync<ShipmentDto>();
        (await logistics.TrackAsync("GHN", secret, Logistics.Event("e1", "GHN123456", "InTransit", at.AddHours(1), "Hub Thu Duc"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await logistics.TrackAsync("GHN", secret, Logistics.Event("e2", "GHN123456", "Delivered", at.AddHours(5), "District 1"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        packed.Packages.ShouldBe([new PackageDto(1, 1.5m, 30m, 20m, 10m), new PackageDto(2, 0.75m, 10m, 10m, 5.5m)]);
        (dispatched.Status, dispatched.Carrier, dispatched.WaybillNumber, dispatched.TrackingUrl)
            .ShouldBe((ShipmentStatus.Dispatched, "GHN", "GHN123456", "https://track.example/ghn/GHN123456"));
        var delivered = await logistics.GetAsync(shipment.Id);
        delivered.Status.ShouldBe(ShipmentStatus.Delivered);
        delivered.History.Select(h => h.Status).ShouldBe(
            [ShipmentStatus.Created, ShipmentStatus.Picked, ShipmentStatus.Packed, ShipmentStatus.Dispatched, ShipmentStatus.InTransit, ShipmentStatus.Delivered]);
        delivered.Tracking.Select(t => (t.EventId, t.Applied)).ShouldBe([("e1", true), ("e2", true)]);
        delivered.AllowedActions.ShouldBeEmpty();

        var events = await logistics.OutboxAsync(shipment.OrderId);
        events.Select(e => e.Type).ShouldBe([nameof(ShipmentCreated), nameof(ShipmentPicked), nameof(ShipmentPacked), nameof(ShipmentDispatched),
            nameof(ShipmentTransitStarted), nameof(ShipmentDelivered)]);
        var dispatchEvent = events.Single(e => e.Type == nameof(ShipmentDispatched)).Payload.Deserialize<ShipmentDispatched>(TesseraJson.Options)!;
        (dispatchEvent.Warehouse, dispatchEvent.Carrier, dispatchEvent.WaybillNumber).ShouldBe(("HCM", "GHN", "GHN123456"));
        dispatchEvent.Lines.ShouldBe([new ShippedLine("TEA-1", 3m)]);
        events.Single(e => e.Type == nameof(ShipmentPacked)).Payload.GetProperty("packages").GetInt32().ShouldBe(2);
        events.Single(e => e.Type == nameof(ShipmentDelivered)).Payload.Deserialize<ShipmentDelivered>(TesseraJson.Options)!
            .DeliveredAt.ShouldBe(at.AddHours(5), TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Steps_out_of_order_are_refused_with_a_409_naming_the_current_status()
    {
        var logistics = new Logistics(factory);
        await logistics.CarrierAsync("GHN");
        var shipment = await logistics.ShipmentAsync();

        var packTooEarly = await logistics.ActAsync(shipment.Id, "pack", Logistics.OnePackage);
        var dispatchTooEarly = await logistics.ActAsync(shipment.Id, "dispatch", new { carrier = "GHN" });
        var returnTooEarly = await logistics.ActAsync(shipment.Id, "return-to-origin");
        await logistics.ActAsync(shipment.Id, "pick");
        await logistics.ActAsync(shipment.Id, "pack", Logistics.OnePackage);
        var packAgainDifferently = await logistics.ActAsync(shipment.Id, "pack", new { packages = new[] { new { weightKg = 9m, lengthCm = 1m, widthCm = 1m, heightCm = 1m } } });
        var pickAfterPack = await logistics.ActAsync(shipment.Id, "pick");

        foreach (var (response, status) in new[] { (packTooEarly, "Created"), (dispatchTooEarly, "Created"), (returnTooEarly, "Created"), (packAgainDifferently, "Packed"), (pickAfterPack, "Packed") })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            var problem = await response.ProblemAsync();
            problem.GetProperty("title").GetString()!.ShouldStartWith("The shipment cannot be");
            problem.GetProperty("detail").GetString()!.ShouldContain($"is {status}");
            problem.GetProperty("currentStatus").GetString().ShouldBe(status);
        }
        (await packTooEarly.ProblemAsync()).GetProperty("detail").GetString()!.ShouldContain("pick it before packing");
        (await logistics.GetAsync(shipment.Id)).Status.ShouldBe(ShipmentStatus.Packed);
    }

    [Fact]
    public async Task Repeating_the_step_that_led_to_the_current_status_changes_nothing()
    {
        var logistics = new Logistics(factory);
        await logistics.CarrierAsync("GHN");
        var shipment = await logistics.ShipmentAsync();

        (await logistics.ActAsync(shipment.Id, "pick")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await logistics.ActAsync(shipment.Id, "pick")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await logistics.ActAsync(shipment.Id, "pack", Logistics.OnePackage);
        (await logistics.ActAsync(shipment.Id, "pack", Logistics.OnePackage)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var first = await (await logistics.ActAsync(shipment.Id, "dispatch", new { carrier = "GHN" })).ReadAsync<ShipmentDto>();
        var again = await (await logistics.ActAsync(shipment.Id, "dispatch", new { carrier = "GHN" })).ReadAsync<ShipmentDto>();

        again.WaybillNumber.ShouldBe(first.WaybillNumber);
        again.Version.ShouldBe(first.Version);
        var types = await logistics.EventTypesAsync(shipment.OrderId);
        types.Count(t => t == nameof(ShipmentPicked)).ShouldBe(1);
        types.Count(t => t == nameof(ShipmentPacked)).ShouldBe(1);
        types.Count(t => t == nameof(ShipmentDispatched)).ShouldBe(1);
    }

    [Fact]
    public async Task A_stale_if_match_is_refused_and_the_other_change_is_kept()
    {
        var logistics = new Logistics(factory);
        var shipment = await logistics.ShipmentAsync();
        var read = await logistics.Admin.GetAsync($"/api/logistics/shipments/{shipment.Id}");
        var etag = read.Headers.ETag!;
        await logistics.ActAsync(shipment.Id, "pick");

        var stale = new HttpRequestMessage(HttpMethod.Post, $"/api/logistics/shipments/{shipment.Id}/cancel")
        {
            Content = JsonContent.Create(new { reason = "Customer called" }),
        };
        stale.Headers.IfMatch.Add(etag);
        var response = await logistics.Admin.SendAsync(stale);

        response.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        (await logistics.GetAsync(shipment.Id)).Status.ShouldBe(ShipmentStatus.Picked);

        var current = await logistics.Admin.GetAsync($"/api/logistics/shipments/{shipment.Id}");
        var fresh = new HttpRequestMessage(HttpMethod.Post, $"/api/logistics/shipments/{shipment.Id}/cancel") { Content = JsonContent.Create(new { reason = "Customer called" }) };
        fresh.Headers.IfMatch.Add(current.Headers.ETag!);
        (await logistics.Admin.SendAsync(fresh)).StatusCode.ShouldBe(HttpStatusCode.OK);
        current.Headers.ETag!.Tag.ShouldNotBe(etag.Tag);
    }

    [Fact]
    public async Task Concurrent_steps_on_one_shipment_apply_once()
    {
        var logistics = new Logistics(factory);
        var shipment = await logistics.ShipmentAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => i % 2 == 0
            ? logistics.ActAsync(shipment.Id, "pick")
            : logistics.ActAsync(shipment.Id, "cancel", new { reason = "race " + i })));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK || r.StatusCode == HttpStatusCode.Conflict);
        var final = await logistics.GetAsync(shipment.Id);
        var types = await logistics.EventTypesAsync(shipment.OrderId);
        (types.Count(t => t == nameof(ShipmentPicked)) + types.Count(t => t == nameof(ShipmentCancelled))).ShouldBeInRange(1, 2);
        types.Count(t => t == nameof(ShipmentPicked)).ShouldBeLessThanOrEqualTo(1);
        types.Count(t => t == nameof(ShipmentCancelled)).ShouldBe(final.Status == ShipmentStatus.Cancelled ? 1 : 0);
        final.History.Count.ShouldBe(1 + types.Count(t => t is nameof(ShipmentPicked) or nameof(ShipmentCancelled)));
    }

    [Fact]
    public async Task Shipments_dispatched_at_once_with_one_waybill_give_it_to_one_of_them()
    {
        var logistics = new Logistics(factory);
        await logistics.CarrierAsync("GHN");
        var shipments = new List<ShipmentSummaryDto>();
        for (var i = 0; i < 8; i++)
        {
            var shipment = await logistics.ShipmentAsync();
            (await logistics.ActAsync(shipment.Id, "pick")).EnsureSuccessStatusCode();
            (await logistics.ActAsync(shipment.Id, "pack", Logistics.OnePackage)).EnsureSuccessStatusCode();
            shipments.Add(shipment);
        }

        var dispatched = await Task.WhenAll(shipments.Select(s => logistics.ActAsync(s.Id, "dispatch", new { carrier = "GHN", waybillNumber = "WB-RACE" })));

        dispatched.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        dispatched.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(7);
    }

    [Fact]
    public async Task Waybill_numbers_are_unique_per_carrier_and_generated_when_not_given()
    {
        var logistics = new Logistics(factory);
        await logistics.CarrierAsync("GHN");
        await logistics.CarrierAsync("VTP");
        var first = await logistics.ShipmentAsync();
        var second = await logistics.ShipmentAsync();
        var third = await logistics.ShipmentAsync();
        var fourth = await logistics.ShipmentAsync();

        await logistics.DispatchAsync(first.Id, "GHN", "WB-1");
        (await logistics.ActAsync(second.Id, "pick")).EnsureSuccessStatusCode();
        (await logistics.ActAsync(second.Id, "pack", Logistics.OnePackage)).EnsureSuccessStatusCode();
        var taken = await logistics.ActAsync(second.Id, "dispatch", new { carrier = "GHN", waybillNumber = "WB-1" });
        var otherCarrier = await logistics.DispatchAsync(third.Id, "VTP", "WB-1");
        var generated = await logistics.DispatchAsync(fourth.Id, "GHN");

        taken.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await taken.ProblemAsync()).GetProperty("detail").GetString()!.ShouldContain(first.Number);
        (await logistics.GetAsync(second.Id)).Status.ShouldBe(ShipmentStatus.Packed);
        (otherCarrier.Carrier, otherCarrier.WaybillNumber).ShouldBe(("VTP", "WB-1"));
        generated.WaybillNumber.ShouldBe("GHN-" + fourth.Number["SHP-".Length..]);
        generated.TrackingUrl.ShouldBe($"https://track.example/ghn/{generated.WaybillNumber}");
    }

    [Fact]
    public async Task Dispatch_needs_a_known_carrier_that_offers_the_shipment_s_service_level()
    {
        var logistics = new Logistics(factory);
        await logistics.CarrierAsync("SLOW", isDefault: false, "economy");
        var shipment = await logistics.ShipmentAsync();
        await logistics.ActAsync(shipment.Id, "pick");
        await logistics.ActAsync(shipment.Id, "pack", Logistics.OnePackage);

        var none = await logistics.ActAsync(shipment.Id, "dispatch", new { });
        var unknown = await logistics.ActAsync(shipment.Id, "dispatch", new { carrier = "NOPE" });
        var wrongLevel = await logistics.ActAsync(shipment.Id, "dispatch", new { carrier = "SLOW" });
        var badWaybill = await logistics.ActAsync(shipment.Id, "dispatch", new { carrier = "SLOW", waybillNumber = "has spaces" });

        foreach (var response in new[] { none, unknown, wrongLevel, badWaybill })
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await none.ProblemAsync()).ErrorFields().ShouldBe(["carrier"]);
        (await wrongLevel.ProblemAsync()).GetProperty("detail").GetString()!.ShouldContain("'standard' service level");
        (await badWaybill.ProblemAsync()).ErrorFields().ShouldBe(["waybillNumber"]);
        (await logistics.GetAsync(shipment.Id)).Status.ShouldBe(ShipmentStatus.Packed);
    }

    [Fact]
    public async Task A_failed_delivery_returns_to_origin_by_a_warehouse_action_once()
    {
        var logistics = new Logistics(factory);
        var secret = await logistics.CarrierAsync("GHN");
        var shipment = await logistics.ShipmentAsync("TEA-1", 2m);
        var dispatched = await logistics.DispatchAsync(shipment.Id, "GHN");
        await logistics.TrackAsync("GHN", secret, Logistics.Event("f1", dispatched.WaybillNumber!, "DeliveryFailed", DateTimeOffset.UtcNow, reason: "Nobody at the address"));

        var back = await (await logistics.ActAsync(shipment.Id, "return-to-origin", new { note = "Parcel intact" })).ReadAsync<ShipmentDto>();
        var again = await logistics.ActAsync(shipment.Id, "return-to-origin");

        back.Status.ShouldBe(ShipmentStatus.ReturnedToOrigin);
        back.FailureReason.ShouldBe("Nobody at the address");
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        var returned = (await logistics.Factory.PublishedAsync<ReturnToOriginReceived>()).Single(e => e.ShipmentId == shipment.Id);
        (returned.Warehouse, returned.Lines.Single()).ShouldBe(("HCM", new ShippedLine("TEA-1", 2m)));
        var types = await logistics.EventTypesAsync(shipment.OrderId);
        types.ShouldEndWith([nameof(DeliveryFailed), nameof(ReturnToOriginReceived)]);
        types.Count(t => t == nameof(ReturnToOriginReceived)).ShouldBe(1);
    }

    [Fact]
    public async Task Warehouse_actions_need_the_warehouse_or_admin_role_and_reads_are_open()
    {
        var logistics = new Logistics(factory);
        var shipment = await logistics.ShipmentAsync();

        (await logistics.As(Roles.Sales).PostJsonAsync($"/api/logistics/shipments/{shipment.Id}/pick", new { })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await logistics.As(Roles.Viewer).GetAsync($"/api/logistics/shipments/{shipment.Id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await logistics.As(Roles.Warehouse).PostJsonAsync($"/api/logistics/shipments/{shipment.Id}/pick", new { })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await logistics.Factory.CreateClient().GetAsync($"/api/logistics/shipments/{shipment.Id}")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_list_filters_by_status_warehouse_carrier_date_and_search_and_pages()
    {
        var logistics = new Logistics(factory);
        await logistics.CarrierAsync("GHN");
        var orderId = Guid.CreateVersion7();
        await logistics.DeliverAsync(orderId, Logistics.Request(orderId, Guid.CreateVersion7(), ("HCM", [("A", 1m)]), ("HN", [("B", 1m)]), ("DN", [("C", 1m)])));
        var shipments = await logistics.ShipmentsOfAsync(orderId);
        var dn = shipments.Single(s => s.Warehouse == "DN");
        var dispatched = await logistics.DispatchAsync(dn.Id, "GHN", "FIND-ME");

        async Task<PagedResult<ShipmentSummaryDto>> List(string query) =>
            (await logistics.Admin.GetFromJsonAsync<PagedResult<ShipmentSummaryDto>>("/api/logistics/shipments?" + query, TesseraJson.Options))!;

        (await List("status=Dispatched")).Items.Select(s => s.Id).ShouldBe([dn.Id]);
        (await List("status=created,dispatched")).Total.ShouldBe(3);
        (await List("warehouse=hn")).Items.Single().Warehouse.ShouldBe("HN");
        (await List("carrier=ghn")).Items.Select(s => s.Id).ShouldBe([dn.Id]);
        (await List("search=FIND-ME")).Items.Single().WaybillNumber.ShouldBe("FIND-ME");
        (await List("search=" + shipments[0].Number.ToLowerInvariant())).Items.Single().Id.ShouldBe(shipments[0].Id);
        (await List($"from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}")).Total.ShouldBe(0);
        var page = await List("pageSize=2&page=2");
        (page.Total, page.Items.Count, page.Page).ShouldBe((3, 1, 2));
        dispatched.DispatchedAt.ShouldNotBeNull();

        var bad = await logistics.Admin.GetAsync("/api/logistics/shipments?status=Lost&pageSize=0");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
