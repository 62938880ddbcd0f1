using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.Extensions.Options;
using Tessera.Inventory.Contracts;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Contracts;
using Tessera.Orders.Domain;

namespace Tessera.Orders.Fulfilment;

/// <summary>
/// The fulfilment process manager's steps on a loaded order: it records what inventory and logistics report, asks for
/// shipments, cancels with compensations, raises and clears alerts, and moves the order's status forward — always in
/// the caller's transaction (an inbox message's or a request's), with the events it publishes in the same outbox.
/// </summary>
public sealed class FulfilmentProcess(IOutbox outbox, TimeProvider clock, IOptions<FulfilmentOptions> options)
{
    /// <summary>Who the timeline names for steps the process takes itself.</summary>
    public const string Actor = "fulfilment";

    public DateTimeOffset Now => clock.GetUtcNow();

    public FulfilmentOptions Options => options.Value;

    /// <summary>The order's fulfilment, started now if it has none (an order confirmed before the process existed, or cancelled while Pending).</summary>
    public OrderFulfilment Of(Order order)
    {
        if (order.Fulfilment is { } existing)
            return existing;
        var fulfilment = OrderFulfilment.Start(order.Id, order.TenantId, order.Number, Now);
        if (order.Status is OrderStatus.Cancelled or OrderStatus.Rejected)
            fulfilment.Cancel(Now);
        order.Fulfilment = fulfilment;
        return fulfilment;
    }

    /// <summary>
    /// Inventory reserved the order: the allocation is recorded and, for a confirmed order, the shipments are requested
    /// at once — unless a line change waits for inventory, in which case the request follows its outcome. For an order
    /// cancelled meanwhile, the release of that stock becomes an awaited compensation.
    /// </summary>
    public void Reserved(Order order, IReadOnlyList<ReservedLine> lines, string by)
    {
        var fulfilment = Of(order);
        if (!fulfilment.RecordReservation(lines.Select(l => (l.Sku, l.Warehouse, l.Quantity)), Now))
            return;
        if (fulfilment.IsCancelled)
        {
            fulfilment.Await(CompensationKinds.ReleaseReservation, "reservation", "inventory", "Inventory releases the stock reserved for the order", Now);
            fulfilment.Note(TimelineKinds.Fulfilment, "Compensation awaited: inventory releases the stock it reserved after the cancellation", Actor);
        }
        else if (order.Status == OrderStatus.Confirmed)
        {
            if (order.PendingChange is null)
                RequestShipments(order, fulfilment);
            else
                fulfilment.Note(TimelineKinds.Fulfilment, "Shipments will be requested once inventory has answered the line change waiting for it", Actor);
        }
        Settle(order, fulfilment, by);
    }

    /// <summary>
    /// Asks logistics for one shipment per warehouse the allocation holds the lines in, under a new request id. A request
    /// made before replaces the older one: logistics cancels that request's shipments that have not left.
    /// </summary>
    public bool RequestShipments(Order order, OrderFulfilment fulfilment)
    {
        var shipments = OrderFulfilment.Split(order.Lines, fulfilment.Allocation, out var unallocated);
        if (shipments.Count == 0)
        {
            fulfilment.Note(TimelineKinds.Fulfilment, "No shipment requested: inventory holds no stock for the order's lines", Actor);
            return false;
        }
        var level = Options.Level(order.Shipping.ServiceLevel);
        var within = Options.DispatchDeadline(level);
        var supersedes = fulfilment.RequestId is not null;
        var requestId = Guid.CreateVersion7();
        fulfilment.Request(requestId, shipments, level, within, Now);
        outbox.Publish(new ShipmentsRequested(order.Id, order.Number, requestId, shipments, level, order.Shipping.RequestedDeliveryDate, Now,
            fulfilment.DispatchDueAt), order.Id.ToString());

        var what = string.Join("; ", shipments.Select(s => $"{s.Warehouse} ({string.Join(", ", s.Lines.Select(l => Quantity(l.Sku, l.Quantity)))})"));
        var summary = supersedes
            ? $"Shipments requested again for the changed lines (the new request supersedes the previous one; logistics cancels its shipments that have not left): {what}"
            : $"Shipments requested: {what}; {level} service, to be dispatched within {FulfilmentOptions.Hours(within)}";
        if (unallocated.Count > 0)
            summary += $"; not reserved, so not requested: {OrderFulfilment.Describe(unallocated)}";
        fulfilment.Note(TimelineKinds.Fulfilment, summary, Actor);
        return true;
    }

