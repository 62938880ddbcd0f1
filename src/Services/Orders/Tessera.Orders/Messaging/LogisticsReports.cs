using System.Text.Json;
using Tessera.Logistics.Contracts;
using Tessera.Messaging.Handling;
using Tessera.Orders.Archive;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.Orders.Domain;
using Tessera.Orders.Fulfilment;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Orders.Messaging;

internal static class Shipped
{
    public static List<FulfilmentLineDto> Lines(IEnumerable<ShippedLine> lines) => lines.Select(l => new FulfilmentLineDto(l.Sku, l.Quantity)).ToList();

    public static string Carrier(string? carrier, string? waybill) =>
        (carrier is null ? "" : $" with {carrier}") + (waybill is null ? "" : $", waybill {waybill}");
}

/// <summary>
/// A shipment left its warehouse with a carrier. The first one makes the order Dispatched — from then on nothing about
/// it can change — and each one starts its delivery deadline. A shipment that leaves although the order was cancelled
/// (the cancellation came too late) needs a person.
/// </summary>
public sealed class MarkOrderDispatched(OrdersDbContext db, OrderArchive archive, FulfilmentProcess process) : IEventHandler<ShipmentDispatched>
{
    public async Task HandleAsync(ShipmentDispatched message, MessageContext context, CancellationToken cancellationToken)
    {
        var order = await Orders.LoadAsync(db, archive, message.OrderId, nameof(ShipmentDispatched), cancellationToken);
        if (order is null)
            return;
        var fulfilment = process.Of(order);
        var shipment = fulfilment.Track(message.ShipmentId, message.Warehouse, Shipped.Lines(message.Lines));
        if (!shipment.Advance(FulfilmentShipmentStatus.Dispatched))
            return; // dispatched already, or further along: a repeated or late report
        shipment.SetLines(Shipped.Lines(message.Lines));
        (shipment.Carrier, shipment.WaybillNumber) = (message.Carrier ?? shipment.Carrier, message.WaybillNumber ?? shipment.WaybillNumber);
        shipment.DispatchedAt = message.DispatchedAt;
        shipment.DeliveryDueAt = process.Now + process.Options.DeliveryDeadline(fulfilment.ServiceLevel);

        var by = Shipped.Carrier(shipment.Carrier, shipment.WaybillNumber);
        var reason = $"Dispatched from {message.Warehouse}{by}";
        if (order.Status is not (OrderStatus.Pending or OrderStatus.Confirmed))
            fulfilment.Note(TimelineKinds.Report, $"Shipment {shipment.Label} dispatched from {message.Warehouse}{by}", context.Producer);
        if (fulfilment.IsCancelled)
            fulfilment.Raise(AlertKinds.CancellationFailed, shipment.ShipmentId,
                $"Shipment {shipment.Label} left {message.Warehouse}{by} although order {order.Number} was cancelled: the goods are with the carrier. " +
                "Intercept it with the carrier or arrange a return.", context.Producer, process.Now);
        process.Settle(order, fulfilment, context.Producer, reason);
    }
}

