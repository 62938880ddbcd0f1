using System.Net.Http.Json;
using Tessera.Inventory.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Orders.Tests;

/// <summary>
/// Drives one order through its fulfilment as inventory and logistics would: events handed to the orders inbox with
/// the order id as aggregate id (as the producers publish them), then read back through the API.
/// </summary>
public sealed class FulfilmentScenario(OrdersFactory factory, HttpClient client, string tenant)
{
    public OrderCreatedDto Order { get; private set; } = null!;

    public Guid Id => Order.Id;

    /// <summary>An order placed before (e.g. by the service before a restart), driven from here on.</summary>
    public static FulfilmentScenario Resume(OrdersFactory factory, HttpClient client, string tenant, Guid orderId, long number = 0) =>
        new(factory, client, tenant) { Order = new OrderCreatedDto(orderId, number, OrderStatus.Confirmed) };

    public static async Task<FulfilmentScenario> PlaceAsync(OrdersFactory factory, HttpClient client, string tenant, IReadOnlyList<(string Sku, decimal Quantity)> lines,
        string? serviceLevel = "standard", DateOnly? requestedDeliveryDate = null)
    {
        var scenario = new FulfilmentScenario(factory, client, tenant);
        scenario.Order = await (await client.PostJsonAsync("/api/orders", new
        {
            channel = "web",
            customer = new { name = "Trần Văn Bình" },
            shipping = new
            {
                consignee = "Trần Văn Bình",
                address = new { line1 = "5 Nguyễn Huệ", city = "Hồ Chí Minh", country = "VN" },
                requestedDeliveryDate,
                serviceLevel,
            },
            lines = lines.Select(l => new { sku = l.Sku, quantity = l.Quantity, unitPrice = 10000m }).ToArray(),
        })).ReadAsync<OrderCreatedDto>();
        return scenario;
    }

    /// <summary>Inventory reserved the lines (in these warehouses): the order is confirmed and the shipments requested.</summary>
    public async Task<ShipmentsRequested> ReserveAsync(params ReservedLine[] lines)
    {
        await InventoryAsync(new StockReserved(Id, lines));
        return (await factory.PublishedAsync<ShipmentsRequested>()).Last(r => r.OrderId == Id);
    }

    public async Task<Guid> InventoryAsync<TEvent>(TEvent message, Guid? messageId = null) where TEvent : class
    {
        var id = await factory.DeliverAsync("inventory", tenant, Id.ToString(), message, messageId);
        await factory.WaitForInboxAsync();
        return id;
    }

    public async Task<Guid> LogisticsAsync<TEvent>(TEvent message, Guid? messageId = null) where TEvent : class
    {
        var id = await factory.DeliverAsync("logistics", tenant, Id.ToString(), message, messageId);
        await factory.WaitForInboxAsync();
        return id;
    }

    /// <summary>Logistics created the shipment of one requested warehouse.</summary>
    public async Task<Guid> CreatedAsync(ShipmentsRequested request, string warehouse, string number)
    {
        var requested = request.Shipments.Single(s => s.Warehouse == warehouse);
        var shipmentId = Guid.NewGuid();
        await LogisticsAsync(new ShipmentCreated(shipmentId, number, Id, Order.Number, request.RequestId, warehouse, null, request.ServiceLevel,
            requested.Lines.Select(l => new ShippedLine(l.Sku, l.Quantity)).ToList(), DateTimeOffset.UtcNow));
        return shipmentId;
    }

    public Task DispatchedAsync(Guid shipmentId, string warehouse, IReadOnlyList<ShippedLine> lines, string waybill, Guid? messageId = null) =>
        LogisticsAsync(new ShipmentDispatched(shipmentId, Id, warehouse, "GHN", waybill, lines, DateTimeOffset.UtcNow), messageId);

    public Task DeliveredAsync(Guid shipmentId, string warehouse, IReadOnlyList<ShippedLine> lines, Guid? messageId = null) =>
        LogisticsAsync(new ShipmentDelivered(shipmentId, Id, warehouse, lines, DateTimeOffset.UtcNow), messageId);

    /// <summary>A shipment through every step up to its delivery.</summary>
    public async Task ShipAsync(Guid shipmentId, string warehouse, IReadOnlyList<ShippedLine> lines, string waybill)
    {
        await LogisticsAsync(new ShipmentPicked(shipmentId, Id, DateTimeOffset.UtcNow));
        await LogisticsAsync(new ShipmentPacked(shipmentId, Id, 1, DateTimeOffset.UtcNow));
        await DispatchedAsync(shipmentId, warehouse, lines, waybill);
        await LogisticsAsync(new ShipmentTransitStarted(shipmentId, Id, "Thủ Đức hub", DateTimeOffset.UtcNow));
        await DeliveredAsync(shipmentId, warehouse, lines);
    }

    public async Task<OrderDto> GetAsync() => (await client.GetFromJsonAsync<OrderDto>($"/api/orders/{Id}", TesseraJson.Options))!;

    public async Task<FulfilmentDto> FulfilmentAsync() => (await GetAsync()).Fulfilment!;

    public async Task<List<TEvent>> PublishedAsync<TEvent>(Func<TEvent, Guid> orderOf) where TEvent : class =>
        (await factory.PublishedAsync<TEvent>()).Where(e => orderOf(e) == Id).ToList();
}
