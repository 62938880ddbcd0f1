using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Archive;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.Orders.Domain;
using Tessera.Orders.Features;
using Tessera.Orders.Fulfilment;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Orders.Messaging;

internal static class Orders
{
    /// <summary>
    /// The order an event is about, with its lines and its whole fulfilment, or null when it was archived meanwhile
    /// (archived orders are read-only: a late report about one changes nothing). An order that exists nowhere is an
    /// error, and the message is retried. The fulfilment's six collections are read only when there is a fulfilment: the
    /// StockReserved that confirms a new order finds none, and six queries for nothing were a tenth of the orders
    /// service's statements per order (docs/benchmarks.md, order flow).
    /// </summary>
    public static async Task<Order?> LoadAsync(OrdersDbContext db, OrderArchive archive, Guid id, string eventName, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsSplitQuery().Include(o => o.Lines).Include(o => o.Fulfilment).FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (order is null)
            return await archive.FindAsync(id, cancellationToken) is null
                ? throw new InvalidOperationException($"{eventName} names order {id}, which does not exist.")
                : null;
        if (order.Fulfilment is { } fulfilment)
            await FulfilmentQueries.LoadPartsAsync(db, fulfilment, cancellationToken);
        return order;
    }

    public static IEnumerable<(string Sku, string Warehouse, decimal Quantity)> Tuples(IEnumerable<ReservedLine> lines) =>
        lines.Select(l => (l.Sku, l.Warehouse, l.Quantity));