    /// <summary>
    /// Cancels the order (a user's request or an expired reservation) and publishes OrderCancelled, from which inventory
    /// releases the stock and logistics cancels the shipments; the fulfilment records both as awaited compensations.
    /// </summary>
    public CancelOutcome Cancel(Order order, string reason, string by)
    {
        if (order.Fulfilment is { } before)
            Flush(order, before);
        var previous = order.Status;
        var outcome = order.Cancel(reason, by, Now);
        if (outcome != CancelOutcome.Cancelled)
            return outcome;
        outbox.Publish(new OrderCancelled(order.Id, order.Number, reason, previous), order.Id.ToString());
        if (order.Fulfilment is { } fulfilment)
        {
            fulfilment.Cancel(Now);
            var awaited = fulfilment.Awaited.Select(c => c.Kind == CompensationKinds.ReleaseReservation
                ? "inventory releases the reserved stock"
                : $"logistics cancels the shipment from {c.Subject}").ToList();
            if (awaited.Count > 0)
                fulfilment.Note(TimelineKinds.Fulfilment, "Compensations awaited: " + string.Join("; ", awaited), Actor);
            Settle(order, fulfilment, by);
        }
        return outcome;
    }

    /// <summary>Why an order that left the warehouse cannot be cancelled, naming where its goods went.</summary>
    public static string WhyNotCancellable(Order order)
    {
        if (order.Status is OrderStatus.Rejected)
            return $"Order {order.Number} is {order.Status}; only Pending or Confirmed orders can be cancelled.";
        var left = order.Fulfilment?.Shipments
            .Where(s => s.Status is >= FulfilmentShipmentStatus.Dispatched and not FulfilmentShipmentStatus.Cancelled)
            .Select(s => s.Label + (s.Carrier is null ? "" : $" with {s.Carrier}") + (s.WaybillNumber is null ? "" : $", waybill {s.WaybillNumber}"))
            .ToList() ?? [];
        return $"Order {order.Number} is {order.Status}: it has left the warehouse and the goods went with the carrier" +
               (left.Count > 0 ? $" (shipment {string.Join("; ", left)})" : "") +
               ", so it can no longer be cancelled. Arrange a customer return instead.";
    }

    /// <summary>
    /// After every step: the state the shipments and returns put the fulfilment in (never lower than before), the
    /// order's status following it (Dispatched, Completed, PartiallyReturned, Returned — each published once), alerts
    /// cleared by the step, and the step's entries in the timeline, in the order they happened.
    /// </summary>
    public void Settle(Order order, OrderFulfilment fulfilment, string by, string? dispatchReason = null)
    {
        Flush(order, fulfilment);
        // Each entry takes the time it is written at: the timeline is ordered by time, then by insertion.
        var previous = fulfilment.State;
        var derived = fulfilment.Derive();
        fulfilment.Advance(derived, Now);
        var statusBefore = order.Status;
        var changes = new List<string>();

        if (fulfilment.State == FulfilmentState.Delivered)
        {
            fulfilment.Note(TimelineKinds.Fulfilment, $"Fulfilment Delivered: {Progress(fulfilment)}", Actor);
            Flush(order, fulfilment);
            fulfilment.Advance(FulfilmentState.Completed, Now);
        }

        switch (fulfilment.State)
        {
            case FulfilmentState.PartiallyDispatched or FulfilmentState.Dispatched or FulfilmentState.PartiallyDelivered or FulfilmentState.DeliveryFailed:
                EnsureDispatched(order, dispatchReason);
                break;
            case FulfilmentState.Completed:
                EnsureDispatched(order, dispatchReason);
                if (order.Complete("All shipments delivered", Actor, Now))
                    outbox.Publish(new OrderCompleted(order.Id, order.Number, Now), order.Id.ToString());
                break;
            case FulfilmentState.PartiallyReturned:
                EnsureDispatched(order, dispatchReason);
                if (order.Return(false, "Part of the goods came back: " + Progress(fulfilment), Actor, Now))
                    outbox.Publish(new OrderReturned(order.Id, order.Number, false, Now), order.Id.ToString());
                break;
            case FulfilmentState.ReturnedToOrigin or FulfilmentState.Returned:
                EnsureDispatched(order, dispatchReason);
                var why = fulfilment.State == FulfilmentState.ReturnedToOrigin
                    ? "Every shipment came back to its warehouse after failed deliveries"
                    : "Every shipped unit came back";
                if (order.Return(true, why, Actor, Now))
                    outbox.Publish(new OrderReturned(order.Id, order.Number, true, Now), order.Id.ToString());
                break;
        }

        if (fulfilment.State != previous && fulfilment.State is not (FulfilmentState.Completed or FulfilmentState.ShipmentRequested) &&
            !(order.Status != statusBefore && order.Status.ToString() == fulfilment.State.ToString()))
            fulfilment.Note(TimelineKinds.Fulfilment, $"Fulfilment {fulfilment.State}: {Progress(fulfilment)}", Actor);

        ClearAlerts(fulfilment, by, Now);
        Flush(order, fulfilment);

        // Closed when nothing more is expected; an authorized return not yet received keeps it open (and live).
        if (order.Status is OrderStatus.Completed or OrderStatus.PartiallyReturned or OrderStatus.Returned)
        {
            if (!fulfilment.IsFinished)
            {
                if (order.ClosedAt is not null)
                    order.Reopen();
            }
            else if (order.ClosedAt is null || order.Status != statusBefore)
            {
                order.Close(Now);
            }
        }
    }

