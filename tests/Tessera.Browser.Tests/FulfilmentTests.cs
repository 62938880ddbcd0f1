using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Tessera.Logistics.Contracts;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Browser.Tests;

/// <summary>The warehouse dispatches on the shipment's page while sales watch the order's page.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FulfilmentTests(BrowserFixture fixture)
{
    private Api Api => fixture.Api;

    [Fact]
    public async Task Dispatch_a_shipment_from_its_page_and_see_the_order_timeline_update()
    {
        var sku = await Api.ProductAsync("Lotus tea 250g");
        var warehouse = await Api.WarehouseAsync("Da Nang DC");
        await Api.ReceiveAsync(warehouse, sku, 5m);
        var carrier = Api.Unique("VTP");
        var created = await Api.Client.PostJsonAsync("/api/logistics/carriers", new
        {
            code = carrier, name = "Viettel Post", trackingUrlTemplate = "https://track.example/{waybill}", serviceLevels = new[] { "standard" },
        });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var order = await Api.PlaceAsync(sku, 2m);
        (await Api.SettledAsync(order.Id)).Status.ShouldBe(OrderStatus.Confirmed);
        var shipment = (await Poll.UntilAsync(
            async () => (await Api.Client.GetFromJsonAsync<PagedResult<ShipmentSummaryDto>>($"/api/logistics/shipments?orderId={order.Id}", TesseraJson.Options))!.Items,
            items => items.Count == 1, "the order's shipment")).Single();
        foreach (var (action, body) in new (string, object)[]
                 {
                     ("pick", new { }),
                     ("pack", new { packages = new[] { new { weightKg = 0.8m, lengthCm = 20m, widthCm = 15m, heightCm = 10m } } }),
                 })
            (await Api.Client.PostJsonAsync($"/api/logistics/shipments/{shipment.Id}/{action}", body)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var orderPage = await fixture.NewPageAsync();
        await orderPage.SignInAsync();
        var warehousePage = await orderPage.Context.NewPageAsync();

        await orderPage.StepsAsync(async () =>
        {
            await orderPage.GotoAsync($"/orders/{order.Id}");
            await Assertions.Expect(orderPage.GetByTestId("order-status")).ToHaveTextAsync("Confirmed");
            var timeline = orderPage.GetByTestId("order-timeline");
            await Assertions.Expect(timeline).ToContainTextAsync("packed", new() { IgnoreCase = true });
            var dispatchedEntry = timeline.Locator("li.status-Dispatched");
            await Assertions.Expect(dispatchedEntry).ToHaveCountAsync(0);

            await warehousePage.GotoAsync($"/shipments/{shipment.Id}");
            await warehousePage.GetByLabel("Carrier", new() { Exact = true }).SelectOptionAsync(carrier);
            await warehousePage.GetByRole(AriaRole.Button, new() { Name = "Dispatch", Exact = true }).ClickAsync();
            await Assertions.Expect(warehousePage.GetByTestId("shipment-status")).ToHaveAttributeAsync("data-status", "Dispatched");
            var waybill = (await Api.Client.GetFromJsonAsync<ShipmentDto>($"/api/logistics/shipments/{shipment.Id}", TesseraJson.Options))!.WaybillNumber!;
            await warehousePage.SaveScreenshotAsync("Dispatch_a_shipment_from_its_page.shipment");

            // The order's page was not reloaded: its live part follows the fulfilment on its own.
            await Assertions.Expect(orderPage.GetByTestId("order-status")).ToHaveTextAsync("Dispatched", new() { Timeout = 20_000 });
            await Assertions.Expect(dispatchedEntry).ToHaveCountAsync(1);
            await Assertions.Expect(dispatchedEntry).ToContainTextAsync(carrier);
            await Assertions.Expect(orderPage.GetByTestId("order-live")).ToContainTextAsync(waybill);
        });
    }
}
