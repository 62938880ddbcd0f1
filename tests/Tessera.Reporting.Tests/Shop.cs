using System.Collections.Concurrent;
using Tessera.Catalog.Contracts;
using Tessera.Inventory.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Security;

namespace Tessera.Reporting.Tests;

public sealed record ShopLine(string Sku, decimal Quantity, decimal Price);

/// <summary>An order as the orders service knows it (its own figures, for reconciliation).</summary>
public sealed class ShopOrder(Guid id, long number, string channel, string currency, DateTimeOffset placedAt, IReadOnlyList<ShopLine> lines, decimal shippingFee,
    string? customer)
{
    public Guid Id { get; } = id;
    public long Number { get; } = number;
    public string Channel { get; } = channel;
    public string Currency { get; } = currency;
    public DateTimeOffset PlacedAt { get; } = placedAt;
    public IReadOnlyList<ShopLine> Lines { get; set; } = lines;
    public decimal ShippingFee { get; } = shippingFee;
    public string? Customer { get; } = customer;
    public OrderStatus Status { get; set; } = OrderStatus.Pending;
    public decimal LinesTotal => Lines.Sum(l => l.Quantity * l.Price);
    public decimal Total => LinesTotal + ShippingFee;
}

/// <summary>A movement as inventory's ledger holds it (signed).</summary>
public sealed record ShopMovement(string SourceType, string SourceId, string Sku, string MovementType, decimal Quantity, decimal Value);

/// <summary>
/// A tenant's business as the services would report it: every step publishes the events the real services publish
/// (same contracts, producers and aggregate ids), and the shop keeps the services' own figures for reconciliation.
/// </summary>
public sealed class Shop
{
    private readonly ReportingFactory _factory;
    private long _number;

    public Shop(ReportingFactory factory, string? tenant = null, params string[] roles)
    {
        _factory = factory;
        Tenant = tenant ?? "shop-" + Guid.NewGuid().ToString("N")[..8];
        Client = factory.ClientFor(Tenant, roles.Length == 0 ? [Roles.Admin] : roles);
        factory.Sources.Shops[Tenant] = this;
    }

    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");

    public string Tenant { get; }
    public HttpClient Client { get; }
    public ConcurrentDictionary<Guid, ShopOrder> Orders { get; } = new();
    public ConcurrentQueue<ShopMovement> Movements { get; } = new();
    public ConcurrentDictionary<string, decimal> Costs { get; } = new(StringComparer.Ordinal);
    public int Published { get; private set; }