    private void EnsureDispatched(Order order, string? reason)
    {
        if (order.Dispatch(reason ?? "The goods left the warehouse", Now))
            outbox.Publish(new OrderDispatched(order.Id, order.Number), order.Id.ToString());
    }

    private static void ClearAlerts(OrderFulfilment fulfilment, string by, DateTimeOffset now)
    {
        if (fulfilment.IsCancelled)
            fulfilment.Clear(AlertKinds.DispatchOverdue, null, "the order was cancelled", Actor, now);
        else if (fulfilment.AllDispatched)
            fulfilment.Clear(AlertKinds.DispatchOverdue, null, "every shipment was dispatched", by, now);

        foreach (var shipment in fulfilment.Shipments)
        {
            var settled = shipment.Status switch
            {
                FulfilmentShipmentStatus.Delivered => $"shipment {shipment.Label} was delivered",
                FulfilmentShipmentStatus.DeliveryFailed => $"the delivery of shipment {shipment.Label} failed",
                FulfilmentShipmentStatus.ReturnedToOrigin => $"shipment {shipment.Label} is back in {shipment.Warehouse}",
                FulfilmentShipmentStatus.Cancelled => $"shipment {shipment.Label} was cancelled",
                _ => null,
            };
            if (settled is not null)
                fulfilment.Clear(AlertKinds.DeliveryOverdue, shipment.ShipmentId, settled, by, now);
            if (shipment.Status is FulfilmentShipmentStatus.Delivered or FulfilmentShipmentStatus.ReturnedToOrigin)
                fulfilment.Clear(AlertKinds.DeliveryFailed, shipment.ShipmentId, settled!, by, now);
        }
    }

    /// <summary>The deadline job's step for one order: each deadline that passed raises its alert once.</summary>
    public void RaiseOverdue(Order order, OrderFulfilment fulfilment, DateTimeOffset now)
    {
        if (fulfilment.State is FulfilmentState.ShipmentRequested or FulfilmentState.PartiallyDispatched && fulfilment.DispatchDueAt <= now)
        {
            var level = fulfilment.ServiceLevel ?? Options.DefaultServiceLevel;
            fulfilment.Raise(AlertKinds.DispatchOverdue, null,
                $"Order {order.Number} is not dispatched within {FulfilmentOptions.Hours(Options.DispatchDeadline(level))} of the shipment request " +
                $"({level} service): {Progress(fulfilment)}", Actor, now);
        }
        foreach (var shipment in fulfilment.Shipments.Where(s => s.Status is FulfilmentShipmentStatus.Dispatched or FulfilmentShipmentStatus.InTransit
                                                                 && s.DeliveryDueAt <= now))
        {
            var carrier = (shipment.Carrier is null ? "" : $" with {shipment.Carrier}") + (shipment.WaybillNumber is null ? "" : $", waybill {shipment.WaybillNumber}");
            fulfilment.Raise(AlertKinds.DeliveryOverdue, shipment.ShipmentId,
                $"Shipment {shipment.Label} from {shipment.Warehouse}{carrier} is not delivered within " +
                $"{FulfilmentOptions.Hours(Options.DeliveryDeadline(fulfilment.ServiceLevel))} of its dispatch", Actor, now);
        }
        Flush(order, fulfilment);
    }

