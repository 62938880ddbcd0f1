using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Orders.Messaging;

/// <summary>Every line is reserved: a Pending order becomes Confirmed. Late answers for cancelled orders change nothing.</summary>
public sealed class ConfirmOrderOnStockReserved(OrdersDbContext db, IOutbox outbox, TimeProvider clock) : IEventHandler<StockReserved>
{
    public async Task HandleAsync(StockReserved message, MessageContext context, CancellationToken cancellationToken)
    {
        var order = await db.Orders.Include(o => o.History).FirstOrDefaultAsync(o => o.Id == message.OrderId, cancellationToken)
            ?? throw new InvalidOperationException($"StockReserved names order {message.OrderId}, which does not exist.");
        var warehouses = string.Join(", ", message.Lines.Select(l => l.Warehouse).Distinct().Order(StringComparer.Ordinal));
        if (order.Confirm($"Reserved in {warehouses}", clock.GetUtcNow()))
            outbox.Publish(new OrderConfirmed(order.Id, order.Number), order.Id.ToString());
    }
}

/// <summary>Stock was short: a Pending order becomes Rejected, its reason naming each short line.</summary>
public sealed class RejectOrderOnReservationFailed(OrdersDbContext db, IOutbox outbox, TimeProvider clock) : IEventHandler<StockReservationFailed>
{
    public async Task HandleAsync(StockReservationFailed message, MessageContext context, CancellationToken cancellationToken)
    {
        var order = await db.Orders.Include(o => o.History).FirstOrDefaultAsync(o => o.Id == message.OrderId, cancellationToken)
            ?? throw new InvalidOperationException($"StockReservationFailed names order {message.OrderId}, which does not exist.");
        var reason = "Not enough stock: " + string.Join("; ", message.ShortLines.Select(s =>
            string.Create(CultureInfo.InvariantCulture, $"{s.Sku} (ordered {s.Requested:0.####}, available {s.Available:0.####})")));
        var shortLines = message.ShortLines.Select(s => new ShortLineDto(s.Sku, s.Requested, s.Available)).ToList();
        if (order.Reject(reason, JsonSerializer.Serialize(shortLines, TesseraJson.Options), clock.GetUtcNow()))
            outbox.Publish(new OrderRejected(order.Id, order.Number, reason), order.Id.ToString());
    }
}
