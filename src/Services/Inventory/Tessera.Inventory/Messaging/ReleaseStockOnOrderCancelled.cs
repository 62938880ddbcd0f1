using Tessera.Inventory.Contracts;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Contracts;

namespace Tessera.Inventory.Messaging;

/// <summary>Compensation for a cancelled order: every active reservation is released and the stock becomes available again.</summary>
public sealed class ReleaseStockOnOrderCancelled(ReservationLedger ledger, IOutbox outbox) : IEventHandler<OrderCancelled>
{
    public async Task HandleAsync(OrderCancelled message, MessageContext context, CancellationToken cancellationToken)
    {
        var active = await ledger.ActiveAsync(message.OrderId, cancellationToken);
        if (active.Count == 0)
            return;

        var released = active.Select(r => new ReservedLine(r.Sku, r.Warehouse, r.Quantity)).ToList();
        foreach (var reservation in active)
            await ledger.ReleaseAsync(reservation, reservation.Quantity, message.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        outbox.Publish(new StockReleased(message.OrderId, released), message.OrderId.ToString());
    }
}
