using System.Globalization;
using Tessera.Inventory.Contracts;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Contracts;

namespace Tessera.Inventory.Messaging;

/// <summary>
/// A completed order holds nothing: whatever its shipments did not consume (a line shipped short, or from another
/// warehouse than it was reserved in) is released, so that reserved stock never leaks.
/// </summary>
public sealed class ReleaseStockOnOrderCompleted(ReservationLedger ledger, IOutbox outbox) : IEventHandler<OrderCompleted>
{
    public async Task HandleAsync(OrderCompleted message, MessageContext context, CancellationToken cancellationToken)
    {
        var active = await ledger.ActiveAsync(message.OrderId, cancellationToken);
        if (active.Count == 0)
            return;
        var released = active.Select(r => new ReservedLine(r.Sku, r.Warehouse, r.Quantity)).ToList();
        foreach (var reservation in active)
            await ledger.ReleaseAsync(reservation, reservation.Quantity, message.Number.ToString(CultureInfo.InvariantCulture), cancellationToken);
        outbox.Publish(new StockReleased(message.OrderId, released), message.OrderId.ToString());
    }
}
