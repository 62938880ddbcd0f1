namespace Tessera.Logistics.Contracts;

public sealed record ShippedLine(string Sku, decimal Quantity);

/// <summary>
/// A shipment exists for an order's lines in one warehouse (one per warehouse the order was reserved in), answering
/// the orders service's ShipmentsRequested with the same RequestId.
/// </summary>
public sealed record ShipmentCreated(
    Guid ShipmentId, string Number, Guid OrderId, long OrderNumber, Guid RequestId, string Warehouse, string? Carrier, string? ServiceLevel,
    IReadOnlyList<ShippedLine> Lines, DateTimeOffset CreatedAt);

/// <summary>The shipment's goods were picked from their bins.</summary>
public sealed record ShipmentPicked(Guid ShipmentId, Guid OrderId, DateTimeOffset PickedAt);

/// <summary>The shipment was packed into Packages packages.</summary>
public sealed record ShipmentPacked(Guid ShipmentId, Guid OrderId, int Packages, DateTimeOffset PackedAt);

/// <summary>A shipment of an order left its warehouse with a carrier; from here on the order's lines and address are fixed.</summary>
public sealed record ShipmentDispatched(
    Guid ShipmentId,
    Guid OrderId,
    string Warehouse,
    string? Carrier,
    string? WaybillNumber,
    IReadOnlyList<ShippedLine> Lines,
    DateTimeOffset DispatchedAt);

/// <summary>The carrier reported the shipment on its way (the first in-transit tracking update).</summary>
public sealed record ShipmentTransitStarted(Guid ShipmentId, Guid OrderId, string? Location, DateTimeOffset At);

/// <summary>The carrier delivered the shipment to the customer.</summary>
public sealed record ShipmentDelivered(Guid ShipmentId, Guid OrderId, string Warehouse, IReadOnlyList<ShippedLine> Lines, DateTimeOffset DeliveredAt);

/// <summary>The carrier could not deliver; the goods go back to the warehouse they left (return to origin).</summary>
public sealed record DeliveryFailed(Guid ShipmentId, Guid OrderId, string Reason, DateTimeOffset At);

/// <summary>The goods of a failed delivery are back in their warehouse (returned to origin); inventory restocks them.</summary>
public sealed record ReturnToOriginReceived(Guid ShipmentId, Guid OrderId, string Warehouse, IReadOnlyList<ShippedLine> Lines, DateTimeOffset ReceivedAt);

/// <summary>A shipment that had not left was cancelled (its order was cancelled or its lines changed).</summary>
public sealed record ShipmentCancelled(Guid ShipmentId, Guid OrderId, string Reason, DateTimeOffset CancelledAt);

/// <summary>A shipment could not be cancelled because it had already left (Status); the goods are with the carrier.</summary>
public sealed record ShipmentCancellationFailed(Guid ShipmentId, Guid OrderId, string Status, string Reason);

/// <summary>A line a customer sends back.</summary>
public sealed record ReturnLine(string Sku, decimal Quantity);

/// <summary>A customer return was authorized for delivered goods of an order.</summary>
public sealed record ReturnAuthorized(Guid ReturnId, string Number, Guid OrderId, IReadOnlyList<ReturnLine> Lines, string Reason, DateTimeOffset AuthorizedAt);

/// <summary>A line of a customer return as it arrived: Condition "restock" (goes back into stock) or "damaged" (recorded, not stocked).</summary>
public sealed record ReturnedLine(string Sku, decimal Quantity, string Condition);

/// <summary>A customer return arrived at Warehouse; inventory restocks the restockable lines.</summary>
public sealed record ReturnReceived(Guid ReturnId, string Number, Guid OrderId, string Warehouse, IReadOnlyList<ReturnedLine> Lines, DateTimeOffset ReceivedAt);

// ---- The logistics API (DTOs) ----

/// <summary>
/// Where a shipment is. Created → Picked → Packed → Dispatched (handed to the carrier) → InTransit → Delivered, or
/// DeliveryFailed → ReturnedToOrigin; Cancelled only before dispatch. A status never goes backwards.
/// </summary>
public enum ShipmentStatus
{
    Created,
    Picked,
    Packed,
    Dispatched,
    InTransit,
    Delivered,
    DeliveryFailed,
    ReturnedToOrigin,
    Cancelled,
}

/// <summary>A carrier the tenant ships with. TrackingUrlTemplate holds "{waybill}", replaced by a shipment's waybill number.</summary>
public sealed record CarrierDto(
    string Code, string Name, string TrackingUrlTemplate, IReadOnlyList<string> ServiceLevels, bool IsDefault, long Version,
    DateTimeOffset CreatedAt, DateTimeOffset? SecretRotatedAt);

/// <summary>
/// A carrier with its tracking webhook secret: answered once, when the carrier is created or its secret rotated, and
/// never again (Tessera keeps it encrypted). Signatures are HMAC-SHA256 of the raw body keyed with this string's UTF-8 bytes.
/// </summary>
public sealed record CarrierSecretDto(CarrierDto Carrier, string WebhookSecret);

