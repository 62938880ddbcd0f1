using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Contracts;

namespace Tessera.Inventory.Messaging;

/// <summary>
/// Reserves a placed order, all lines or none, in the order's preferred warehouse when it can serve everything. The
/// reservation lapses after the tenant's reservation hold, if it has one (ReleaseExpiredReservations).
/// </summary>
public sealed class ReserveStockOnOrderPlaced(InventoryDbContext db, ReservationLedger ledger, IOutbox outbox) : IEventHandler<OrderPlaced>
{
    public async Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken)
    {
        if (await db.Reservations.AnyAsync(r => r.OrderId == message.OrderId, cancellationToken))
            return;

        var plan = await ledger.PlanAsync(message.Lines.Select(l => new Demand(l.Sku, l.Quantity)).ToList(), message.PreferredWarehouse, cancellationToken);
        var orderKey = message.OrderId.ToString();
        if (!plan.IsComplete)
        {
            outbox.Publish(new StockReservationFailed(message.OrderId,
                plan.Shortages.Select(s => new ShortLine(s.Sku, s.Requested, s.Available)).ToList()), orderKey);
            return;
        }

        var expiresAt = await ledger.ExpiryAsync(cancellationToken);
        foreach (var allocation in plan.Allocations)
            await ledger.ReserveAsync(message.OrderId, message.Number, allocation, expiresAt, cancellationToken);
        outbox.Publish(new StockReserved(message.OrderId,
            plan.Allocations.Select(a => new ReservedLine(a.Sku, a.Warehouse, a.Quantity)).ToList()), orderKey);
    }
}
