using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Messaging.Handling;
using Tessera.Orders.Archive;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.Orders.Domain;
using Tessera.Orders.Fulfilment;

namespace Tessera.Orders.Messaging;

/// <summary>
/// Stock inventory moved for an order: the sales-out of a dispatched shipment, goods taken back in after a return.
/// Part of the order's story, recorded once each. They come from inventory and may arrive before or after logistics'
/// report of the same shipment: neither needs the other, and neither moves the order.
/// </summary>
public sealed class FollowStockMovements(OrdersDbContext db, OrderArchive archive, FulfilmentProcess process)
    : IEventHandler<StockIssued>, IEventHandler<StockReturned>, IEventHandler<StockIssueFailed>
{
    public async Task HandleAsync(StockIssued message, MessageContext context, CancellationToken cancellationToken)
    {
        if (message.OrderId is not { } orderId)
            return; // not about an order (a supplier return)
        var order = await Orders.LoadAsync(db, archive, orderId, nameof(StockIssued), cancellationToken);
        if (order is null)
            return;
        var fulfilment = process.Of(order);
        var lines = message.Lines.Select(l => new FulfilmentLineDto(l.Sku, l.Quantity)).ToList();
        if (!fulfilment.RecordMovement(message.MovementType, message.SourceType, message.SourceId, message.Warehouse, lines, message.OccurredAt, process.Now))
            return;
        fulfilment.Note(TimelineKinds.Report,
            $"Inventory issued {OrderFulfilment.Describe(lines)} from {message.Warehouse} ({message.MovementType}{Source(fulfilment, message.SourceType, message.SourceId)})",
            context.Producer);
        process.Settle(order, fulfilment, context.Producer);
    }

    public async Task HandleAsync(StockReturned message, MessageContext context, CancellationToken cancellationToken)
    {
        if (message.OrderId is not { } orderId)
            return;
        var order = await Orders.LoadAsync(db, archive, orderId, nameof(StockReturned), cancellationToken);
        if (order is null)
            return;
        var fulfilment = process.Of(order);
        var lines = message.Lines.Select(l => new FulfilmentLineDto(l.Sku, l.Quantity)).ToList();
        if (!fulfilment.RecordMovement(message.MovementType, message.SourceType, message.SourceId, message.Warehouse, lines, message.OccurredAt, process.Now))
            return;
        fulfilment.Note(TimelineKinds.Report,
            $"Inventory took {OrderFulfilment.Describe(lines)} back into {message.Warehouse} ({message.MovementType}{Source(fulfilment, message.SourceType, message.SourceId)})",
            context.Producer);
        process.Settle(order, fulfilment, context.Producer);
    }

    /// <summary>
    /// Inventory could not post the sales-out of a dispatched shipment (stock short while negative stock is forbidden):
    /// the goods left but the ledger does not say so. A person must correct the stock.
    /// </summary>
    public async Task HandleAsync(StockIssueFailed message, MessageContext context, CancellationToken cancellationToken)
    {
        if (message.SourceType != "shipment" || !Guid.TryParse(message.SourceId, out var shipmentId))
            return; // another service's issue (a supplier return)
        var orderId = await db.FulfilmentShipments.Where(s => s.ShipmentId == shipmentId).Select(s => (Guid?)s.OrderId).FirstOrDefaultAsync(cancellationToken)
                      ?? (Guid.TryParse(context.Envelope.AggregateId, out var aggregate) ? aggregate : null);
        if (orderId is null)
            return;
        var order = await Orders.LoadAsync(db, archive, orderId.Value, nameof(StockIssueFailed), cancellationToken);
        if (order is null)
            return;
        var fulfilment = process.Of(order);
        var shortages = Orders.Shortages(message.ShortLines);
        var label = fulfilment.Shipment(shipmentId)?.Label ?? shipmentId.ToString()[..8];
        if (!fulfilment.Raise(AlertKinds.StockIssueFailed, shipmentId,
                $"Inventory could not post the {message.MovementType} of shipment {label} from {message.Warehouse}: {message.Reason}" +
                (shortages.Length > 0 ? $" ({shortages})" : "") + ". The goods left but the stock does not show it: correct the stock.",
                context.Producer, process.Now))
            return;
        process.Settle(order, fulfilment, context.Producer);
    }

    private static string Source(OrderFulfilment fulfilment, string sourceType, string sourceId) => sourceType switch
    {
        "shipment" when Guid.TryParse(sourceId, out var id) => $" of shipment {fulfilment.Shipment(id)?.Label ?? sourceId[..Math.Min(8, sourceId.Length)]}",
        "customer-return" when Guid.TryParse(sourceId, out var id) => $" of return {fulfilment.Returns.FirstOrDefault(r => r.ReturnId == id)?.Number ?? sourceId[..Math.Min(8, sourceId.Length)]}",
        _ => $" of {sourceType} {sourceId}",
    };
}

