namespace Tessera.Procurement.Contracts;

/// <summary>A line of a purchase order as approved: what is ordered of a SKU and at what unit price (excluding tax).</summary>
public sealed record PurchaseOrderLine(int LineNo, string Sku, decimal Quantity, decimal UnitPrice);

/// <summary>A purchase order was approved: the supplier may deliver it into Warehouse.</summary>
public sealed record PurchaseOrderApproved(
    Guid PurchaseOrderId, string Number, Guid SupplierId, string Warehouse, string Currency, IReadOnlyList<PurchaseOrderLine> Lines, DateTimeOffset ApprovedAt);

/// <summary>A purchase order was cancelled; nothing more will be received on it.</summary>
public sealed record PurchaseOrderCancelled(Guid PurchaseOrderId, string Number, string Reason, DateTimeOffset CancelledAt);

/// <summary>A purchase order was closed (fully received, or short-closed by purchasing).</summary>
public sealed record PurchaseOrderClosed(Guid PurchaseOrderId, string Number, DateTimeOffset ClosedAt);

/// <summary>
/// One line of a goods receipt: Quantity is what was accepted into stock (inventory posts it as purchase-in at
/// UnitCost, the PO line's price), RejectedQuantity what was refused at the door (not stocked).
/// </summary>
public sealed record ReceivedLine(int PurchaseOrderLineNo, string Sku, decimal Quantity, decimal RejectedQuantity, decimal UnitCost);

/// <summary>Goods were received against a purchase order; inventory posts the accepted quantities as purchase-in.</summary>
public sealed record GoodsReceived(
    Guid ReceiptId, string Number, Guid PurchaseOrderId, string PurchaseOrderNumber, Guid SupplierId, string Warehouse, string Currency,
    IReadOnlyList<ReceivedLine> Lines, DateTimeOffset ReceivedAt);

/// <summary>A line of goods sent back to a supplier. UnitPrice is the price credited by the supplier (the PO price).</summary>
public sealed record SupplierReturnLine(string Sku, decimal Quantity, decimal UnitPrice);

/// <summary>
/// Goods were sent back to a supplier from Warehouse; inventory posts them as supplier-return-out at the moving
/// average and answers StockIssued, or StockIssueFailed when the stock is not there (procurement then refuses the return).
/// </summary>
public sealed record SupplierReturnShipped(
    Guid ReturnId, string Number, Guid SupplierId, Guid? PurchaseOrderId, string Warehouse, string Currency, IReadOnlyList<SupplierReturnLine> Lines,
    string Reason, DateTimeOffset ShippedAt);

// ---- The procurement API (DTOs). Contact details are personal data: they appear in API answers, never in events. ----

/// <summary>Draft → Approved → PartiallyReceived → Received → Closed, or Cancelled (from Draft or Approved, nothing received).</summary>
public enum PurchaseOrderStatus
{
    Draft,
    Approved,
    PartiallyReceived,
    Received,
    Closed,
    Cancelled,
}

/// <summary>Draft (quantities held) → Shipped (sent to inventory) → Completed (stock issued) or Refused (inventory could not issue it); a draft may be Cancelled.</summary>
public enum SupplierReturnStatus
{
    Draft,
    Shipped,
    Completed,
    Refused,
    Cancelled,
}

/// <summary>Open: a line of a draft purchase order; NoSupplier: no supplier price for the SKU; Ordered: its purchase order was approved; Dismissed.</summary>
public enum ReorderSuggestionStatus
{
    Open,
    NoSupplier,
    Ordered,
    Dismissed,
}

/// <summary>Whether inventory has posted a goods receipt's accepted quantities (it says so with StockReceived).</summary>
public enum ReceiptPostingStatus
{
    Pending,
    Posted,

    /// <summary>Everything was rejected at the door: inventory has nothing to post.</summary>
    NothingToPost,
}

public sealed record SupplierAddressDto(string Line1, string? Line2, string? Ward, string? District, string? City, string? Province, string? PostalCode, string Country);

/// <summary>The person to talk to at a supplier. Personal data: encrypted at rest, looked up only by exact phone or e-mail.</summary>
public sealed record SupplierContactDto(string? Name, string? Phone, string? Email, SupplierAddressDto? Address);

