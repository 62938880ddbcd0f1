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
