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
/// One shipment per requested warehouse, once per (order, request, warehouse). A newer request of the same order
/// supersedes the older one: the older request's shipments that have not left are cancelled and the new ones created —
/// all or nothing: if one of them has already left, nothing is cancelled or created and ShipmentCancellationFailed
/// says which shipment is with the carrier. A request older than the order's current one, or for a cancelled order,
/// is recorded and creates nothing.
/// </summary>
public sealed class CreateShipmentsOnShipmentsRequested(LogisticsDbContext db, IOutbox outbox, TimeProvider clock) : IEventHandler<ShipmentsRequested>
{
    public const string SystemActor = "system";

    public async Task HandleAsync(ShipmentsRequested message, MessageContext context, CancellationToken cancellationToken)
    {
        if (await db.Requests.AnyAsync(r => r.OrderId == message.OrderId && r.RequestId == message.RequestId, cancellationToken))
            return;

        var now = clock.GetUtcNow();
        var level = string.IsNullOrWhiteSpace(message.ServiceLevel) ? null : Carrier.NormalizeLevel(message.ServiceLevel);
        var wanted = message.Shipments
            .GroupBy(s => s.Warehouse.Trim().ToUpperInvariant())
            .Select(g => (Warehouse: g.Key, Lines: g.SelectMany(s => s.Lines).Where(l => l.Quantity > 0)
                .GroupBy(l => l.Sku).Select(l => (Sku: l.Key, Quantity: l.Sum(x => x.Quantity))).ToList()))
            .Where(w => w.Lines.Count > 0)
            .OrderBy(w => w.Warehouse, StringComparer.Ordinal)
            .ToList();
        var request = new ShipmentRequest
        {
            OrderId = message.OrderId,
            RequestId = message.RequestId,
            OrderNumber = message.Number,
            ServiceLevel = level,
            RequestedAt = message.RequestedAt,
            ReceivedAt = now,
            Outcome = RequestOutcome.Accepted,
            Lines = wanted.SelectMany(w => w.Lines.Select(l => new ShipmentRequestLine
            {
                OrderId = message.OrderId, RequestId = message.RequestId, Warehouse = w.Warehouse, Sku = l.Sku, Quantity = l.Quantity,
            })).ToList(),
        };
        db.Requests.Add(request);

        if (await db.OrderCancellations.FirstOrDefaultAsync(c => c.OrderId == message.OrderId, cancellationToken) is { } cancellation)
        {
            Refuse(request, $"Order {message.Number} was cancelled ({cancellation.Reason}); no shipment is created for it.");
            return;
        }

        var previous = await db.Requests.Where(r => r.OrderId == message.OrderId && r.Outcome == RequestOutcome.Accepted).ToListAsync(cancellationToken);
        if (previous.FirstOrDefault(r => r.RequestedAt > message.RequestedAt) is { } newer)
        {
            request.Outcome = RequestOutcome.Superseded;
            request.Note = $"Request {newer.RequestId} of {newer.RequestedAt:u} is newer; this one arrived late and creates nothing.";
            return;
        }

        var older = await db.Shipments.AsSplitQuery().Include(s => s.Lines).Include(s => s.History)
            .Where(s => s.OrderId == message.OrderId && s.RequestId != message.RequestId && Shipment.ActiveStatuses.Contains(s.Status))
            .ToListAsync(cancellationToken);
        var left = older.Where(s => s.HasLeft).ToList();
        if (left.Count > 0)
        {
            foreach (var shipment in left)
                outbox.Publish(new ShipmentCancellationFailed(shipment.Id, message.OrderId, shipment.Status.ToString(),
                    $"Request {message.RequestId} for order {message.Number} would replace shipment {shipment.Number}, which has already left " +
                    $"{shipment.Warehouse} ({shipment.Status}, {shipment.Carrier} waybill {shipment.WaybillNumber}). Nothing was changed or created."),
                    message.OrderId.ToString());
            Refuse(request, $"Shipment(s) {string.Join(", ", left.Select(s => s.Number))} already left; the order's current shipments stay as they are.");
            return;
        }

        foreach (var shipment in older)
            ShipmentSteps.Publish(outbox, shipment, shipment.Cancel($"Replaced by a newer shipment request for order {message.Number}", SystemActor, now));
        foreach (var superseded in previous)
        {
            superseded.Outcome = RequestOutcome.Superseded;
            superseded.Note = $"Replaced by request {message.RequestId}.";
        }

        var carrier = await DefaultCarrierAsync(level, cancellationToken);
        foreach (var (warehouse, lines) in wanted)
        {
            var number = await DocumentNumbers.NextAsync(db, DocumentSequence.Shipments, cancellationToken);
            var shipment = Shipment.Create(message.OrderId, message.Number, message.RequestId, number, warehouse, lines, carrier, level,
                message.RequestedDeliveryDate, now, SystemActor);
            db.Shipments.Add(shipment);
            outbox.Publish(new ShipmentCreated(shipment.Id, shipment.Number, message.OrderId, message.Number, message.RequestId, warehouse, carrier, level,
                shipment.ShippedLines, now), message.OrderId.ToString());
        }
    }

    /// <summary>The tenant's default carrier when it offers the service level; otherwise the carrier is chosen at dispatch.</summary>
    private async Task<string?> DefaultCarrierAsync(string? level, CancellationToken cancellationToken)
    {
        var carrier = await db.Carriers.AsNoTracking().FirstOrDefaultAsync(c => c.IsDefault, cancellationToken);
        return carrier is not null && (level is null || carrier.Offers(level)) ? carrier.Code : null;
    }

    private static void Refuse(ShipmentRequest request, string note)
    {
        request.Outcome = RequestOutcome.Refused;
        request.Note = note;
    }
}
