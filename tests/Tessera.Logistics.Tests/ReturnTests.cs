using System.Net;
using System.Net.Http.Json;
using Tessera.Logistics.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;
using Tessera.Testing;

namespace Tessera.Logistics.Tests;

/// <summary>Customer returns: authorized for what was delivered and not yet returned, received with a condition per line.</summary>
public sealed class ReturnTests(LogisticsFactory factory) : IClassFixture<LogisticsFactory>
{
    /// <summary>An order with 5 TEA-1 and 2 CUP-1 delivered from HCM, and 4 JAR-1 still on the way from HN.</summary>
    private async Task<(Logistics Logistics, Guid OrderId)> DeliveredAsync()
    {
        var logistics = new Logistics(factory);
        var secret = await logistics.CarrierAsync("GHN");
        var orderId = Guid.CreateVersion7();
        await logistics.DeliverAsync(orderId, Logistics.Request(orderId, Guid.CreateVersion7(),
            ("HCM", [("TEA-1", 5m), ("CUP-1", 2m)]), ("HN", [("JAR-1", 4m)])));
        var shipments = await logistics.ShipmentsOfAsync(orderId);
        var hcm = await logistics.DispatchAsync(shipments[0].Id, "GHN");
        await logistics.DispatchAsync(shipments[1].Id, "GHN");
        await logistics.TrackAsync("GHN", secret, Logistics.Event(Guid.NewGuid().ToString(), hcm.WaybillNumber!, "Delivered", DateTimeOffset.UtcNow));
        return (logistics, orderId);
    }

    private static object Rma(Guid orderId, params (string Sku, decimal Quantity)[] lines) =>
        new { orderId, lines = lines.Select(l => new { sku = l.Sku, quantity = l.Quantity }), reason = "Wrong colour" };

    [Fact]
    public async Task A_return_is_authorized_for_delivered_goods_and_announced()
    {
        var (logistics, orderId) = await DeliveredAsync();

        var response = await logistics.As(Roles.Sales).PostJsonAsync("/api/logistics/returns", Rma(orderId, ("TEA-1", 2m)), "rma-1");
        var replay = await logistics.As(Roles.Sales).PostJsonAsync("/api/logistics/returns", Rma(orderId, ("TEA-1", 2m)), "rma-1");

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var rma = await response.ReadAsync<ReturnDto>();
        (rma.Number, rma.Status, rma.OrderNumber, rma.Reason).ShouldBe(("RMA-000001", "Authorized", 42L, "Wrong colour"));
        rma.Lines.ShouldBe([new ReturnLineDto("TEA-1", 2m, null, null)]);
        (await replay.ReadAsync<ReturnDto>()).Id.ShouldBe(rma.Id);
        var authorized = (await logistics.Factory.PublishedAsync<ReturnAuthorized>()).Single(e => e.OrderId == orderId);
        (authorized.ReturnId, authorized.Lines.Single()).ShouldBe((rma.Id, new ReturnLine("TEA-1", 2m)));
        var returnable = await logistics.Admin.GetFromJsonAsync<ReturnableDto>($"/api/logistics/returns/returnable?orderId={orderId}", TesseraJson.Options);
        returnable!.Lines.ShouldBe([new ReturnableLineDto("CUP-1", 2m, 0m, 2m), new ReturnableLineDto("TEA-1", 5m, 2m, 3m)]);
    }

    [Fact]
    public async Task A_return_asking_for_more_than_was_delivered_and_not_yet_returned_is_refused_line_by_line()
    {
        var (logistics, orderId) = await DeliveredAsync();
        (await logistics.Admin.PostJsonAsync("/api/logistics/returns", Rma(orderId, ("TEA-1", 4m)))).StatusCode.ShouldBe(HttpStatusCode.Created);

        var response = await logistics.Admin.PostJsonAsync("/api/logistics/returns",
            Rma(orderId, ("TEA-1", 2m), ("JAR-1", 1m), ("CUP-1", 3m), ("CUP-1", 1m), ("NEVER", 1m)));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.ProblemAsync();
        problem.ErrorFields().ShouldBe(["lines[0].quantity", "lines[1].sku", "lines[2].quantity", "lines[3].sku", "lines[4].sku"], ignoreOrder: true);
        problem.GetProperty("errors").GetProperty("lines[0].quantity")[0].GetString().ShouldBe("At most 1 of TEA-1 can be returned: 5 delivered, 4 already returned.");
        problem.GetProperty("errors").GetProperty("lines[1].sku")[0].GetString().ShouldBe("JAR-1 was not delivered for order 42.");
        (await logistics.Factory.PublishedAsync<ReturnAuthorized>()).Count(e => e.OrderId == orderId).ShouldBe(1);
    }

