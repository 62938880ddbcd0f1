using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Messaging.Inbox;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Inventory.Tests;

public sealed class ReservationTests(InventoryFactory factory) : IClassFixture<InventoryFactory>
{
    private const string Tenant = "acme";
    private readonly HttpClient _admin = factory.ClientFor(Tenant);

    private async Task<(string Sku, string[] Warehouses)> Stocked(params decimal[] perWarehouse)
    {
        var sku = factory.Catalog.Add();
        var warehouses = new List<string>();
        foreach (var quantity in perWarehouse)
        {
            var code = "W" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
            await _admin.PostJsonAsync("/api/inventory/warehouses", new { code, name = code });
            await _admin.PostJsonAsync("/api/inventory/receipts", new { warehouse = code, lines = new[] { new { sku, quantity, unitCost = 10m } } });
            warehouses.Add(code);
        }
        return (sku, warehouses.OrderBy(w => w, StringComparer.Ordinal).ToArray());
    }

    private async Task<Guid> Place(params (string Sku, decimal Quantity)[] lines)
    {
        var orderId = Guid.CreateVersion7();
        await factory.DeliverAsync("orders", Tenant, orderId.ToString(),
            new OrderPlaced(orderId, 1, "web", lines.Select((l, i) => new OrderedLine(i + 1, l.Sku, l.Quantity)).ToList(), DateTimeOffset.UtcNow));
        await factory.WaitForInboxAsync();
        return orderId;
    }

    private async Task<StockDto> StockOf(string sku, string warehouse) =>
        (await _admin.GetFromJsonAsync<List<StockDto>>($"/api/inventory/stock?sku={sku}&warehouse={warehouse}", TesseraJson.Options))!.Single();

    [Fact]
    public async Task A_placed_order_is_reserved_and_announced()
    {
        var (sku, warehouses) = await Stocked(10m);

        var orderId = await Place((sku, 3m));

        (await StockOf(sku, warehouses[0])).ShouldSatisfyAllConditions(
            s => s.Reserved.ShouldBe(3m), s => s.Available.ShouldBe(7m), s => s.OnHand.ShouldBe(10m));
        var reserved = (await factory.PublishedAsync<StockReserved>()).Single(e => e.OrderId == orderId);
        reserved.Lines.ShouldBe([new ReservedLine(sku, warehouses[0], 3m)]);
        var reservations = await _admin.GetFromJsonAsync<List<ReservationDto>>($"/api/inventory/reservations?orderId={orderId}", TesseraJson.Options);
        reservations!.ShouldHaveSingleItem().Status.ShouldBe("Active");
    }

    [Fact]
    public async Task A_short_order_reserves_nothing_and_names_every_short_line()
    {
        var (plenty, plentyWarehouses) = await Stocked(50m);
        var (scarce, _) = await Stocked(2m);

        var orderId = await Place((plenty, 5m), (scarce, 3m));

        var failed = (await factory.PublishedAsync<StockReservationFailed>()).Single(e => e.OrderId == orderId);
        failed.ShortLines.ShouldBe([new ShortLine(scarce, 3m, 2m)]);
        (await StockOf(plenty, plentyWarehouses[0])).Reserved.ShouldBe(0m);
        (await factory.PublishedAsync<StockReserved>()).ShouldNotContain(e => e.OrderId == orderId);
    }

    [Fact]
    public async Task An_order_that_no_single_warehouse_can_serve_is_split()
    {
        var (sku, warehouses) = await Stocked(4m, 3m);

        var orderId = await Place((sku, 6m));

        var reserved = (await factory.PublishedAsync<StockReserved>()).Single(e => e.OrderId == orderId);
        reserved.Lines.Sum(l => l.Quantity).ShouldBe(6m);
        reserved.Lines.Count.ShouldBe(2);
        ((await StockOf(sku, warehouses[0])).Reserved + (await StockOf(sku, warehouses[1])).Reserved).ShouldBe(6m);
    }

