using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.Inventory.Features;
using Tessera.Inventory.Ledger;
using Tessera.Logistics.Contracts;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Outbox;

namespace Tessera.Inventory.Messaging;

/// <summary>
/// A shipment left its warehouse: its lines go out as sales-out at the moving average, consuming the order's active
/// reservations of those SKUs in that warehouse. What was not reserved (a cancellation raced the dispatch) is taken from
/// available stock; if even that is short and negative stock is forbidden, nothing moves and StockIssueFailed says so.
/// </summary>
public sealed class IssueDispatchedShipment(InventoryDbContext db, StockLedger ledger, IOutbox outbox, TimeProvider clock) : IEventHandler<ShipmentDispatched>
{
    public const string SourceType = "shipment";
    private const string Type = "sales-out";

    public async Task HandleAsync(ShipmentDispatched message, MessageContext context, CancellationToken cancellationToken)
    {
        var (shipment, orderKey) = (message.ShipmentId.ToString(), message.OrderId.ToString());
        if (await SourceDocuments.PostedAsync(db, SourceType, shipment, MovementType.SalesOut, cancellationToken))
            return;
        var warehouse = Warehouses.Normalize(message.Warehouse);
        if (!await Checks.WarehouseExistsAsync(db, warehouse, cancellationToken))
        {
            outbox.Publish(new StockIssueFailed(Type, SourceType, shipment, warehouse, [], $"Inventory has no warehouse '{warehouse}'."), orderKey);
            return;
        }

        var shipped = message.Lines.GroupBy(l => l.Sku).Select(g => (Sku: g.Key, Quantity: g.Sum(l => l.Quantity))).Where(l => l.Quantity > 0).ToList();
        var reservations = await db.Reservations
            .Where(r => r.OrderId == message.OrderId && r.Warehouse == warehouse && r.Status == ReservationStatus.Active)
            .OrderBy(r => r.CreatedAt).ToListAsync(cancellationToken);
        var consumed = shipped.ToDictionary(l => l.Sku, l => Math.Min(l.Quantity, reservations.Where(r => r.Sku == l.Sku).Sum(r => r.Quantity)));
        var posting = await ledger.PostAsync(warehouse, MovementType.SalesOut, new LedgerSource(SourceType, shipment, message.OrderId),
            shipped.Select(l => new LedgerLine(l.Sku, l.Quantity, ReleaseReserved: consumed[l.Sku])).ToList(), context.Producer, cancellationToken);
        if (!posting.Succeeded)
        {
            outbox.Publish(new StockIssueFailed(Type, SourceType, shipment, warehouse, posting.ShortLines,
                $"Not enough stock in {warehouse} for {string.Join(", ", posting.Shortages.Select(s => s.Sku))}: the reservation was gone and " +
                "negative stock is not allowed."), orderKey);
            return;
        }

        var now = clock.GetUtcNow();
        foreach (var (sku, quantity) in consumed)
            Consume(reservations.Where(r => r.Sku == sku), quantity, now);
        outbox.Publish(new StockIssued(Type, SourceType, shipment, warehouse, message.OrderId, posting.Lines, now), orderKey);
    }

    /// <summary>
    /// Marks reservations consumed, oldest first. A reservation consumed in part keeps its rest active and gets a
    /// consumed sibling for the part that shipped, so the record shows both. The stock row's Reserved was lowered by
    /// the same amount in the posting.
    /// </summary>
    private void Consume(IEnumerable<Reservation> reservations, decimal quantity, DateTimeOffset now)
    {
        foreach (var reservation in reservations)
        {
            if (quantity == 0)
                return;
            var take = Math.Min(quantity, reservation.Quantity);
            if (take == reservation.Quantity)
                (reservation.Status, reservation.ReleasedAt) = (ReservationStatus.Consumed, now);
            else
            {
                reservation.Quantity -= take;
                db.Reservations.Add(new Reservation
                {
                    Id = Guid.CreateVersion7(),
                    OrderId = reservation.OrderId,
                    Sku = reservation.Sku,
                    Warehouse = reservation.Warehouse,
                    Quantity = take,
                    Status = ReservationStatus.Consumed,
                    CreatedAt = reservation.CreatedAt,
                    ReleasedAt = now,
                    ExpiresAt = reservation.ExpiresAt,
                });
            }
            quantity -= take;
        }
    }
}
