using System.Net;
using Tessera.Inventory.Contracts;
using Tessera.Testing;

namespace Tessera.Inventory.Tests;

/// <summary>Transfers: in transit between ship and receive, partial receipts, the cost carried over.</summary>
public sealed class TransferTests(InventoryFactory factory) : IClassFixture<InventoryFactory>
{
    private readonly LedgerApi _api = new(factory);

    private async Task<TransferDto> CreateAsync(string from, string to, params (string Sku, decimal Quantity)[] lines) =>
        await (await _api.Client.PostJsonAsync("/api/inventory/transfers",
            new { fromWarehouse = from, toWarehouse = to, reference = "Restock Da Nang", lines = lines.Select(l => new { sku = l.Sku, quantity = l.Quantity }) }))
            .ReadAsync<TransferDto>();

    private Task<HttpResponseMessage> ShipAsync(Guid id) => _api.Client.PostJsonAsync($"/api/inventory/transfers/{id}/ship", new { });

    private Task<HttpResponseMessage> ReceiveAsync(Guid id, params (string Sku, decimal Quantity)[] lines) =>
        _api.Client.PostJsonAsync($"/api/inventory/transfers/{id}/receive", new { lines = lines.Select(l => new { sku = l.Sku, quantity = l.Quantity }) });

    [Fact]
    public async Task A_transfer_is_in_transit_between_ship_and_receive_and_a_partial_receipt_leaves_the_rest_in_transit()
    {
        var (from, to) = (await _api.WarehouseAsync(), await _api.WarehouseAsync());
        var (tea, cups) = (_api.Sku(), _api.Sku());
        await _api.ReceiveAsync(from, tea, 10, 100);
        await _api.ReceiveAsync(from, tea, 10, 130);
        await _api.ReceiveAsync(from, cups, 30, 3.3333m);
        await _api.ReceiveAsync(to, tea, 2, 200);

        var transfer = await CreateAsync(from, to, (tea, 6), (cups, 9));
        transfer.ShouldSatisfyAllConditions(t => t.Status.ShouldBe("Draft"), t => t.Number.ShouldStartWith("TR-"));
        (await _api.StockAsync(tea, from)).OnHand.ShouldBe(20m);

        var shipped = await (await ShipAsync(transfer.Id)).ReadAsync<TransferDto>();
        shipped.Status.ShouldBe("InTransit");
        shipped.Lines.Select(l => (l.Sku, l.InTransit, l.UnitCost, l.InTransitValue)).ShouldBe([(tea, 6m, 115m, 690m), (cups, 9m, 3.3333m, 29.9997m)]);
        (await _api.StockAsync(tea, from)).ShouldSatisfyAllConditions(s => s.OnHand.ShouldBe(14m), s => s.Value.ShouldBe(1610m));
        (await _api.StockAsync(tea, to)).ShouldSatisfyAllConditions(s => s.OnHand.ShouldBe(2m), s => s.InTransit.ShouldBe(6m));
        (await _api.StockAsync(cups, to)).ShouldSatisfyAllConditions(s => s.OnHand.ShouldBe(0m), s => s.InTransit.ShouldBe(9m), s => s.Available.ShouldBe(0m));

        var partly = await (await ReceiveAsync(transfer.Id, (tea, 4), (cups, 3))).ReadAsync<TransferDto>();
        partly.Status.ShouldBe("PartiallyReceived");
        partly.Lines.Select(l => (l.Sku, l.Received, l.InTransit)).ShouldBe([(tea, 4m, 2m), (cups, 3m, 6m)]);
        (await _api.StockAsync(tea, to)).ShouldSatisfyAllConditions(
            s => s.OnHand.ShouldBe(6m), s => s.InTransit.ShouldBe(2m), s => s.Value.ShouldBe(400m + 460m), s => s.AverageCost.ShouldBe(143.333333m));
        (await _api.StockAsync(cups, to)).ShouldSatisfyAllConditions(s => s.OnHand.ShouldBe(3m), s => s.InTransit.ShouldBe(6m), s => s.Value.ShouldBe(9.9999m));

        var done = await (await _api.Client.PostJsonAsync($"/api/inventory/transfers/{transfer.Id}/receive", new { })).ReadAsync<TransferDto>();
        done.Status.ShouldBe("Received");
        done.Lines.ShouldAllBe(l => l.InTransit == 0 && l.InTransitValue == 0 && l.ReceivedValue == l.ShippedValue);
        (await _api.StockAsync(tea, to)).ShouldSatisfyAllConditions(s => s.OnHand.ShouldBe(8m), s => s.InTransit.ShouldBe(0m), s => s.Value.ShouldBe(400m + 690m));
        (await _api.StockAsync(cups, to)).ShouldSatisfyAllConditions(s => s.OnHand.ShouldBe(9m), s => s.Value.ShouldBe(29.9997m));

        var events = (await factory.PublishedAsync<TransferReceived>()).Where(e => e.TransferId == transfer.Id).ToList();
        events.Select(e => e.Complete).ShouldBe([false, true]);
        events[1].Lines.ShouldBe([new MovedLine(tea, 2, 115, 230), new MovedLine(cups, 6, 3.3333m, 19.9998m)]);
        (await factory.PublishedAsync<TransferShipped>()).Single(e => e.TransferId == transfer.Id)
            .Lines.ShouldBe([new MovedLine(tea, 6, 115, 690), new MovedLine(cups, 9, 3.3333m, 29.9997m)]);
        (await _api.ConsistencyAsync()).Holds.ShouldBeTrue();
    }