public sealed record SupplierDto(
    Guid Id, string Code, string Name, string? TaxId, SupplierContactDto Contact, int PaymentTermsDays, string Currency, bool IsActive,
    long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// What a supplier charges for a SKU from MinQuantity on, between ValidFrom and ValidTo (UTC dates, both inclusive; open when
/// absent). Preferred marks the supplier to reorder the SKU from.
/// </summary>
public sealed record SupplierPriceDto(
    Guid Id, Guid SupplierId, string SupplierCode, string SupplierName, string Sku, decimal UnitPrice, string Currency, decimal MinQuantity,
    int LeadTimeDays, DateOnly? ValidFrom, DateOnly? ValidTo, bool Preferred, long Version, DateTimeOffset UpdatedAt);

/// <summary>
/// A purchase order line. Amounts exclude tax except Total; ReceivedQuantity is what was accepted into stock so far,
/// RejectedQuantity what was refused at the door, ReturnedQuantity what was sent back (or is held for a return).
/// </summary>
public sealed record PurchaseOrderLineDto(
    int LineNo, string Sku, decimal Quantity, decimal UnitPrice, decimal TaxRate, decimal Subtotal, decimal TaxAmount, decimal Total,
    decimal ReceivedQuantity, decimal RejectedQuantity, decimal ReturnedQuantity, decimal OutstandingQuantity);

public sealed record PurchaseOrderStatusChangeDto(PurchaseOrderStatus Status, DateTimeOffset At, string By, string? Reason);

/// <summary>A purchase order; Origin is "manual" or "reorder" (gathered from reorder suggestions).</summary>
public sealed record PurchaseOrderDto(
    Guid Id, string Number, Guid SupplierId, string SupplierCode, string SupplierName, string Warehouse, string Currency, PurchaseOrderStatus Status,
    string Origin, string? Reference, DateOnly? ExpectedDate, IReadOnlyList<PurchaseOrderLineDto> Lines, decimal Subtotal, decimal TaxTotal,
    decimal Total, IReadOnlyList<PurchaseOrderStatusChangeDto> History, long Version, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset UpdatedAt);

public sealed record PurchaseOrderSummaryDto(
    Guid Id, string Number, Guid SupplierId, string SupplierCode, string SupplierName, string Warehouse, string Currency, PurchaseOrderStatus Status,
    string Origin, int LineCount, decimal Total, DateOnly? ExpectedDate, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A line of a goods receipt: accepted into stock at UnitCost (the PO price), rejected at the door with a reason.</summary>
public sealed record GoodsReceiptLineDto(
    int LineNo, int PurchaseOrderLineNo, string Sku, decimal AcceptedQuantity, decimal RejectedQuantity, string? RejectionReason, decimal UnitCost,
    decimal ReturnedQuantity);

public sealed record GoodsReceiptDto(
    Guid Id, string Number, Guid PurchaseOrderId, string PurchaseOrderNumber, Guid SupplierId, string SupplierName, string Warehouse, string Currency,
    string? DeliveryNote, IReadOnlyList<GoodsReceiptLineDto> Lines, DateTimeOffset ReceivedAt, string ReceivedBy, ReceiptPostingStatus Posting,
    DateTimeOffset? PostedAt);

/// <summary>A line sent back; UnitPrice is what the supplier credits (the PO price of the goods it was taken from).</summary>
public sealed record SupplierReturnLineDto(int LineNo, string Sku, decimal Quantity, decimal UnitPrice, decimal Amount);

public sealed record SupplierReturnDto(
    Guid Id, string Number, Guid SupplierId, string SupplierName, Guid? PurchaseOrderId, string? PurchaseOrderNumber, Guid? ReceiptId,
    string? ReceiptNumber, string Warehouse, string Currency, string Reason, SupplierReturnStatus Status, string? RefusalReason,
    IReadOnlyList<SupplierReturnLineDto> Lines, decimal Total, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? ShippedAt,
    DateTimeOffset? SettledAt, long Version);

/// <summary>
/// Stock of a SKU fell under its reorder point in a warehouse: order SuggestedQuantity = max(reorder quantity, reorder point −
/// available), from the supplier chosen by its supplier prices, on the draft purchase order it was gathered into.
/// </summary>
public sealed record ReorderSuggestionDto(
    Guid Id, string Sku, string Warehouse, decimal SuggestedQuantity, decimal Available, decimal ReorderPoint, decimal ReorderQuantity,
    ReorderSuggestionStatus Status, Guid? SupplierId, string? SupplierName, Guid? PurchaseOrderId, string? PurchaseOrderNumber, decimal? UnitPrice,
    string? Currency, string? DismissReason, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A tenant's procurement settings: how much more than ordered a line may receive (0 = exactly what was ordered).</summary>
public sealed record ProcurementSettingsDto(decimal OverReceiptTolerancePercent, long Version);

/// <summary>How many suppliers' contact details one personal data key version still protects.</summary>
public sealed record ContactKeyUsageDto(int KeyVersion, int Suppliers);

/// <summary>The current personal data key, and whether every supplier contact is re-encrypted under it yet.</summary>
public sealed record ContactKeysStatusDto(int CurrentKeyVersion, IReadOnlyList<ContactKeyUsageDto> Usage, bool ReencryptionDone);
