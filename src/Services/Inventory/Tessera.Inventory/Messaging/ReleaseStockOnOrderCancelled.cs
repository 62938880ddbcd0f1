using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Contracts;

namespace Tessera.Inventory.Messaging;

/// <summary>Compensation for a cancelled order: every active reservation is released and the stock becomes available again.</summary>
public sealed class ReleaseStockOnOrderCancelled(InventoryDbContext db, IOutbox outbox, TimeProvider clock) : IEventHandler<OrderCancelled>
{
    public async Task HandleAsync(OrderCancelled message, MessageContext context, CancellationToken cancellationToken)
    {
        var active = await db.Reservations
            .Where(r => r.OrderId == message.OrderId && r.Status == ReservationStatus.Active)
            .ToListAsync(cancellationToken);
        if (active.Count == 0)
            return;

        var now = clock.GetUtcNow();
        foreach (var reservation in active)
        {
            var quantity = reservation.Quantity;
            var updated = await db.Stock
                .Where(s => s.Sku == reservation.Sku && s.Warehouse == reservation.Warehouse && s.Reserved >= quantity)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(s => s.Reserved, s => s.Reserved - quantity)
                    .SetProperty(s => s.Version, s => s.Version + 1)
                    .SetProperty(s => s.UpdatedAt, now), cancellationToken);
            if (updated != 1)
                throw new InvalidOperationException(
                    $"Reserved stock of {reservation.Sku} in {reservation.Warehouse} is below the reservation of order {message.Number}.");
            reservation.Status = ReservationStatus.Released;
            reservation.ReleasedAt = now;
        }

        outbox.Publish(new StockReleased(message.OrderId,
            active.Select(r => new ReservedLine(r.Sku, r.Warehouse, r.Quantity)).ToList()), message.OrderId.ToString());
    }
}
