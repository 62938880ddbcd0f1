namespace Tessera.Inventory.Contracts;

public sealed record WarehouseDto(Guid Id, string Code, string Name, DateTimeOffset CreatedAt);

/// <summary>Stock of one SKU in one warehouse. Available = on hand − reserved.</summary>
public sealed record StockDto(string Sku, string Warehouse, decimal OnHand, decimal Reserved, decimal Available, decimal AverageCost, decimal Value);

public sealed record ReceiptLineDto(string Sku, decimal Quantity, decimal UnitCost);

public sealed record ReceiptDto(Guid Id, string Warehouse, string? Reference, IReadOnlyList<ReceiptLineDto> Lines, DateTimeOffset ReceivedAt);

public sealed record MovementDto(
    long Id, string Sku, string Warehouse, string Type, decimal Quantity, decimal UnitCost, decimal Value,
    string SourceType, string SourceId, DateTimeOffset OccurredAt);

public sealed record ReservationDto(
    Guid Id, Guid OrderId, string Sku, string Warehouse, decimal Quantity, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ReleasedAt);

public sealed record ReservedLine(string Sku, string Warehouse, decimal Quantity);

public sealed record ShortLine(string Sku, decimal Requested, decimal Available);

/// <summary>Goods were received into a warehouse.</summary>
public sealed record StockReceived(Guid ReceiptId, string Warehouse, IReadOnlyList<ReceiptLineDto> Lines);

/// <summary>Every line of an order is reserved; lines may be split over warehouses.</summary>
public sealed record StockReserved(Guid OrderId, IReadOnlyList<ReservedLine> Lines);

/// <summary>An order could not be reserved; nothing was reserved for it. ShortLines names each line that lacked stock.</summary>
public sealed record StockReservationFailed(Guid OrderId, IReadOnlyList<ShortLine> ShortLines);

/// <summary>An order's reservations were released (it was cancelled).</summary>
public sealed record StockReleased(Guid OrderId, IReadOnlyList<ReservedLine> Lines);

/// <summary>An order's reservation now matches its changed lines: Reserved was added, Released given back.</summary>
public sealed record ReservationAdjusted(Guid OrderId, Guid ChangeId, IReadOnlyList<ReservedLine> Reserved, IReadOnlyList<ReservedLine> Released);

/// <summary>The changed lines could not be reserved; the reservation stayed as it was.</summary>
public sealed record ReservationAdjustmentFailed(Guid OrderId, Guid ChangeId, IReadOnlyList<ShortLine> ShortLines, string Reason);
