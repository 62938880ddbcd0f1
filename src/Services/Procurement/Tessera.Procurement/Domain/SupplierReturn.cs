using Tessera.Procurement.Contracts;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Procurement.Domain;

public sealed class SupplierReturnLine : ITenantOwned
{
    public Guid ReturnId { get; set; }
    public int LineNo { get; set; }
    public string TenantId { get; set; } = "";
    public string Sku { get; set; } = "";
    public decimal Quantity { get; set; }

    /// <summary>What the supplier credits per unit: the PO prices of the receipt lines it was taken from, weighted.</summary>
    public decimal UnitPrice { get; set; }
}

/// <summary>
/// Which received goods a return line sends back: a quantity out of one goods receipt line. Holding it raises the
/// receipt line's returned quantity; a cancelled or refused return gives it back (<see cref="Released"/>).
/// </summary>
public sealed class SupplierReturnAllocation : ITenantOwned
{
    public Guid ReturnId { get; set; }
    public int LineNo { get; set; }
    public Guid ReceiptId { get; set; }
    public int ReceiptLineNo { get; set; }
    public string TenantId { get; set; } = "";
    public decimal Quantity { get; set; }
    public decimal UnitCost { get; set; }
    public bool Released { get; set; }
}

/// <summary>
/// Goods sent back to a supplier out of what was received from it (one receipt, one purchase order, or any of its
/// receipts into a warehouse). Draft holds the quantities; shipping tells inventory to issue them (supplier-return-out);
/// inventory's answer completes it, or refuses it — then the quantities count as not returned again.
/// </summary>
public sealed class SupplierReturn : ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public long Sequence { get; set; }
    public string Number { get; set; } = "";
    public Guid SupplierId { get; set; }
    public Guid? PurchaseOrderId { get; set; }
    public Guid? ReceiptId { get; set; }
    public string Warehouse { get; set; } = "";
    public string Currency { get; set; } = "";
    public string Reason { get; set; } = "";
    public SupplierReturnStatus Status { get; private set; }
    public string? RefusalReason { get; private set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset? ShippedAt { get; private set; }
    public string? ShippedBy { get; private set; }
    public DateTimeOffset? SettledAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public long Version { get; set; }
    public List<SupplierReturnLine> Lines { get; set; } = [];
    public List<SupplierReturnAllocation> Allocations { get; set; } = [];

    /// <summary>The events about a return travel with its purchase order's story when it has one.</summary>
    public string AggregateId => (PurchaseOrderId ?? Id).ToString();

    public decimal Total => Lines.Sum(l => Tessera.ServiceDefaults.Api.Currencies.Round(l.Quantity * l.UnitPrice, Currency));

    public (TransitionOutcome Outcome, string? Why) Ship(string by, DateTimeOffset now)
    {
        if (Status == SupplierReturnStatus.Shipped)
            return (TransitionOutcome.Unchanged, null);
        if (Status != SupplierReturnStatus.Draft)
            return (TransitionOutcome.NotAllowed, $"Supplier return {Number} is {Status}; only a Draft can be shipped.");
        (Status, ShippedAt, ShippedBy, UpdatedAt) = (SupplierReturnStatus.Shipped, now, by, now);
        return (TransitionOutcome.Done, null);
    }

    /// <summary>Cancels a draft; the caller gives the held quantities back to their receipt lines (<see cref="ReleaseAllocations"/>).</summary>
    public (TransitionOutcome Outcome, string? Why) Cancel(DateTimeOffset now)
    {
        if (Status == SupplierReturnStatus.Cancelled)
            return (TransitionOutcome.Unchanged, null);
        if (Status != SupplierReturnStatus.Draft)
            return (TransitionOutcome.NotAllowed, $"Supplier return {Number} is {Status}; only a Draft can be cancelled.");
        (Status, SettledAt, UpdatedAt) = (SupplierReturnStatus.Cancelled, now, now);
        return (TransitionOutcome.Done, null);
    }

    public bool Complete(DateTimeOffset now)
    {
        if (Status != SupplierReturnStatus.Shipped)
            return false;
        (Status, SettledAt, UpdatedAt) = (SupplierReturnStatus.Completed, now, now);
        return true;
    }

    public bool Refuse(string reason, DateTimeOffset now)
    {
        if (Status != SupplierReturnStatus.Shipped)
            return false;
        (Status, RefusalReason, SettledAt, UpdatedAt) = (SupplierReturnStatus.Refused, reason, now, now);
        return true;
    }

    /// <summary>Compensation: the held quantities go back to the receipt lines they were taken from, once.</summary>
    public void ReleaseAllocations(IReadOnlyDictionary<(Guid ReceiptId, int LineNo), GoodsReceiptLine> receiptLines)
    {
        foreach (var allocation in Allocations.Where(a => !a.Released))
        {
            receiptLines[(allocation.ReceiptId, allocation.ReceiptLineNo)].ReturnedQuantity -= allocation.Quantity;
            allocation.Released = true;
        }
    }
}