    [Fact]
    public async Task Cancelling_releases_every_reservation_once()
    {
        var (sku, warehouses) = await Stocked(10m);
        var orderId = await Place((sku, 4m));
        var cancelled = new OrderCancelled(orderId, 1, "customer asked", OrderStatus.Confirmed);
        var messageId = Guid.CreateVersion7();

        await factory.DeliverAsync("orders", Tenant, orderId.ToString(), cancelled, messageId);
        await factory.DeliverAsync("orders", Tenant, orderId.ToString(), cancelled, messageId);
        await factory.WaitForInboxAsync();

        (await StockOf(sku, warehouses[0])).ShouldSatisfyAllConditions(s => s.Reserved.ShouldBe(0m), s => s.Available.ShouldBe(10m));
        (await factory.PublishedAsync<StockReleased>()).Count(e => e.OrderId == orderId).ShouldBe(1);
        var reservations = await _admin.GetFromJsonAsync<List<ReservationDto>>($"/api/inventory/reservations?orderId={orderId}", TesseraJson.Options);
        reservations!.ShouldAllBe(r => r.Status == "Released");
    }

    [Fact]
    public async Task The_same_order_delivered_twice_is_reserved_once()
    {
        var (sku, warehouses) = await Stocked(10m);
        var orderId = Guid.CreateVersion7();
        var placed = new OrderPlaced(orderId, 9, "web", [new OrderedLine(1, sku, 2m)], DateTimeOffset.UtcNow);
        var messageId = Guid.CreateVersion7();

        await factory.DeliverAsync("orders", Tenant, orderId.ToString(), placed, messageId);
        await factory.DeliverAsync("orders", Tenant, orderId.ToString(), placed, messageId);
        await factory.WaitForInboxAsync();

        (await StockOf(sku, warehouses[0])).Reserved.ShouldBe(2m);
        (await factory.PublishedAsync<StockReserved>()).Count(e => e.OrderId == orderId).ShouldBe(1);
    }

    [Fact]
    public async Task Many_orders_for_scarce_stock_never_oversell()
    {
        var (sku, warehouses) = await Stocked(10m);
        var orders = Enumerable.Range(0, 40).Select(_ => Guid.CreateVersion7()).ToList();

        await Task.WhenAll(orders.Select(id => factory.DeliverAsync("orders", Tenant, id.ToString(),
            new OrderPlaced(id, 1, "web", [new OrderedLine(1, sku, 1m)], DateTimeOffset.UtcNow))));
        await factory.WaitForInboxAsync();

        (await StockOf(sku, warehouses[0])).ShouldSatisfyAllConditions(s => s.Reserved.ShouldBe(10m), s => s.Available.ShouldBe(0m));
        (await factory.PublishedAsync<StockReserved>()).Count(e => orders.Contains(e.OrderId)).ShouldBe(10);
        (await factory.PublishedAsync<StockReservationFailed>()).Count(e => orders.Contains(e.OrderId)).ShouldBe(30);
    }

    [Fact]
    public async Task Events_are_handled_for_their_own_tenant_only()
    {
        var (sku, warehouses) = await Stocked(10m);
        var orderId = Guid.CreateVersion7();

        await factory.DeliverAsync("orders", "globex", orderId.ToString(),
            new OrderPlaced(orderId, 1, "web", [new OrderedLine(1, sku, 1m)], DateTimeOffset.UtcNow));
        await factory.WaitForInboxAsync();

        (await StockOf(sku, warehouses[0])).Reserved.ShouldBe(0m);
        (await factory.PublishedAsync<StockReservationFailed>()).Single(e => e.OrderId == orderId).ShortLines.Single().Available.ShouldBe(0m);
        var inbox = await factory.QueryAsync(null, db => db.Set<InboxMessage>().SingleAsync(m => m.AggregateKey == orderId.ToString()));
        inbox.Status.ShouldBe(InboxStatus.Processed);
    }
}
