namespace Tessera.Logistics.Contracts;

public sealed record ShippedLine(string Sku, decimal Quantity);

/// <summary>A shipment of an order left its warehouse with a carrier; from here on the order's lines and address are fixed.</summary>
public sealed record ShipmentDispatched(
    Guid ShipmentId,
    Guid OrderId,
    string Warehouse,
    string? Carrier,
    string? WaybillNumber,
    IReadOnlyList<ShippedLine> Lines,
    DateTimeOffset DispatchedAt);
