using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.Inventory.Ledger;

namespace Tessera.Inventory.Messaging;

/// <summary>
/// Reserving and releasing stock for orders. Every change of a stock row's Reserved is an atomic conditional update
/// (reserve: on_hand − reserved ≥ q; release: reserved ≥ q), so no interleaving of writers can oversell or go
/// negative; a condition that fails because stock moved since it was read throws, and the message is retried. Each
/// change is followed by the reorder-point watch, since a reservation lowers available stock as much as an issue.
/// </summary>
public sealed class ReservationLedger(InventoryDbContext db, StockLedger stock, TimeProvider clock)
{
    public async Task<AllocationPlan> PlanAsync(IReadOnlyList<Demand> demand, string? preferredWarehouse, CancellationToken cancellationToken)
    {
        var skus = demand.Select(d => d.Sku).Distinct().ToList();
        var rows = await db.Stock.AsNoTracking()
            .Where(s => skus.Contains(s.Sku))
            .Select(s => new { s.Sku, s.Warehouse, s.OnHand, s.Reserved })
            .ToListAsync(cancellationToken);
        return AllocationPlanner.Plan(demand, rows.Select(s => new Availability(s.Sku, s.Warehouse, s.OnHand - s.Reserved)).ToList(), preferredWarehouse);
    }

    /// <summary>When reservations made now lapse: the tenant's hold, or never.</summary>
    public async Task<DateTimeOffset?> ExpiryAsync(CancellationToken cancellationToken) =>
        (await stock.SettingsAsync(cancellationToken)).ReservationHold is TimeSpan hold ? clock.GetUtcNow() + hold : null;

    public async Task ReserveAsync(Guid orderId, long orderNumber, Allocation allocation, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
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
            ExpiresAt = expiresAt,
        });
        await stock.ReservationChangedAsync(allocation.Sku, allocation.Warehouse, cancellationToken);
    }

    /// <summary>
    /// Gives back <paramref name="quantity"/> of a reservation: part of it (the reservation shrinks) or all of it (it ends
    /// as <paramref name="status"/>: Released, or Expired when its hold lapsed).
    /// </summary>
    public async Task ReleaseAsync(Reservation reservation, decimal quantity, string order, CancellationToken cancellationToken,
        ReservationStatus status = ReservationStatus.Released)
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
                $"Reserved stock of {reservation.Sku} in {reservation.Warehouse} is below the reservation of order {order}.");
        if (quantity < reservation.Quantity)
            reservation.Quantity -= quantity;
        else
        {
            // Released whole: the row keeps the quantity it held, for the record.
            reservation.Status = status;
            reservation.ReleasedAt = now;
        }
        await stock.ReservationChangedAsync(reservation.Sku, reservation.Warehouse, cancellationToken);
    }

    public Task<List<Reservation>> ActiveAsync(Guid orderId, CancellationToken cancellationToken) =>
        db.Reservations.Where(r => r.OrderId == orderId && r.Status == ReservationStatus.Active).OrderBy(r => r.CreatedAt).ToListAsync(cancellationToken);
}
