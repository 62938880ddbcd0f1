namespace Tessera.Inventory.Contracts;

public sealed record WarehouseDto(Guid Id, string Code, string Name, DateTimeOffset CreatedAt);

/// <summary>
/// Stock of one SKU in one warehouse. Available = on hand − reserved. InTransit is what transfers have shipped towards
/// this warehouse and not yet delivered (not on hand, not available). ReorderPoint is set with PUT /reorder-points.
/// </summary>
public sealed record StockDto(string Sku, string Warehouse, decimal OnHand, decimal Reserved, decimal Available, decimal AverageCost, decimal Value,
    decimal InTransit = 0, decimal? ReorderPoint = null);

public sealed record ReceiptLineDto(string Sku, decimal Quantity, decimal UnitCost);

public sealed record ReceiptDto(Guid Id, string Warehouse, string? Reference, IReadOnlyList<ReceiptLineDto> Lines, DateTimeOffset ReceivedAt);

public sealed record MovementDto(
    long Id, string Sku, string Warehouse, string Type, decimal Quantity, decimal UnitCost, decimal Value,
    string SourceType, string SourceId, DateTimeOffset OccurredAt);

/// <summary>A reservation: Status Active, Released, Consumed (shipped) or Expired (its hold lapsed at ExpiresAt).</summary>
public sealed record ReservationDto(
    Guid Id, Guid OrderId, string Sku, string Warehouse, decimal Quantity, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ReleasedAt,
    DateTimeOffset? ExpiresAt = null);

public sealed record ReservedLine(string Sku, string Warehouse, decimal Quantity);

public sealed record ShortLine(string Sku, decimal Requested, decimal Available);

/// <summary>
/// Goods were received into a warehouse as purchase-in movements: a manual receipt (SourceType "receipt", ReceiptId
/// the inventory receipt) or a procurement goods receipt (SourceType "goods-receipt", ReceiptId the procurement
/// receipt, PurchaseOrderId its purchase order), each line at the cost it came in at. Movements are the ledger's
/// movements as costed (their values, which finance posts; absent in events published before they were added).
/// </summary>
public sealed record StockReceived(Guid ReceiptId, string Warehouse, IReadOnlyList<ReceiptLineDto> Lines, string SourceType = "receipt", Guid? PurchaseOrderId = null,
    IReadOnlyList<MovedLine>? Movements = null);

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

/// <summary>What a warehouse's stock is worth: OnHand (Σ movement values) and InTransit (transfers shipped towards it, not yet received).</summary>
public sealed record WarehouseValueDto(string Warehouse, decimal OnHand, decimal InTransit);

/// <summary>The quantity of one (source document, SKU) in the ledger: for other services' reconciliations (I8).</summary>
public sealed record SourceTotalDto(string SourceType, string SourceId, string Sku, string MovementType, decimal Quantity, decimal Value);

// ---- DTOs of the stock ledger's API ----

public sealed record BinDto(Guid Id, string Warehouse, string Code, string Name, DateTimeOffset CreatedAt);

/// <summary>How much of a SKU lies in one bin (the breakdown of the stock row; stock received without a bin is in no bin).</summary>
public sealed record BinStockDto(string Sku, string Warehouse, string Bin, decimal OnHand);

/// <summary>A manual issue: Type "sales-out" or "supplier-return-out", each line valued at the moving average.</summary>
public sealed record IssueDto(Guid Id, string Warehouse, string Type, string? Reference, IReadOnlyList<MovedLine> Lines, DateTimeOffset IssuedAt);

/// <summary>
/// A tenant's stock policy. NegativeStockAllowed false (the default): no issue takes on-hand below zero or below what
/// is reserved. ReservationHoldMinutes: reservations made from now on lapse after that long (null: they hold until the
/// goods ship or the order is cancelled).
/// </summary>
public sealed record InventorySettingsDto(bool NegativeStockAllowed, int? ReservationHoldMinutes, long Version, DateTimeOffset? UpdatedAt);

/// <summary>A reorder point of a (SKU, warehouse) and where its available stock stands against it.</summary>
public sealed record ReorderPointDto(string Sku, string Warehouse, decimal ReorderPoint, decimal ReorderQuantity, decimal OnHand, decimal Available,
    decimal InTransit, bool Below);

/// <summary>
/// A movement in a history: signed Quantity and Value, and the running balance of its (SKU, warehouse) right after it
/// (BalanceQuantity on hand, BalanceValue worth, BalanceAverageCost = value / quantity when positive).
/// </summary>
public sealed record MovementHistoryDto(
    long Id, string Sku, string Warehouse, string? Bin, string Type, decimal Quantity, decimal UnitCost, decimal Value,
    decimal BalanceQuantity, decimal BalanceValue, decimal BalanceAverageCost,
    string SourceType, string SourceId, Guid? OrderId, string? Reason, string? Actor, DateTimeOffset OccurredAt);

/// <summary>One page of a movement history, newest first; Next is the cursor (before=) of the following older page, null at the start of the ledger.</summary>
public sealed record MovementHistoryPageDto(IReadOnlyList<MovementHistoryDto> Items, string? Next);

/// <summary>Stock of a (SKU, warehouse) as it stood at At, from the ledger: the balance after the last movement at or before At.</summary>
public sealed record StockAsOfDto(string Sku, string Warehouse, DateTimeOffset At, decimal OnHand, decimal Value, decimal AverageCost,
    long? LastMovementId, DateTimeOffset? LastMovementAt);

public sealed record TransferLineDto(int LineNo, string Sku, string? Bin, decimal Quantity, decimal Shipped, decimal Received, decimal InTransit,
    decimal UnitCost, decimal ShippedValue, decimal ReceivedValue, decimal InTransitValue);

/// <summary>A transfer: Status Draft → InTransit → PartiallyReceived → Received, or Cancelled while a draft.</summary>
public sealed record TransferDto(
    Guid Id, string Number, string FromWarehouse, string ToWarehouse, string? Reference, string Status, IReadOnlyList<TransferLineDto> Lines,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? ShippedAt, DateTimeOffset? CompletedAt, long Version);

/// <summary>
/// A count session. Lines: how many SKUs it counts; Counted: how many have a count; Differences: counted lines whose
/// count differs from the book. Status Counting → Posted (or Cancelled).
/// </summary>
public sealed record CountDto(
    Guid Id, string Number, string Warehouse, string? Bin, IReadOnlyList<string>? Skus, bool Blind, string Status, string? Reference,
    long FreezePosition, DateTimeOffset StartedAt, string StartedBy, DateTimeOffset? PostedAt, string? PostedBy, string? Reason,
    int Lines, int Counted, int Differences, long Version);

/// <summary>
/// A line of a count. Expected is the book quantity frozen when the count started; BookAtEntry the book quantity when
/// the count was entered (Expected plus the movements since the freeze); Difference = Counted − BookAtEntry, posted as
/// count-adjust-in/out. In a blind count Expected, BookAtEntry and Difference are hidden (null) from counters until
/// the count is posted.
/// </summary>
public sealed record CountLineDto(string Sku, decimal? Expected, decimal? Counted, decimal? BookAtEntry, decimal? Difference, decimal? UnitCost,
    decimal? Value, string? Reason, DateTimeOffset? CountedAt, string? CountedBy);
