using Tessera.Logistics.Contracts;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;

namespace Tessera.Orders.Messaging;

/// <summary>The order left the warehouse: Dispatched, and from now on nothing about it can change.</summary>
public sealed class MarkOrderDispatched(OrdersDbContext db, Archive.OrderArchive archive, IOutbox outbox, TimeProvider clock) : IEventHandler<ShipmentDispatched>
{
    public async Task HandleAsync(ShipmentDispatched message, MessageContext context, CancellationToken cancellationToken)
    {
        var order = await Orders.LoadAsync(db, archive, message.OrderId, nameof(ShipmentDispatched), cancellationToken);
        if (order is null)
            return;
        var by = message.Carrier is null ? "" : $" with {message.Carrier}" + (message.WaybillNumber is null ? "" : $", waybill {message.WaybillNumber}");
        if (order.Dispatch($"Dispatched from {message.Warehouse}{by}", clock.GetUtcNow()))
            outbox.Publish(new OrderDispatched(order.Id, order.Number), order.Id.ToString());
        else
            order.Reported($"Shipment dispatched from {message.Warehouse}{by}", "logistics", clock.GetUtcNow());
    }
}
