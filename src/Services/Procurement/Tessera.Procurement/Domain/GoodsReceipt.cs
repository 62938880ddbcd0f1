using Tessera.Procurement.Contracts;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Procurement.Domain;

public sealed class GoodsReceiptLine : ITenantOwned
{
    public Guid ReceiptId { get; set; }
    public int LineNo { get; set; }
    public string TenantId { get; set; } = "";
    public int PurchaseOrderLineNo { get; set; }
    public string Sku { get; set; } = "";
    public decimal AcceptedQuantity { get; set; }
    public decimal RejectedQuantity { get; set; }
    public string? RejectionReason { get; set; }

    /// <summary>The purchase order line's unit price: what inventory values the purchase-in at.</summary>
    public decimal UnitCost { get; set; }

    /// <summary>Sent back to the supplier (or held by a draft return) out of the accepted quantity.</summary>
    public decimal ReturnedQuantity { get; set; }

    public decimal Returnable => AcceptedQuantity - ReturnedQuantity;
}

/// <summary>
/// Goods that arrived against a purchase order, line by line: what was accepted into stock and what was refused at
/// the door. Immutable once written, except for two facts learnt later: inventory posted it, and part of it went back.
/// </summary>
public sealed class GoodsReceipt : ITenantOwned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public long Sequence { get; set; }
    public string Number { get; set; } = "";
    public Guid PurchaseOrderId { get; set; }
    public Guid SupplierId { get; set; }
    public string Warehouse { get; set; } = "";
    public string Currency { get; set; } = "";
    public string? DeliveryNote { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public string ReceivedBy { get; set; } = "";
    public ReceiptPostingStatus Posting { get; set; }
    public DateTimeOffset? PostedAt { get; set; }
    public List<GoodsReceiptLine> Lines { get; set; } = [];

    /// <summary>Inventory reported the purchase-in movements; true when this changed the receipt.</summary>
    public bool MarkPosted(DateTimeOffset at)
    {
        if (Posting != ReceiptPostingStatus.Pending)
            return false;
        Posting = ReceiptPostingStatus.Posted;
        PostedAt = at;
        return true;
    }
}