/// <summary>
/// Inventory let the order's reservation expire. An order that has not left is cancelled with the reason "the
/// reservation expired", exactly like a user's cancellation (OrderCancelled; logistics cancels the shipments). After a
/// dispatch it cannot be cancelled: the shipments still to leave have lost their stock, which needs a person.
/// </summary>
public sealed class CancelOrderOnReservationExpired(OrdersDbContext db, OrderArchive archive, FulfilmentProcess process) : IEventHandler<ReservationExpired>
{
    public const string Reason = "the reservation expired";

    public async Task HandleAsync(ReservationExpired message, MessageContext context, CancellationToken cancellationToken)
    {
        var order = await Orders.LoadAsync(db, archive, message.OrderId, nameof(ReservationExpired), cancellationToken);
        if (order is null)
            return;
        var fulfilment = process.Of(order);
        var expired = Orders.Quantities(message.Lines);
        switch (order.Status)
        {
            case OrderStatus.Pending or OrderStatus.Confirmed:
                fulfilment.Unallocate(Orders.Tuples(message.Lines), process.Now);
                fulfilment.Note(TimelineKinds.Report, $"The reservation expired: {expired}", context.Producer);
                process.Cancel(order, Reason, context.Producer);
                // What expired is released already: inventory has nothing left to give back for it.
                if (!fulfilment.HoldsStock && fulfilment.Settle(CompensationKinds.ReleaseReservation, "reservation", "inventory", true,
                        "released when the reservation expired", process.Now))
                    fulfilment.Note(TimelineKinds.Fulfilment, "Compensation done: the reserved stock was released when it expired", FulfilmentProcess.Actor);
                process.Settle(order, fulfilment, context.Producer);
                break;
            case OrderStatus.Cancelled or OrderStatus.Rejected:
                if (!fulfilment.HoldsStock)
                    return; // nothing was held any more: a repeated or late report
                fulfilment.Unallocate(Orders.Tuples(message.Lines), process.Now);
                fulfilment.Note(TimelineKinds.Report, $"The reservation expired: {expired}", context.Producer);
                if (!fulfilment.HoldsStock && fulfilment.Settle(CompensationKinds.ReleaseReservation, "reservation", "inventory", true,
                        "released when the reservation expired", process.Now))
                    fulfilment.Note(TimelineKinds.Fulfilment, "Compensation done: the reserved stock was released when it expired", FulfilmentProcess.Actor);
                process.Settle(order, fulfilment, context.Producer);
                break;
            default:
                fulfilment.Unallocate(Orders.Tuples(message.Lines), process.Now);
                if (fulfilment.Raise(AlertKinds.ReservationExpired, null,
                        $"Reservations of order {order.Number} expired after it was dispatched ({expired}); shipments that have not left lost their reserved stock",
                        context.Producer, process.Now))
                    process.Settle(order, fulfilment, context.Producer);
                break;
        }
    }
}