public sealed record ShipmentLineDto(string Sku, decimal Quantity);

public sealed record PackageDto(int No, decimal WeightKg, decimal LengthCm, decimal WidthCm, decimal HeightCm);

/// <summary>One status change of a shipment: who (a user, "carrier:&lt;code&gt;" or "system") and why.</summary>
public sealed record ShipmentHistoryDto(ShipmentStatus Status, DateTimeOffset At, string By, string? Note);

/// <summary>
/// A tracking update as the carrier sent it. Applied says whether it moved the shipment; an update older than the last
/// applied one, or one that would move it backwards, is kept here with Note saying why it changed nothing.
/// </summary>
public sealed record TrackingEventDto(
    string EventId, string Status, DateTimeOffset OccurredAt, string? Location, string? Reason, DateTimeOffset ReceivedAt, bool Applied, string? Note);

public sealed record ShipmentSummaryDto(
    Guid Id, string Number, Guid OrderId, long OrderNumber, string Warehouse, string? Carrier, string? ServiceLevel, string? WaybillNumber,
    ShipmentStatus Status, int LineCount, decimal Quantity, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// A shipment with its lines, packages, status history and tracking history. TrackingUrl is the carrier's page for
/// its waybill; AllowedActions names what may be done next ("pick", "pack", "dispatch", "return-to-origin", "cancel").
/// </summary>
public sealed record ShipmentDto(
    Guid Id,
    string Number,
    Guid OrderId,
    long OrderNumber,
    Guid RequestId,
    string Warehouse,
    string? Carrier,
    string? CarrierName,
    string? ServiceLevel,
    DateOnly? RequestedDeliveryDate,
    string? WaybillNumber,
    string? TrackingUrl,
    ShipmentStatus Status,
    string? CancelReason,
    string? FailureReason,
    IReadOnlyList<ShipmentLineDto> Lines,
    IReadOnlyList<PackageDto> Packages,
    IReadOnlyList<ShipmentHistoryDto> History,
    IReadOnlyList<TrackingEventDto> Tracking,
    IReadOnlyList<string> AllowedActions,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DispatchedAt,
    DateTimeOffset? DeliveredAt,
    long Version);

/// <summary>What became of one event of a tracking webhook: applied, recorded (kept, changed nothing), duplicate, or unmatched.</summary>
public sealed record TrackingOutcomeDto(string EventId, string Outcome, Guid? ShipmentId, ShipmentStatus? Status, string? Note);

public sealed record TrackingReceiptDto(int Received, int Applied, int Recorded, int Duplicates, int Unmatched, IReadOnlyList<TrackingOutcomeDto> Events);

/// <summary>A tracking update whose waybill matched no shipment of the tenant, kept for operators.</summary>
public sealed record UnmatchedTrackingDto(
    long Id, string Carrier, string EventId, string WaybillNumber, string Status, DateTimeOffset OccurredAt, string? Location, string? Reason,
    DateTimeOffset ReceivedAt);

/// <summary>A line of a customer return: authorized Quantity, and once received how much went back to stock and how much was damaged.</summary>
public sealed record ReturnLineDto(string Sku, decimal Quantity, decimal? Restocked, decimal? Damaged);

public sealed record ReturnDto(
    Guid Id, string Number, Guid OrderId, long OrderNumber, string Status, string Reason, IReadOnlyList<ReturnLineDto> Lines, string? Warehouse,
    DateTimeOffset AuthorizedAt, string AuthorizedBy, DateTimeOffset? ReceivedAt, string? ReceivedBy, long Version);

/// <summary>Per SKU of an order: delivered, already returned (authorized or received), and what may still be returned.</summary>
public sealed record ReturnableLineDto(string Sku, decimal Delivered, decimal Returned, decimal Returnable);

public sealed record ReturnableDto(Guid OrderId, long? OrderNumber, IReadOnlyList<ReturnableLineDto> Lines);

/// <summary>What became of one shipment of a bulk action: its status afterwards, or the problem that refused it.</summary>
public sealed record ShipmentBatchItemDto(Guid Id, string? Number, bool Succeeded, ShipmentStatus? Status, string? Title = null, string? Detail = null);

/// <summary>A bulk action over many shipments (pick, pack or dispatch): each shipment on its own, refusals named.</summary>
public sealed record ShipmentBatchResultDto(string Action, IReadOnlyList<ShipmentBatchItemDto> Items)
{
    // A loop rather than LINQ: contracts reference nothing but the base library.
    public int Succeeded
    {
        get
        {
            var succeeded = 0;
            foreach (var item in Items)
                if (item.Succeeded)
                    succeeded++;
            return succeeded;
        }
    }

    public int Failed => Items.Count - Succeeded;
}
