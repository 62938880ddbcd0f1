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

/// <summary>
/// Goods were received into a warehouse as purchase-in movements: a manual receipt (SourceType "receipt", ReceiptId
/// the inventory receipt) or a procurement goods receipt (SourceType "goods-receipt", ReceiptId the procurement
/// receipt, PurchaseOrderId its purchase order), each line at the cost it came in at.
/// </summary>
public sealed record StockReceived(Guid ReceiptId, string Warehouse, IReadOnlyList<ReceiptLineDto> Lines, string SourceType = "receipt", Guid? PurchaseOrderId = null);

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

// ---- The stock ledger (issue 5): movements, transfers, counts, reorder points, settings, consistency ----

/// <summary>
/// A line of stock that moved, as the ledger recorded it. Quantity is positive (the event says which way it went);
/// UnitCost is the moving-average cost the movement was valued at (an issue) or the cost it came in at (a receipt);
/// Value = Quantity × UnitCost, rounded to 4 decimals.
/// </summary>
public sealed record MovedLine(string Sku, decimal Quantity, decimal UnitCost, decimal Value);

/// <summary>
/// Stock left a warehouse: MovementType "sales-out" (a dispatched shipment: SourceType "shipment", OrderId set) or
/// "supplier-return-out" (SourceType "supplier-return"). Valued at the moving average at that moment.
/// </summary>
public sealed record StockIssued(string MovementType, string SourceType, string SourceId, string Warehouse, Guid? OrderId, IReadOnlyList<MovedLine> Lines, DateTimeOffset OccurredAt);

/// <summary>
/// An issue asked of inventory by another service could not be posted (stock short and negative stock forbidden, or
/// an unknown warehouse); nothing moved. The asking service compensates (e.g. the supplier return is refused).
/// </summary>
public sealed record StockIssueFailed(string MovementType, string SourceType, string SourceId, string Warehouse, IReadOnlyList<ShortLine> ShortLines, string Reason);

/// <summary>
/// Goods came back into stock from a customer: MovementType "customer-return-in", from a shipment returned to origin
/// (SourceType "shipment") or a customer return received in restockable condition (SourceType "customer-return"),
/// valued at the cost they went out at.
/// </summary>
public sealed record StockReturned(string MovementType, string SourceType, string SourceId, string Warehouse, Guid? OrderId, IReadOnlyList<MovedLine> Lines, DateTimeOffset OccurredAt);

/// <summary>One line of a count's differences: Difference is counted − expected (positive: count-adjust-in).</summary>
public sealed record CountDifferenceLine(string Sku, string? Bin, decimal Expected, decimal Counted, decimal Difference, decimal UnitCost, decimal Value, string Reason);

/// <summary>A count session was posted: each difference became a count-adjust-in or count-adjust-out movement.</summary>
public sealed record StockAdjusted(Guid CountId, string Warehouse, IReadOnlyList<CountDifferenceLine> Lines, DateTimeOffset OccurredAt);

/// <summary>A transfer left its warehouse (transfer-out); the goods are in transit to ToWarehouse at these costs.</summary>
public sealed record TransferShipped(Guid TransferId, string Number, string FromWarehouse, string ToWarehouse, IReadOnlyList<MovedLine> Lines, DateTimeOffset OccurredAt);

/// <summary>(Part of) a transfer arrived (transfer-in at the cost it left with). Complete when nothing is left in transit.</summary>
public sealed record TransferReceived(Guid TransferId, string Number, string FromWarehouse, string ToWarehouse, IReadOnlyList<MovedLine> Lines, bool Complete, DateTimeOffset OccurredAt);

/// <summary>
/// Available stock of a SKU in a warehouse fell under its reorder point (published when it crosses the point, not on
/// every movement below it). Procurement turns it into a reorder suggestion.
/// </summary>
public sealed record StockBelowReorderPoint(string Sku, string Warehouse, decimal Available, decimal ReorderPoint, decimal ReorderQuantity, DateTimeOffset OccurredAt);

/// <summary>Reservations of an order passed their expiry and were released.</summary>
public sealed record ReservationExpired(Guid OrderId, IReadOnlyList<ReservedLine> Lines, DateTimeOffset ExpiredAt);

/// <summary>The quantity of one (source document, SKU) in the ledger: for other services' reconciliations (I8).</summary>
public sealed record SourceTotalDto(string SourceType, string SourceId, string Sku, string MovementType, decimal Quantity, decimal Value);
