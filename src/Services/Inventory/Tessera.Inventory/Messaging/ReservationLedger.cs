using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;

namespace Tessera.Inventory.Messaging;

/// <summary>
/// Reserving and releasing stock for orders. Every change of a stock row's Reserved is an atomic conditional update
/// (reserve: on_hand − reserved ≥ q; release: reserved ≥ q), so no interleaving of writers can oversell or go
/// negative; a condition that fails because stock moved since it was read throws, and the message is retried.
/// </summary>
public sealed class ReservationLedger(InventoryDbContext db, TimeProvider clock)
{
    public async Task<AllocationPlan> PlanAsync(IReadOnlyList<Demand> demand, string? preferredWarehouse, CancellationToken cancellationToken)
    {
        var skus = demand.Select(d => d.Sku).Distinct().ToList();
        var stock = await db.Stock.AsNoTracking()
            .Where(s => skus.Contains(s.Sku))
            .Select(s => new { s.Sku, s.Warehouse, s.OnHand, s.Reserved })
            .ToListAsync(cancellationToken);
        return AllocationPlanner.Plan(demand, stock.Select(s => new Availability(s.Sku, s.Warehouse, s.OnHand - s.Reserved)).ToList(), preferredWarehouse);
    }

    public async Task ReserveAsync(Guid orderId, long orderNumber, Allocation allocation, CancellationToken cancellationToken)
    {
        var quantity = allocation.Quantity;
        var now = clock.GetUtcNow();
        var updated = await db.Stock
            .Where(s => s.Sku == allocation.Sku && s.Warehouse == allocation.Warehouse && s.OnHand - s.Reserved >= quantity)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.Reserved, s => s.Reserved + quantity)
                .SetProperty(s => s.Version, s => s.Version + 1)
                .SetProperty(s => s.UpdatedAt, now), cancellationToken);
        if (updated != 1)
            throw new InvalidOperationException(
                $"Stock of {allocation.Sku} in {allocation.Warehouse} changed while reserving order {orderNumber}; retrying.");
        db.Reservations.Add(new Reservation
        {
            Id = Guid.CreateVersion7(),
            OrderId = orderId,
            Sku = allocation.Sku,
            Warehouse = allocation.Warehouse,
            Quantity = quantity,
            Status = ReservationStatus.Active,
            CreatedAt = now,
        });
    }

    /// <summary>Gives back <paramref name="quantity"/> of a reservation: part of it (the reservation shrinks) or all of it (Released).</summary>
    public async Task ReleaseAsync(Reservation reservation, decimal quantity, long orderNumber, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var updated = await db.Stock
            .Where(s => s.Sku == reservation.Sku && s.Warehouse == reservation.Warehouse && s.Reserved >= quantity)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.Reserved, s => s.Reserved - quantity)
                .SetProperty(s => s.Version, s => s.Version + 1)
                .SetProperty(s => s.UpdatedAt, now), cancellationToken);
        if (updated != 1)
            throw new InvalidOperationException(
                $"Reserved stock of {reservation.Sku} in {reservation.Warehouse} is below the reservation of order {orderNumber}.");
        if (quantity < reservation.Quantity)
        {
            reservation.Quantity -= quantity;
            return;
        }
        // Released whole: the row keeps the quantity it held, for the record.
        reservation.Status = ReservationStatus.Released;
        reservation.ReleasedAt = now;
    }

    public Task<List<Reservation>> ActiveAsync(Guid orderId, CancellationToken cancellationToken) =>
        db.Reservations.Where(r => r.OrderId == orderId && r.Status == ReservationStatus.Active).OrderBy(r => r.CreatedAt).ToListAsync(cancellationToken);
}