    public static string Quantities(IEnumerable<ReservedLine> lines) =>
        string.Join(", ", lines.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Sku} × {l.Quantity:0.####} in {l.Warehouse}")));

    public static string Shortages(IEnumerable<ShortLine> lines) =>
        string.Join("; ", lines.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Sku} (ordered {s.Requested:0.####}, available {s.Available:0.####})")));
}

/// <summary>
/// Every line is reserved: a Pending order becomes Confirmed and, in the same transaction, the fulfilment records the
/// allocation and asks logistics for the shipments. Late answers for cancelled orders change nothing but the
/// compensation the cancellation now waits for (inventory releases that stock).
/// </summary>
public sealed class ConfirmOrderOnStockReserved(OrdersDbContext db, OrderArchive archive, IOutbox outbox, FulfilmentProcess process, TimeProvider clock)
    : IEventHandler<StockReserved>
{
    public async Task HandleAsync(StockReserved message, MessageContext context, CancellationToken cancellationToken)
    {
        var order = await Orders.LoadAsync(db, archive, message.OrderId, nameof(StockReserved), cancellationToken);
        if (order is null || order.Fulfilment is { ReservationRecorded: true })
            return; // the same reservation reported again
        var warehouses = string.Join(", ", message.Lines.Select(l => l.Warehouse).Distinct().Order(StringComparer.Ordinal));
        if (order.Confirm($"Reserved in {warehouses}", clock.GetUtcNow()))
            outbox.Publish(new OrderConfirmed(order.Id, order.Number), order.Id.ToString());
        else
            order.Reported($"Inventory reserved {Orders.Quantities(message.Lines)} while the order was {order.Status}", "inventory", clock.GetUtcNow());
        process.Reserved(order, message.Lines, context.Producer);
    }
}

/// <summary>Stock was short: a Pending order becomes Rejected, its reason naming each short line.</summary>
public sealed class RejectOrderOnReservationFailed(OrdersDbContext db, OrderArchive archive, IOutbox outbox, TimeProvider clock) : IEventHandler<StockReservationFailed>
{
    public async Task HandleAsync(StockReservationFailed message, MessageContext context, CancellationToken cancellationToken)
    {
        var order = await Orders.LoadAsync(db, archive, message.OrderId, nameof(StockReservationFailed), cancellationToken);
        if (order is null)
            return;
        var reason = "Not enough stock: " + Orders.Shortages(message.ShortLines);
        var shortLines = message.ShortLines.Select(s => new ShortLineDto(s.Sku, s.Requested, s.Available)).ToList();
        if (order.Reject(reason, JsonSerializer.Serialize(shortLines, TesseraJson.Options), clock.GetUtcNow()))
            outbox.Publish(new OrderRejected(order.Id, order.Number, reason), order.Id.ToString());
    }
}

/// <summary>
/// Inventory gave back what it held for the order (after a cancellation): part of the order's story, and the
/// compensation the cancellation waited for is done.
/// </summary>
public sealed class NoteStockReleased(OrdersDbContext db, OrderArchive archive, FulfilmentProcess process) : IEventHandler<StockReleased>
{
    public async Task HandleAsync(StockReleased message, MessageContext context, CancellationToken cancellationToken)
    {
        var order = await Orders.LoadAsync(db, archive, message.OrderId, nameof(StockReleased), cancellationToken);
        if (order is null)
            return;
        var fulfilment = process.Of(order);
        if (fulfilment.Compensations.Any(c => c.Kind == CompensationKinds.ReleaseReservation && c.Status != CompensationStatuses.Awaited))
            return; // released already: the same release reported again
        fulfilment.Unallocate(Orders.Tuples(message.Lines), process.Now);
        fulfilment.Note(TimelineKinds.Report, $"Inventory released {Orders.Quantities(message.Lines)}", context.Producer);
        if (fulfilment.Settle(CompensationKinds.ReleaseReservation, "reservation", "inventory", true, "released " + Orders.Quantities(message.Lines), process.Now))
            fulfilment.Note(TimelineKinds.Fulfilment, "Compensation done: the reserved stock is released", FulfilmentProcess.Actor);
        process.Settle(order, fulfilment, context.Producer);
    }
}

/// <summary>
/// The reservation matches the proposed lines: they become the order's lines, re-priced. The allocation follows what
/// inventory did in every case; before dispatch the shipments are requested again for the new lines, under a new
/// request id that supersedes the previous request.
/// </summary>
public sealed class ApplyLineChange(OrdersDbContext db, OrderArchive archive, IOutbox outbox, FulfilmentProcess process, TimeProvider clock)
    : IEventHandler<ReservationAdjusted>
{
    public async Task HandleAsync(ReservationAdjusted message, MessageContext context, CancellationToken cancellationToken)
    {
        var order = await Orders.LoadAsync(db, archive, message.OrderId, nameof(ReservationAdjusted), cancellationToken);
        if (order is null)
            return;
        var fulfilment = process.Of(order);
        if (!fulfilment.Adjust(message.ChangeId, Orders.Tuples(message.Reserved), Orders.Tuples(message.Released), process.Now))
            return; // this adjustment was applied already
        var pending = OrderComposer.ReadPending(order.PendingChange);
        var now = clock.GetUtcNow();
        if (pending?.Id != message.ChangeId)
        {
            order.Reported($"Inventory adjusted the reservation for a change that no longer applies (order {order.Status})", "inventory", now);
            process.Settle(order, fulfilment, context.Producer);
            return;
        }

        var errors = new CompositionErrors();
        var priced = OrderComposer.Reprice(pending.Lines, OrderMarketing.Parse(order.Marketing), order.ShippingFee, order.Currency, errors)
            ?? throw new InvalidOperationException($"The proposed lines of order {order.Number} no longer price: {errors}");
        var before = OrderComposer.Describe(order.Lines.OrderBy(l => l.LineNo));
        order.SetLines(priced.Lines, priced.Totals);
        order.PendingChange = null;
        var adjustment = string.Join("; ", new[]
        {
            message.Reserved.Count > 0 ? "reserved " + Orders.Quantities(message.Reserved) : null,
            message.Released.Count > 0 ? "released " + Orders.Quantities(message.Released) : null,
        }.Where(p => p is not null));
        order.Reported($"Inventory adjusted the reservation: {(adjustment.Length > 0 ? adjustment : "nothing to move")}", "inventory", now);
        order.Edited($"Lines changed from {before} to {OrderComposer.Describe(order.Lines)}", pending.RequestedBy ?? "unknown", now);
        outbox.Publish(new OrderLinesChanged(order.Id, order.Number, pending.Id,
            order.Lines.Select(l => new OrderedLine(l.LineNo, l.Sku, l.Quantity)).ToList(), OrderComposer.PricesOf(order)), order.Id.ToString());
        if (order.Status == OrderStatus.Confirmed && fulfilment.State is FulfilmentState.Reserved or FulfilmentState.ShipmentRequested)
            process.RequestShipments(order, fulfilment);
        process.Settle(order, fulfilment, context.Producer);
    }
}

/// <summary>
/// The proposed lines could not be reserved: they are dropped and the order keeps its lines. Shipments held back for
/// the change are requested now, for the lines the order kept.
/// </summary>
public sealed class RefuseLineChange(OrdersDbContext db, OrderArchive archive, IOutbox outbox, FulfilmentProcess process, TimeProvider clock)
    : IEventHandler<ReservationAdjustmentFailed>
{
    public async Task HandleAsync(ReservationAdjustmentFailed message, MessageContext context, CancellationToken cancellationToken)
    {
        var order = await Orders.LoadAsync(db, archive, message.OrderId, nameof(ReservationAdjustmentFailed), cancellationToken);
        if (order is null)
            return;
        if (OrderComposer.ReadPending(order.PendingChange)?.Id != message.ChangeId)
            return;
        order.PendingChange = null;
        var reason = message.ShortLines.Count > 0 ? "not enough stock: " + Orders.Shortages(message.ShortLines) : message.Reason;
        order.Reported($"Line change refused, the order keeps its lines: {reason}", "inventory", clock.GetUtcNow());
        outbox.Publish(new OrderLineChangeRejected(order.Id, order.Number, message.ChangeId, reason), order.Id.ToString());
        if (order.Status == OrderStatus.Confirmed && order.Fulfilment is { State: FulfilmentState.Reserved, RequestId: null } fulfilment)
        {
            process.RequestShipments(order, fulfilment);
            process.Settle(order, fulfilment, context.Producer);
        }
    }
}
