using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Contracts;

namespace Tessera.Inventory.Messaging;

/// <summary>
/// Reserves a placed order, all lines or none. Each reservation is an atomic conditional update
/// (reserved += q WHERE on_hand − reserved ≥ q), so no interleaving of writers can oversell; if the condition fails
/// because stock moved since it was read, the whole message is retried.
/// </summary>
public sealed class ReserveStockOnOrderPlaced(InventoryDbContext db, IOutbox outbox, TimeProvider clock) : IEventHandler<OrderPlaced>
{
    public async Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken)
    {
        if (await db.Reservations.AnyAsync(r => r.OrderId == message.OrderId, cancellationToken))
            return;

        var demand = message.Lines.Select(l => new Demand(l.Sku, l.Quantity)).ToList();
        var skus = demand.Select(d => d.Sku).Distinct().ToList();
        var stock = await db.Stock.AsNoTracking()
            .Where(s => skus.Contains(s.Sku))
            .Select(s => new { s.Sku, s.Warehouse, s.OnHand, s.Reserved })
            .ToListAsync(cancellationToken);
        var plan = AllocationPlanner.Plan(demand, stock.Select(s => new Availability(s.Sku, s.Warehouse, s.OnHand - s.Reserved)).ToList());

        var orderKey = message.OrderId.ToString();
        if (!plan.IsComplete)
        {
            outbox.Publish(new StockReservationFailed(message.OrderId,
                plan.Shortages.Select(s => new ShortLine(s.Sku, s.Requested, s.Available)).ToList()), orderKey);
            return;
        }

        var now = clock.GetUtcNow();
        foreach (var allocation in plan.Allocations)
        {
            var quantity = allocation.Quantity;
            var updated = await db.Stock
                .Where(s => s.Sku == allocation.Sku && s.Warehouse == allocation.Warehouse && s.OnHand - s.Reserved >= quantity)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(s => s.Reserved, s => s.Reserved + quantity)
                    .SetProperty(s => s.Version, s => s.Version + 1)
                    .SetProperty(s => s.UpdatedAt, now), cancellationToken);
            if (updated != 1)
                throw new InvalidOperationException(
                    $"Stock of {allocation.Sku} in {allocation.Warehouse} changed while reserving order {message.Number}; retrying.");

            db.Reservations.Add(new Reservation
            {
                Id = Guid.CreateVersion7(),
                OrderId = message.OrderId,
                Sku = allocation.Sku,
                Warehouse = allocation.Warehouse,
                Quantity = quantity,
                Status = ReservationStatus.Active,
                CreatedAt = now,
            });
        }

        outbox.Publish(new StockReserved(message.OrderId,
            plan.Allocations.Select(a => new ReservedLine(a.Sku, a.Warehouse, a.Quantity)).ToList()), orderKey);
    }
}
