using Tessera.Inventory.Contracts;
using Tessera.Inventory.Domain;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Contracts;

namespace Tessera.Inventory.Messaging;

/// <summary>
/// An order's lines are to change: its reservation moves by exactly the difference per SKU — more is reserved (where
/// the order already has stock if possible), less is given back (latest reservations first). All or nothing: if the
/// increase cannot be reserved, nothing moves and the change is refused with the short lines.
/// </summary>
public sealed class AdjustReservationOnOrderChanged(ReservationLedger ledger, IOutbox outbox) : IEventHandler<OrderChanged>
{
    public async Task HandleAsync(OrderChanged message, MessageContext context, CancellationToken cancellationToken)
    {
        if (message.LineChange is not { } change)
            return;
        var key = message.OrderId.ToString();
        var active = await ledger.ActiveAsync(message.OrderId, cancellationToken);
        if (active.Count == 0)
        {
            outbox.Publish(new ReservationAdjustmentFailed(message.OrderId, change.ChangeId, [],
                "Nothing is reserved for this order, so its reservation cannot be adjusted."), key);
            return;
        }

        var current = active.GroupBy(r => r.Sku).ToDictionary(g => g.Key, g => g.Sum(r => r.Quantity));
        var desired = change.Lines.GroupBy(l => l.Sku).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));
        var increases = desired.Where(d => d.Value > current.GetValueOrDefault(d.Key))
            .Select(d => new Demand(d.Key, d.Value - current.GetValueOrDefault(d.Key))).ToList();
        var decreases = current.Where(c => c.Value > desired.GetValueOrDefault(c.Key))
            .Select(c => (Sku: c.Key, Quantity: c.Value - desired.GetValueOrDefault(c.Key))).ToList();

        var mainWarehouse = active.GroupBy(r => r.Warehouse).OrderByDescending(g => g.Sum(r => r.Quantity)).First().Key;
        var plan = await ledger.PlanAsync(increases, mainWarehouse, cancellationToken);
        if (!plan.IsComplete)
        {
            outbox.Publish(new ReservationAdjustmentFailed(message.OrderId, change.ChangeId,
                plan.Shortages.Select(s => new ShortLine(s.Sku, s.Requested, s.Available)).ToList(), "Not enough stock for the change."), key);
            return;
        }

        var released = new List<ReservedLine>();
        foreach (var (sku, quantity) in decreases)
        {
            var left = quantity;
            foreach (var reservation in active.Where(r => r.Sku == sku).Reverse())
            {
                if (left == 0)
                    break;
                var take = Math.Min(left, reservation.Quantity);
                released.Add(new ReservedLine(sku, reservation.Warehouse, take));
                await ledger.ReleaseAsync(reservation, take, message.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
                left -= take;
            }
        }
        // What is added keeps the hold the order already has: an order's reservations lapse together.
        var expiresAt = active.Min(r => r.ExpiresAt);
        foreach (var allocation in plan.Allocations)
            await ledger.ReserveAsync(message.OrderId, message.Number, allocation, expiresAt, cancellationToken);

        outbox.Publish(new ReservationAdjusted(message.OrderId, change.ChangeId,
            plan.Allocations.Select(a => new ReservedLine(a.Sku, a.Warehouse, a.Quantity)).ToList(), released), key);
    }
}
