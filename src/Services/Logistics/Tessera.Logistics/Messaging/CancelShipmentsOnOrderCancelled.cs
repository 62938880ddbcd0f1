using Microsoft.EntityFrameworkCore;
using Tessera.Logistics.Contracts;
using Tessera.Logistics.Data;
using Tessera.Logistics.Domain;
using Tessera.Logistics.Features;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Contracts;

namespace Tessera.Logistics.Messaging;

/// <summary>
/// Compensation for a cancelled order: each of its shipments that has not left is cancelled (ShipmentCancelled); for
/// each one that has, ShipmentCancellationFailed says the goods are with the carrier. The cancellation is remembered,
/// so a shipment request for the order arriving later creates nothing.
/// </summary>
public sealed class CancelShipmentsOnOrderCancelled(LogisticsDbContext db, IOutbox outbox, TimeProvider clock) : IEventHandler<OrderCancelled>
{
    public async Task HandleAsync(OrderCancelled message, MessageContext context, CancellationToken cancellationToken)
    {
        if (await db.OrderCancellations.AnyAsync(c => c.OrderId == message.OrderId, cancellationToken))
            return;
        var now = clock.GetUtcNow();
        db.OrderCancellations.Add(new OrderCancellation { OrderId = message.OrderId, OrderNumber = message.Number, Reason = message.Reason, CancelledAt = now });

        var shipments = await db.Shipments.AsSplitQuery().Include(s => s.Lines).Include(s => s.History)
            .Where(s => s.OrderId == message.OrderId && Shipment.ActiveStatuses.Contains(s.Status))
            .OrderBy(s => s.Number)
            .ToListAsync(cancellationToken);
        foreach (var shipment in shipments)
        {
            if (shipment.HasLeft)
                outbox.Publish(new ShipmentCancellationFailed(shipment.Id, message.OrderId, shipment.Status.ToString(),
                    $"Order {message.Number} was cancelled, but shipment {shipment.Number} has already left {shipment.Warehouse} " +
                    $"({shipment.Status}, {shipment.Carrier} waybill {shipment.WaybillNumber}): the goods are with the carrier. Arrange a return instead."),
                    message.OrderId.ToString());
            else
                ShipmentSteps.Publish(outbox, shipment,
                    shipment.Cancel($"Order {message.Number} was cancelled: {message.Reason}", CreateShipmentsOnShipmentsRequested.SystemActor, now));
        }
    }
}