    /// <summary>A moment of a business date in the tenant's zone (Asia/Ho_Chi_Minh).</summary>
    public static DateTimeOffset At(DateOnly date, int hour, int minute = 0)
    {
        var local = date.ToDateTime(new TimeOnly(hour, minute));
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

    private async Task Publish<TEvent>(string producer, string aggregate, TEvent @event, DateTimeOffset at) where TEvent : class
    {
        await _factory.PublishAsync(producer, Tenant, aggregate, @event, at);
        Published++;
    }

    public Task ProductAsync(string sku, string name, string category, DateTimeOffset at, long version = 1, decimal price = 100000m) =>
        version == 1
            ? Publish("catalog", sku, new ProductCreated(Guid.NewGuid(), sku, name, category, "pcs", price, "VND", version), at)
            : Publish("catalog", sku, new ProductChanged(Guid.NewGuid(), sku, name, category, "pcs", price, "VND", version), at);

    public async Task<ShopOrder> PlaceAsync(DateTimeOffset at, string channel, ShopLine[] lines, decimal shippingFee = 0m, string? customer = null,
        string? province = null, string currency = "VND", string? preferredWarehouse = null)
    {
        var order = Unannounced(at, channel, lines, shippingFee, customer, currency);
        await AnnounceAsync(order, province, preferredWarehouse);
        return order;
    }

    /// <summary>An order placed at <paramref name="at"/> whose OrderPlaced reporting receives only at <see cref="AnnounceAsync"/> (events out of order).</summary>
    public ShopOrder Unannounced(DateTimeOffset at, string channel, ShopLine[] lines, decimal shippingFee = 0m, string? customer = null, string currency = "VND")
    {
        var order = new ShopOrder(Guid.CreateVersion7(), Interlocked.Increment(ref _number), channel, currency, at, lines, shippingFee, customer);
        Orders[order.Id] = order;
        return order;
    }

    public Task AnnounceAsync(ShopOrder order, string? province = null, string? preferredWarehouse = null) =>
        Publish("orders", order.Id.ToString(), new OrderPlaced(order.Id, order.Number, order.Channel,
            order.Lines.Select((l, i) => new OrderedLine(i + 1, l.Sku, l.Quantity)).ToList(), order.PlacedAt, preferredWarehouse, Pricing(order),
            order.Customer, province), order.PlacedAt);

    private static OrderPricingDto Pricing(ShopOrder o) => new(o.Currency,
        o.Lines.Select((l, i) => new PricedOrderLine(i + 1, l.Sku, l.Quantity, l.Price, 0, 0, 0, 0, l.Quantity * l.Price)).ToList(), o.ShippingFee, 0, 0, o.Total);

    /// <summary>Inventory reserves every line in <paramref name="warehouse"/> and the order is confirmed.</summary>
    public async Task ConfirmAsync(ShopOrder order, string warehouse, DateTimeOffset at)
    {
        await Publish("inventory", order.Id.ToString(), new StockReserved(order.Id,
            order.Lines.GroupBy(l => l.Sku).Select(g => new ReservedLine(g.Key, warehouse, g.Sum(l => l.Quantity))).ToList()), at);
        await Publish("orders", order.Id.ToString(), new OrderConfirmed(order.Id, order.Number), at.AddSeconds(1));
        order.Status = OrderStatus.Confirmed;
    }

    /// <summary>The reservation is split: <paramref name="split"/> gives each warehouse's quantity per SKU.</summary>
    public async Task ConfirmSplitAsync(ShopOrder order, IReadOnlyList<ReservedLine> split, DateTimeOffset at)
    {
        await Publish("inventory", order.Id.ToString(), new StockReserved(order.Id, split), at);
        await Publish("orders", order.Id.ToString(), new OrderConfirmed(order.Id, order.Number), at.AddSeconds(1));
        order.Status = OrderStatus.Confirmed;
    }

    public async Task RejectAsync(ShopOrder order, DateTimeOffset at)
    {
        await Publish("inventory", order.Id.ToString(), new StockReservationFailed(order.Id, [new ShortLine(order.Lines[0].Sku, order.Lines[0].Quantity, 0)]), at);
        await Publish("orders", order.Id.ToString(), new OrderRejected(order.Id, order.Number, "Not enough stock"), at.AddSeconds(1));
        order.Status = OrderStatus.Rejected;
    }

    public async Task CancelAsync(ShopOrder order, DateTimeOffset at)
    {
        var previous = order.Status;
        await Publish("orders", order.Id.ToString(), new OrderCancelled(order.Id, order.Number, "Customer changed their mind", previous), at);
        order.Status = OrderStatus.Cancelled;
    }

    public async Task ReceiveAsync(string warehouse, string sku, decimal quantity, decimal unitCost, DateTimeOffset at)
    {
        var receipt = Guid.CreateVersion7();
        Costs[$"{sku}@{warehouse}"] = unitCost;
        await Publish("inventory", receipt.ToString(), new StockReceived(receipt, warehouse, [new ReceiptLineDto(sku, quantity, unitCost)]), at);
        Movements.Enqueue(new ShopMovement("receipt", receipt.ToString(), sku, "purchase-in", quantity, decimal.Round(quantity * unitCost, 4)));
    }

    /// <summary>Shipment requested, created, dispatched (inventory's sales-out at cost), and delivered when <paramref name="delivered"/> is given.</summary>
    public async Task<Guid> ShipAsync(ShopOrder order, string warehouse, DateTimeOffset dispatched, DateTimeOffset? delivered = null, TimeSpan? dueWithin = null,
        string carrier = "GHN")
    {
        var (request, shipment) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var requested = order.PlacedAt.AddMinutes(1);
        var lines = order.Lines.Select(l => new ShippedLine(l.Sku, l.Quantity)).ToList();
        var aggregate = order.Id.ToString();
        await Publish("orders", aggregate, new ShipmentsRequested(order.Id, order.Number, request,
            [new RequestedShipmentDto(warehouse, order.Lines.Select((l, i) => new OrderedLine(i + 1, l.Sku, l.Quantity)).ToList())], "standard", null, requested,
            requested + (dueWithin ?? TimeSpan.FromHours(24))), requested);
        await Publish("logistics", aggregate, new ShipmentCreated(shipment, "SH-" + order.Number, order.Id, order.Number, request, warehouse, carrier, "standard",
            lines, requested.AddSeconds(5)), requested.AddSeconds(5));
        await Publish("logistics", aggregate, new ShipmentDispatched(shipment, order.Id, warehouse, carrier, "WB-" + order.Number, lines, dispatched), dispatched);
        var moved = order.Lines.GroupBy(l => l.Sku).Select(g =>
        {
            var cost = Costs.GetValueOrDefault($"{g.Key}@{warehouse}");
            var quantity = g.Sum(l => l.Quantity);
            return new MovedLine(g.Key, quantity, cost, decimal.Round(quantity * cost, 4));
        }).ToList();
        await Publish("inventory", aggregate, new StockIssued("sales-out", "shipment", shipment.ToString(), warehouse, order.Id, moved, dispatched.AddSeconds(2)),
            dispatched.AddSeconds(2));
        foreach (var line in moved)
            Movements.Enqueue(new ShopMovement("shipment", shipment.ToString(), line.Sku, "sales-out", -line.Quantity, -line.Value));
        await Publish("orders", aggregate, new OrderDispatched(order.Id, order.Number), dispatched.AddSeconds(3));
        order.Status = OrderStatus.Dispatched;
        if (delivered is { } at)
        {
            await Publish("logistics", aggregate, new ShipmentDelivered(shipment, order.Id, warehouse, lines, at), at);
            await Publish("orders", aggregate, new OrderCompleted(order.Id, order.Number, at.AddSeconds(1)), at.AddSeconds(1));
            order.Status = OrderStatus.Completed;
        }
        return shipment;
    }

    /// <summary>A customer return received: sound goods go back into stock at the cost they left with.</summary>
    public async Task ReturnAsync(ShopOrder order, string sku, decimal quantity, string condition, string warehouse, DateTimeOffset at)
    {
        var returnId = Guid.CreateVersion7();
        var aggregate = order.Id.ToString();
        await Publish("logistics", aggregate, new ReturnReceived(returnId, "RMA-" + order.Number, order.Id, warehouse, [new Tessera.Logistics.Contracts.ReturnedLine(sku, quantity, condition)], at), at);
        if (condition == "restock")
        {
            var cost = Costs.GetValueOrDefault($"{sku}@{warehouse}");
            await Publish("inventory", aggregate, new StockReturned("customer-return-in", "customer-return", returnId.ToString(), warehouse, order.Id,
                [new MovedLine(sku, quantity, cost, decimal.Round(quantity * cost, 4))], at.AddSeconds(2)), at.AddSeconds(2));
            Movements.Enqueue(new ShopMovement("customer-return", returnId.ToString(), sku, "customer-return-in", quantity, decimal.Round(quantity * cost, 4)));
        }
        var fully = order.Lines.Sum(l => l.Quantity) == quantity;
        await Publish("orders", aggregate, new OrderReturned(order.Id, order.Number, fully, at.AddSeconds(3)), at.AddSeconds(3));
        order.Status = fully ? OrderStatus.Returned : OrderStatus.PartiallyReturned;
    }

    /// <summary>The orders service's daily figures: orders placed per local date, revenue of those not cancelled or rejected.</summary>
    public DailyOrdersDto Daily(DateOnly date)
    {
        var placed = Orders.Values.Where(o => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(o.PlacedAt, Zone).DateTime) == date).ToList();
        return new DailyOrdersDto(date, placed.Count, placed.GroupBy(o => o.Currency).OrderBy(g => g.Key)
            .Select(g => new MoneyDto(g.Key, g.Where(o => o.Status is not (OrderStatus.Cancelled or OrderStatus.Rejected)).Sum(o => o.Total))).ToList());
    }
}
