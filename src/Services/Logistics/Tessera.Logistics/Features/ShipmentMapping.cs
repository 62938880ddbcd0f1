using Microsoft.EntityFrameworkCore;
using Tessera.Logistics.Contracts;
using Tessera.Logistics.Data;
using Tessera.Logistics.Domain;

namespace Tessera.Logistics.Features;

public static class ShipmentMapping
{
    /// <summary>A shipment with everything the detail view shows: lines, packages, history, tracking, its carrier's page.</summary>
    public static async Task<ShipmentDto> ToDtoAsync(this Shipment shipment, LogisticsDbContext db, CancellationToken cancellationToken)
    {
        var carrier = shipment.Carrier is null
            ? null
            : await db.Carriers.AsNoTracking().FirstOrDefaultAsync(c => c.Code == shipment.Carrier, cancellationToken);
        var tracking = await db.TrackingUpdates.AsNoTracking()
            .Where(t => t.ShipmentId == shipment.Id)
            .OrderBy(t => t.OccurredAt).ThenBy(t => t.Id)
            .ToListAsync(cancellationToken);
        // In the order things were recorded (a carrier's clock may disagree with the warehouse's).
        var history = shipment.History.Count > 0
            ? shipment.History
            : await db.Set<ShipmentHistoryEntry>().AsNoTracking().Where(h => h.ShipmentId == shipment.Id).ToListAsync(cancellationToken);

        return new ShipmentDto(
            shipment.Id,
            shipment.Number,
            shipment.OrderId,
            shipment.OrderNumber,
            shipment.RequestId,
            shipment.Warehouse,
            shipment.Carrier,
            carrier?.Name,
            shipment.ServiceLevel,
            shipment.RequestedDeliveryDate,
            shipment.WaybillNumber,
            carrier is not null && shipment.WaybillNumber is not null ? carrier.TrackingUrl(shipment.WaybillNumber) : null,
            shipment.Status,
            shipment.CancelReason,
            shipment.FailureReason,
            shipment.Lines.OrderBy(l => l.LineNo).Select(l => new ShipmentLineDto(l.Sku, l.Quantity)).ToList(),
            shipment.Packages.OrderBy(p => p.PackageNo).Select(p => new PackageDto(p.PackageNo, p.WeightKg, p.LengthCm, p.WidthCm, p.HeightCm)).ToList(),
            history.OrderBy(h => h.Id).Select(h => new ShipmentHistoryDto(h.Status, h.At, h.By, h.Note)).ToList(),
            tracking.Select(t => new TrackingEventDto(t.EventId, t.Status.ToString(), t.OccurredAt, t.Location, t.Reason, t.ReceivedAt,
                t.Outcome == TrackingOutcomes.Applied, t.Note)).ToList(),
            shipment.AllowedActions,
            shipment.CreatedAt,
            shipment.DispatchedAt,
            shipment.DeliveredAt,
            shipment.Version);
    }

    /// <summary>The shipment as a write loads it: with lines, packages and history, tracked.</summary>
    public static Task<Shipment?> LoadAsync(LogisticsDbContext db, Guid id, CancellationToken cancellationToken) =>
        db.Shipments.AsSplitQuery().Include(s => s.Lines).Include(s => s.Packages).Include(s => s.History)
            .FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
}