    /// <summary>Moves the fulfilment's pending entries into the order's timeline.</summary>
    public void Flush(Order order, OrderFulfilment fulfilment)
    {
        foreach (var note in fulfilment.TakeNotes())
            order.Noted(note.Kind, note.Summary, note.By, Now);
    }

    /// <summary>Where the shipments stand, for timeline entries and alerts.</summary>
    public static string Progress(OrderFulfilment fulfilment)
    {
        var live = fulfilment.Live.ToList();
        var expected = Math.Max(fulfilment.ExpectedWarehouses.Count, live.Count);
        if (expected == 0)
            return "no shipment yet";
        var dispatched = live.Count(s => s.Status >= FulfilmentShipmentStatus.Dispatched);
        var delivered = live.Count(s => s.Status == FulfilmentShipmentStatus.Delivered);
        var failed = live.Count(s => s.Status == FulfilmentShipmentStatus.DeliveryFailed);
        var back = live.Count(s => s.Status == FulfilmentShipmentStatus.ReturnedToOrigin);
        var parts = new List<string> { $"{dispatched} of {expected} shipments dispatched" };
        if (delivered > 0)
            parts.Add($"{delivered} delivered");
        if (failed > 0)
            parts.Add($"{failed} failed delivery");
        if (back > 0)
            parts.Add($"{back} returned to origin");
        var returned = fulfilment.CameBack();
        if (fulfilment.Returns.Any(r => r.ReceivedAt is not null))
            parts.Add("came back: " + OrderFulfilment.Describe(returned.Select(r => new FulfilmentLineDto(r.Key, r.Value))));
        return string.Join(", ", parts);
    }

    public static string Quantity(string sku, decimal quantity) => string.Create(CultureInfo.InvariantCulture, $"{sku} × {quantity:0.####}");
}

public static class FulfilmentQueries
{
    /// <summary>
    /// Reads the parts of a tracked fulfilment that <see cref="WithFulfilment"/> would have included. One query first
    /// asks which of the six collections hold rows, and only those are read; the others are marked loaded as they are,
    /// empty. Most steps of an order find two or three of them filled (the allocation, the shipments; alerts, returns,
    /// compensations and movements only on the paths that make them), and each collection read is a statement.
    /// </summary>
    public static async Task LoadPartsAsync(DbContext db, OrderFulfilment fulfilment, CancellationToken cancellationToken)
    {
        var orderId = fulfilment.OrderId;
        var filled = await db.Set<OrderFulfilment>()
            .Where(f => f.OrderId == orderId)
            .Select(f => new
            {
                Shipments = f.Shipments.Any(),
                Allocation = f.Allocation.Any(),
                Compensations = f.Compensations.Any(),
                Alerts = f.Alerts.Any(),
                Returns = f.Returns.Any(),
                Movements = f.Movements.Any(),
            })
            .FirstAsync(cancellationToken);
        var entry = db.Entry(fulfilment);
        await Load(entry.Collection(f => f.Shipments), filled.Shipments);
        await Load(entry.Collection(f => f.Allocation), filled.Allocation);
        await Load(entry.Collection(f => f.Compensations), filled.Compensations);
        await Load(entry.Collection(f => f.Alerts), filled.Alerts);
        await Load(entry.Collection(f => f.Returns), filled.Returns);
        await Load(entry.Collection(f => f.Movements), filled.Movements);

        async Task Load<T>(CollectionEntry<OrderFulfilment, T> collection, bool hasRows) where T : class
        {
            if (hasRows)
                await collection.LoadAsync(cancellationToken);
            else
                collection.IsLoaded = true;
        }
    }

    /// <summary>An order with its whole fulfilment (use with AsSplitQuery: several collections).</summary>
    public static IQueryable<Order> WithFulfilment(this IQueryable<Order> orders) => orders
        .Include(o => o.Fulfilment).ThenInclude(f => f!.Shipments)
        .Include(o => o.Fulfilment).ThenInclude(f => f!.Allocation)
        .Include(o => o.Fulfilment).ThenInclude(f => f!.Compensations)
        .Include(o => o.Fulfilment).ThenInclude(f => f!.Alerts)
        .Include(o => o.Fulfilment).ThenInclude(f => f!.Returns)
        .Include(o => o.Fulfilment).ThenInclude(f => f!.Movements);
}