/// <summary>
/// Logistics' reports about the order's shipments, recorded on the fulfilment and told in the timeline. Each step is
/// taken once and never backwards: a repeated or late report changes nothing.
/// </summary>
public sealed class FollowShipments(OrdersDbContext db, OrderArchive archive, FulfilmentProcess process) :
    IEventHandler<ShipmentCreated>, IEventHandler<ShipmentPicked>, IEventHandler<ShipmentPacked>, IEventHandler<ShipmentTransitStarted>,
    IEventHandler<ShipmentDelivered>, IEventHandler<DeliveryFailed>, IEventHandler<ReturnToOriginReceived>, IEventHandler<ShipmentCancelled>,
    IEventHandler<ShipmentCancellationFailed>
{
    /// <summary>A shipment for a request: the current one's counts; an older request's was superseded, and logistics cancels it.</summary>
    public Task HandleAsync(ShipmentCreated message, MessageContext context, CancellationToken cancellationToken) =>
        Step(message.OrderId, nameof(ShipmentCreated), context, cancellationToken, (order, fulfilment) =>
        {
            var shipment = fulfilment.Track(message.ShipmentId, message.Warehouse, Shipped.Lines(message.Lines));
            if (shipment.CreatedAt is not null)
                return false;
            shipment.CreatedAt = message.CreatedAt;
            shipment.Number = message.Number;
            shipment.RequestId = message.RequestId;
            shipment.Carrier ??= message.Carrier;
            var what = $"Shipment {shipment.Label} created in {message.Warehouse}: {OrderFulfilment.Describe(shipment.LineList)}";
            if (fulfilment.IsSuperseded(shipment))
                what += " — it answers a superseded request, so logistics cancels it";
            else if (fulfilment.IsCancelled && shipment.Status < FulfilmentShipmentStatus.Dispatched)
                what += " — the order was cancelled, so logistics cancels it";
            fulfilment.Note(TimelineKinds.Report, what, context.Producer);
            return true;
        });

    public Task HandleAsync(ShipmentPicked message, MessageContext context, CancellationToken cancellationToken) =>
        Step(message.OrderId, nameof(ShipmentPicked), context, cancellationToken, (_, fulfilment) =>
        {
            var shipment = fulfilment.Track(message.ShipmentId, null, null);
            if (shipment.PickedAt is not null)
                return false;
            shipment.PickedAt = message.PickedAt;
            shipment.Advance(FulfilmentShipmentStatus.Picked);
            fulfilment.Note(TimelineKinds.Report, $"Shipment {shipment.Label} picked", context.Producer);
            return true;
        });

    public Task HandleAsync(ShipmentPacked message, MessageContext context, CancellationToken cancellationToken) =>
        Step(message.OrderId, nameof(ShipmentPacked), context, cancellationToken, (_, fulfilment) =>
        {
            var shipment = fulfilment.Track(message.ShipmentId, null, null);
            if (shipment.PackedAt is not null)
                return false;
            shipment.PackedAt = message.PackedAt;
            shipment.Packages = message.Packages;
            shipment.Advance(FulfilmentShipmentStatus.Packed);
            fulfilment.Note(TimelineKinds.Report, $"Shipment {shipment.Label} packed in {message.Packages} package{(message.Packages == 1 ? "" : "s")}",
                context.Producer);
            return true;
        });

    public Task HandleAsync(ShipmentTransitStarted message, MessageContext context, CancellationToken cancellationToken) =>
        Step(message.OrderId, nameof(ShipmentTransitStarted), context, cancellationToken, (_, fulfilment) =>
        {
            var shipment = fulfilment.Track(message.ShipmentId, null, null);
            if (shipment.InTransitAt is not null)
                return false;
            shipment.InTransitAt = message.At;
            shipment.Advance(FulfilmentShipmentStatus.InTransit);
            fulfilment.Note(TimelineKinds.Report, $"Shipment {shipment.Label} is in transit" + (message.Location is { Length: > 0 } at ? $" ({at})" : ""),
                context.Producer);
            return true;
        });

    /// <summary>Delivered; when every shipment is, the order is Completed (OrderCompleted).</summary>
    public Task HandleAsync(ShipmentDelivered message, MessageContext context, CancellationToken cancellationToken) =>
        Step(message.OrderId, nameof(ShipmentDelivered), context, cancellationToken, (_, fulfilment) =>
        {
            var shipment = fulfilment.Track(message.ShipmentId, message.Warehouse, Shipped.Lines(message.Lines));
            if (shipment.DeliveredAt is not null)
                return false;
            shipment.DeliveredAt = message.DeliveredAt;
            if (!shipment.Advance(FulfilmentShipmentStatus.Delivered))
            {
                fulfilment.Note(TimelineKinds.Report, $"Shipment {shipment.Label} reported delivered while it was {shipment.Status}; it stays {shipment.Status}",
                    context.Producer);
                return true;
            }
            fulfilment.Note(TimelineKinds.Report, $"Shipment {shipment.Label} delivered", context.Producer);
            return true;
        });

    /// <summary>The carrier could not deliver: an alert, until the goods are back (or a later attempt delivers them).</summary>
    public Task HandleAsync(DeliveryFailed message, MessageContext context, CancellationToken cancellationToken) =>
        Step(message.OrderId, nameof(DeliveryFailed), context, cancellationToken, (order, fulfilment) =>
        {
            var shipment = fulfilment.Track(message.ShipmentId, null, null);
            if (shipment.DeliveryFailedAt is not null)
                return false;
            shipment.DeliveryFailedAt = message.At;
            shipment.FailureReason = message.Reason;
            if (!shipment.Advance(FulfilmentShipmentStatus.DeliveryFailed))
            {
                fulfilment.Note(TimelineKinds.Report, $"Logistics reported a failed delivery of shipment {shipment.Label} after it was {shipment.Status}: {message.Reason}",
                    context.Producer);
                return true;
            }
            fulfilment.Note(TimelineKinds.Report, $"Delivery of shipment {shipment.Label} failed: {message.Reason}", context.Producer);
            fulfilment.Raise(AlertKinds.DeliveryFailed, shipment.ShipmentId,
                $"Delivery of shipment {shipment.Label} of order {order.Number} failed ({message.Reason}); the goods go back to {shipment.Warehouse}",
                FulfilmentProcess.Actor, process.Now);
            return true;
        });

    /// <summary>The goods of a failed delivery are back in their warehouse: the order is Returned when every shipment is, else PartiallyReturned.</summary>
    public Task HandleAsync(ReturnToOriginReceived message, MessageContext context, CancellationToken cancellationToken) =>
        Step(message.OrderId, nameof(ReturnToOriginReceived), context, cancellationToken, (_, fulfilment) =>
        {
            var shipment = fulfilment.Track(message.ShipmentId, message.Warehouse, Shipped.Lines(message.Lines));
            if (shipment.ReturnedAt is not null)
                return false;
            shipment.ReturnedAt = message.ReceivedAt;
            shipment.Advance(FulfilmentShipmentStatus.ReturnedToOrigin);
            fulfilment.Note(TimelineKinds.Report,
                $"Shipment {shipment.Label} returned to origin: {OrderFulfilment.Describe(Shipped.Lines(message.Lines))} back in {message.Warehouse}", context.Producer);
            return true;
        });

    /// <summary>
    /// A shipment that had not left was cancelled: a compensation done after the order's cancellation, the end of a
    /// superseded request's shipment — or, for a shipment the order still needs, something a person must look at.
    /// </summary>
    public Task HandleAsync(ShipmentCancelled message, MessageContext context, CancellationToken cancellationToken) =>
        Step(message.OrderId, nameof(ShipmentCancelled), context, cancellationToken, (order, fulfilment) =>
        {
            var shipment = fulfilment.Track(message.ShipmentId, null, null);
            if (shipment.CancelledAt is not null)
                return false;
            var superseded = fulfilment.IsSuperseded(shipment);
            if (!shipment.Cancel(message.Reason, message.CancelledAt))
            {
                fulfilment.Note(TimelineKinds.Report, $"Logistics reported shipment {shipment.Label} cancelled, but it had left already ({shipment.Status}); it stays {shipment.Status}",
                    context.Producer);
                return true;
            }
            fulfilment.Note(TimelineKinds.Report, $"Shipment {shipment.Label} cancelled: {message.Reason}", context.Producer);
            if (superseded)
                return true;
            if (fulfilment.IsCancelled)
            {
                if (fulfilment.Settle(CompensationKinds.CancelShipment, shipment.Warehouse, "logistics", true, $"shipment {shipment.Label} cancelled", process.Now))
                    fulfilment.Note(TimelineKinds.Fulfilment, $"Compensation done: the shipment from {shipment.Warehouse} is cancelled", FulfilmentProcess.Actor);
            }
            else
            {
                fulfilment.Raise(AlertKinds.ShipmentCancelled, shipment.ShipmentId,
                    $"Shipment {shipment.Label} from {shipment.Warehouse} was cancelled by logistics ({message.Reason}) while order {order.Number} still needs it",
                    FulfilmentProcess.Actor, process.Now);
            }
            return true;
        });

    /// <summary>
    /// A shipment could not be cancelled because it had left: the order was cancelled (or its lines changed) but the
    /// goods are with the carrier. The compensation failed; a person has to act.
    /// </summary>
    public Task HandleAsync(ShipmentCancellationFailed message, MessageContext context, CancellationToken cancellationToken) =>
        Step(message.OrderId, nameof(ShipmentCancellationFailed), context, cancellationToken, (order, fulfilment) =>
        {
            var shipment = fulfilment.Track(message.ShipmentId, null, null);
            if (fulfilment.Alerts.Any(a => a.Kind == AlertKinds.CancellationFailed && a.ShipmentId == shipment.ShipmentId) &&
                !(fulfilment.IsCancelled && fulfilment.IsAwaiting(CompensationKinds.CancelShipment, shipment.Warehouse)))
                return false;
            fulfilment.Note(TimelineKinds.Report, $"Logistics could not cancel shipment {shipment.Label}: it is {message.Status} ({message.Reason})", context.Producer);
            if (fulfilment.IsCancelled)
                fulfilment.Settle(CompensationKinds.CancelShipment, shipment.Warehouse, "logistics", false, $"shipment {shipment.Label} had left ({message.Status})",
                    process.Now);
            if (!fulfilment.IsCancelled && shipment.RequestId is { } kept && fulfilment.Reinstate(kept, order.Lines, process.Now))
                fulfilment.Note(TimelineKinds.Fulfilment,
                    $"Logistics keeps the earlier shipment request (shipment {shipment.Label} had left) and creates nothing for the newer one", FulfilmentProcess.Actor);
            var why = fulfilment.IsCancelled ? $"order {order.Number} was cancelled" : $"the lines of order {order.Number} changed";
            fulfilment.Raise(AlertKinds.CancellationFailed, shipment.ShipmentId,
                $"Shipment {shipment.Label} could not be cancelled although {why}: it is {message.Status} and the goods are with the carrier. " +
                "A person must intercept it with the carrier or arrange a return.", FulfilmentProcess.Actor, process.Now);
            return true;
        });

    private async Task Step(Guid orderId, string eventName, MessageContext context, CancellationToken cancellationToken, Func<Order, OrderFulfilment, bool> step)
    {
        var order = await Orders.LoadAsync(db, archive, orderId, eventName, cancellationToken);
        if (order is null)
            return;
        var fulfilment = process.Of(order);
        if (step(order, fulfilment))
            process.Settle(order, fulfilment, context.Producer);
    }
}