    [Fact]
    public async Task Nothing_can_be_returned_of_an_order_with_nothing_delivered_or_of_another_tenant()
    {
        var (logistics, orderId) = await DeliveredAsync();
        var stranger = new Logistics(factory);

        var undelivered = await logistics.Admin.PostJsonAsync("/api/logistics/returns", Rma(Guid.CreateVersion7(), ("TEA-1", 1m)));
        var foreign = await stranger.Admin.PostJsonAsync("/api/logistics/returns", Rma(orderId, ("TEA-1", 1m)));
        var empty = await logistics.Admin.PostJsonAsync("/api/logistics/returns", new { orderId, lines = Array.Empty<object>(), reason = "" });

        (await undelivered.ProblemAsync()).ErrorFields().ShouldBe(["orderId"]);
        (await foreign.ProblemAsync()).ErrorFields().ShouldBe(["orderId"]);
        (await empty.ProblemAsync()).ErrorFields().ShouldBe(["lines", "reason"], ignoreOrder: true);
    }

    [Fact]
    public async Task Receiving_a_return_records_the_condition_of_each_line_and_announces_it_once()
    {
        var (logistics, orderId) = await DeliveredAsync();
        var rma = await (await logistics.Admin.PostJsonAsync("/api/logistics/returns", Rma(orderId, ("TEA-1", 3m), ("CUP-1", 2m)))).ReadAsync<ReturnDto>();

        var received = await (await logistics.As(Roles.Warehouse).PostJsonAsync($"/api/logistics/returns/{rma.Id}/receive", new
        {
            warehouse = "hcm",
            lines = new[] { new { sku = "TEA-1", quantity = 2m, condition = "restock" }, new { sku = "TEA-1", quantity = 1m, condition = "damaged" }, new { sku = "CUP-1", quantity = 1m, condition = "Restock" } },
        })).ReadAsync<ReturnDto>();
        var again = await logistics.Admin.PostJsonAsync($"/api/logistics/returns/{rma.Id}/receive", new { warehouse = "HCM", lines = new[] { new { sku = "CUP-1", quantity = 1m, condition = "restock" } } });

        (received.Status, received.Warehouse).ShouldBe(("Received", "HCM"));
        received.Lines.ShouldBe([new ReturnLineDto("TEA-1", 3m, 2m, 1m), new ReturnLineDto("CUP-1", 2m, 1m, 0m)]);
        var announced = (await logistics.Factory.PublishedAsync<ReturnReceived>()).Single(e => e.ReturnId == rma.Id);
        (announced.Warehouse, announced.OrderId).ShouldBe(("HCM", orderId));
        announced.Lines.ShouldBe([new ReturnedLine("TEA-1", 2m, "restock"), new ReturnedLine("TEA-1", 1m, "damaged"), new ReturnedLine("CUP-1", 1m, "restock")]);
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await again.ProblemAsync()).GetProperty("currentStatus").GetString().ShouldBe("Received");
        // What did not come back (1 CUP-1) may be returned later.
        var returnable = await logistics.Admin.GetFromJsonAsync<ReturnableDto>($"/api/logistics/returns/returnable?orderId={orderId}", TesseraJson.Options);
        returnable!.Lines.Single(l => l.Sku == "CUP-1").Returnable.ShouldBe(1m);
    }

    [Fact]
    public async Task Receiving_checks_the_warehouse_with_inventory_the_skus_the_quantities_and_the_conditions()
    {
        var (logistics, orderId) = await DeliveredAsync();
        var rma = await (await logistics.Admin.PostJsonAsync("/api/logistics/returns", Rma(orderId, ("TEA-1", 2m)))).ReadAsync<ReturnDto>();
        var url = $"/api/logistics/returns/{rma.Id}/receive";

        var unknownWarehouse = await logistics.Admin.PostJsonAsync(url, new { warehouse = "XX", lines = new[] { new { sku = "TEA-1", quantity = 1m, condition = "restock" } } });
        var wrong = await logistics.Admin.PostJsonAsync(url, new
        {
            warehouse = "HCM",
            lines = new[] { new { sku = "TEA-1", quantity = 2m, condition = "restock" }, new { sku = "TEA-1", quantity = 1m, condition = "damaged" }, new { sku = "CUP-1", quantity = 1m, condition = "restock" } },
        });
        var badCondition = await logistics.Admin.PostJsonAsync(url, new { warehouse = "HCM", lines = new[] { new { sku = "TEA-1", quantity = 1m, condition = "lost" } } });
        factory.Inventory.Down = true;
        HttpResponseMessage inventoryDown;
        try
        {
            inventoryDown = await logistics.Admin.PostJsonAsync(url, new { warehouse = "HCM", lines = new[] { new { sku = "TEA-1", quantity = 1m, condition = "restock" } } });
        }
        finally
        {
            factory.Inventory.Down = false;
        }

        (await unknownWarehouse.ProblemAsync()).ErrorFields().ShouldBe(["warehouse"]);
        (await wrong.ProblemAsync()).ErrorFields().ShouldBe(["lines[0].quantity", "lines[2].sku"], ignoreOrder: true);
        (await badCondition.ProblemAsync()).ErrorFields().ShouldBe(["lines[0].condition"]);
        inventoryDown.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await inventoryDown.ProblemAsync()).GetProperty("title").GetString().ShouldBe("Inventory is unavailable");
        (await logistics.Admin.GetFromJsonAsync<ReturnDto>($"/api/logistics/returns/{rma.Id}", TesseraJson.Options))!.Status.ShouldBe("Authorized");
        (await logistics.Factory.PublishedAsync<ReturnReceived>()).ShouldNotContain(e => e.ReturnId == rma.Id);
    }
}
