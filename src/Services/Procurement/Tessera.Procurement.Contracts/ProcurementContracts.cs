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