/// <summary>
/// Customer returns of delivered goods: authorized, then received (restockable or damaged — either way the goods came
/// back from the customer). When every shipped unit is back the order is Returned, else PartiallyReturned.
/// </summary>
public sealed class FollowCustomerReturns(OrdersDbContext db, OrderArchive archive, FulfilmentProcess process) :
    IEventHandler<ReturnAuthorized>, IEventHandler<ReturnReceived>
{
    public async Task HandleAsync(ReturnAuthorized message, MessageContext context, CancellationToken cancellationToken)
    {
        var order = await Orders.LoadAsync(db, archive, message.OrderId, nameof(ReturnAuthorized), cancellationToken);
        if (order is null)
            return;
        var fulfilment = process.Of(order);
        var found = fulfilment.TrackReturn(message.ReturnId, message.Number);
        if (found.AuthorizedAt is not null)
            return;
        var lines = message.Lines.Select(l => new FulfilmentLineDto(l.Sku, l.Quantity)).ToList();
        found.AuthorizedAt = message.AuthorizedAt;
        found.Reason = message.Reason;
        found.Authorized = JsonSerializer.Serialize(lines, TesseraJson.Options);
        fulfilment.Touch(process.Now);
        fulfilment.Note(TimelineKinds.Report, $"Return {message.Number} authorized: {OrderFulfilment.Describe(lines)} ({message.Reason})", context.Producer);
        process.Settle(order, fulfilment, context.Producer);
    }

    public async Task HandleAsync(ReturnReceived message, MessageContext context, CancellationToken cancellationToken)
    {
        var order = await Orders.LoadAsync(db, archive, message.OrderId, nameof(ReturnReceived), cancellationToken);
        if (order is null)
            return;
        var fulfilment = process.Of(order);
        var found = fulfilment.TrackReturn(message.ReturnId, message.Number);
        if (found.ReceivedAt is not null)
            return;
        var lines = message.Lines.Select(l => new ReturnedLineDto(l.Sku, l.Quantity, l.Condition)).ToList();
        found.ReceivedAt = message.ReceivedAt;
        found.Warehouse = message.Warehouse;
        found.Received = JsonSerializer.Serialize(lines, TesseraJson.Options);
        fulfilment.Touch(process.Now);
        var what = string.Join(", ", lines.Select(l => $"{FulfilmentProcess.Quantity(l.Sku, l.Quantity)} ({l.Condition})"));
        fulfilment.Note(TimelineKinds.Report, $"Return {message.Number} received in {message.Warehouse}: {what}", context.Producer);
        process.Settle(order, fulfilment, context.Producer);
    }
}