    [Fact]
    public async Task A_transfer_that_the_source_cannot_cover_is_not_shipped_and_moves_nothing()
    {
        var (from, to) = (await _api.WarehouseAsync(), await _api.WarehouseAsync());
        var (plenty, scarce) = (_api.Sku(), _api.Sku());
        await _api.ReceiveAsync(from, plenty, 10, 1);
        await _api.ReceiveAsync(from, scarce, 2, 1);
        var transfer = await CreateAsync(from, to, (plenty, 5), (scarce, 3));

        var refused = await ShipAsync(transfer.Id);

        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await refused.ProblemAsync()).ErrorFields().ShouldBe(["lines[1].quantity"]);
        (await _api.StockAsync(plenty, from)).OnHand.ShouldBe(10m);
        (await _api.StockAsync(plenty)).ShouldHaveSingleItem();
        var again = await _api.Client.GetAsync($"/api/inventory/transfers/{transfer.Id}");
        (await again.ReadAsync<TransferDto>()).Status.ShouldBe("Draft");
    }

    [Fact]
    public async Task Receiving_more_than_is_in_transit_or_a_sku_not_on_the_transfer_is_refused_naming_the_line()
    {
        var (from, to) = (await _api.WarehouseAsync(), await _api.WarehouseAsync());
        var sku = _api.Sku();
        await _api.ReceiveAsync(from, sku, 10, 1);
        var transfer = await CreateAsync(from, to, (sku, 5));
        (await ShipAsync(transfer.Id)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var tooMuch = await ReceiveAsync(transfer.Id, (sku, 6));
        var stranger = await ReceiveAsync(transfer.Id, ("NOT-ON-IT", 1));
        var shipAgain = await ShipAsync(transfer.Id);

        (await tooMuch.ProblemAsync()).ErrorFields().ShouldBe(["lines[0].quantity"]);
        (await stranger.ProblemAsync()).ErrorFields().ShouldBe(["lines[0].sku"]);
        shipAgain.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await _api.StockAsync(sku, to)).ShouldSatisfyAllConditions(s => s.OnHand.ShouldBe(0m), s => s.InTransit.ShouldBe(5m));
    }

    [Fact]
    public async Task A_draft_can_be_cancelled_a_shipped_transfer_cannot_and_bad_requests_name_their_fields()
    {
        var (from, to) = (await _api.WarehouseAsync(), await _api.WarehouseAsync());
        var sku = _api.Sku();
        await _api.ReceiveAsync(from, sku, 10, 1);
        var draft = await CreateAsync(from, to, (sku, 1));
        var shipped = await CreateAsync(from, to, (sku, 1));
        await ShipAsync(shipped.Id);

        (await (await _api.Client.PostJsonAsync($"/api/inventory/transfers/{draft.Id}/cancel", new { })).ReadAsync<TransferDto>()).Status.ShouldBe("Cancelled");
        (await _api.Client.PostJsonAsync($"/api/inventory/transfers/{shipped.Id}/cancel", new { })).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ShipAsync(draft.Id)).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        var same = await _api.Client.PostJsonAsync("/api/inventory/transfers", new { fromWarehouse = from, toWarehouse = from.ToLowerInvariant(), lines = new[] { new { sku, quantity = 1m } } });
        (await same.ProblemAsync()).ErrorFields().ShouldBe(["toWarehouse"]);
        var nowhere = await _api.Client.PostJsonAsync("/api/inventory/transfers", new { fromWarehouse = from, toWarehouse = "NOWHERE", lines = new[] { new { sku = "GHOST", quantity = 0m } } });
        (await nowhere.ProblemAsync()).ErrorFields().ShouldBe(["lines[0].quantity"]);
        var unknown = await _api.Client.PostJsonAsync("/api/inventory/transfers", new { fromWarehouse = from, toWarehouse = "NOWHERE", lines = new[] { new { sku, quantity = 1m } } });
        (await unknown.ProblemAsync()).ErrorFields().ShouldBe(["toWarehouse"]);
        (await factory.ClientFor(LedgerApi.NewTenant("other")).GetAsync($"/api/inventory/transfers/{draft.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await factory.ClientFor(_api.Tenant, "sales").PostJsonAsync($"/api/inventory/transfers/{shipped.Id}/receive", new { })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Transfers_are_listed_newest_first_by_warehouse_and_status()
    {
        var (from, to) = (await _api.WarehouseAsync(), await _api.WarehouseAsync());
        var sku = _api.Sku();
        await _api.ReceiveAsync(from, sku, 10, 1);
        var first = await CreateAsync(from, to, (sku, 1));
        var second = await CreateAsync(from, to, (sku, 2));
        await ShipAsync(second.Id);

        var all = await _api.PageAsync<TransferDto>($"/api/inventory/transfers?warehouse={to}");
        var inTransit = await _api.PageAsync<TransferDto>($"/api/inventory/transfers?warehouse={from}&status=InTransit");

        all.Items.Select(t => t.Id).ShouldBe([second.Id, first.Id]);
        inTransit.Items.Select(t => t.Id).ShouldBe([second.Id]);
        (await _api.Client.GetAsync("/api/inventory/transfers?status=Lost")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
