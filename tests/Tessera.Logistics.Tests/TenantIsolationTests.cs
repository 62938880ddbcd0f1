using System.Net;
using System.Net.Http.Json;
using Tessera.Logistics.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Logistics.Tests;

/// <summary>Another tenant's shipments, returns and carriers do not exist for the caller: 404, never a leak, never a change.</summary>
public sealed class TenantIsolationTests(LogisticsFactory factory) : IClassFixture<LogisticsFactory>
{
    [Fact]
    public async Task Another_tenant_s_shipment_answers_404_to_every_read_and_action()
    {
        var owner = new Logistics(factory);
        var secret = await owner.CarrierAsync("GHN");
        var shipment = await owner.ShipmentAsync();
        var dispatched = await owner.DispatchAsync(shipment.Id, "GHN");
        var other = new Logistics(factory);
        await other.CarrierAsync("GHN");

        (await other.Admin.GetAsync($"/api/logistics/shipments/{shipment.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        foreach (var action in new[] { "pick", "return-to-origin" })
            (await other.ActAsync(shipment.Id, action)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.ActAsync(shipment.Id, "cancel", new { reason = "not mine" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.Admin.GetFromJsonAsync<PagedResult<ShipmentSummaryDto>>($"/api/logistics/shipments?orderId={shipment.OrderId}", TesseraJson.Options))!
            .Total.ShouldBe(0);
        (await other.Admin.GetFromJsonAsync<List<CarrierDto>>("/api/logistics/carriers", TesseraJson.Options))!.Count.ShouldBe(1);

        // The other tenant's carrier of the same code, with its own secret, cannot move the owner's shipment.
        var otherSecret = (await (await other.Admin.PostJsonAsync("/api/logistics/carriers/GHN/rotate-secret", new { })).ReadAsync<CarrierSecretDto>()).WebhookSecret;
        (await other.TrackAsync("GHN", otherSecret, Logistics.Event("x1", dispatched.WaybillNumber!, "Delivered", DateTimeOffset.UtcNow)))
            .StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await other.TrackAsync("GHN", secret, Logistics.Event("x2", dispatched.WaybillNumber!, "Delivered", DateTimeOffset.UtcNow)))
            .StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await owner.GetAsync(shipment.Id)).Status.ShouldBe(ShipmentStatus.Dispatched);
    }
}
