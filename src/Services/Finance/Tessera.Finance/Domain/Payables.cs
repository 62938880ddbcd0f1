using System.Globalization;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Finance.Domain;

public static class PaymentKinds
{
    public const string Customer = "customer";
    public const string Supplier = "supplier";
}

public static class PaymentMethods
{
    public const string Bank = "bank";
    public const string Cash = "cash";

    /// <summary>Cash on delivery remitted by a carrier, usually net of its fee.</summary>
    public const string Cod = "cod";

    public static readonly IReadOnlyList<string> All = [Bank, Cash, Cod];
}

public static class DocumentTypes
{
    public const string Invoice = "invoice";
    public const string Bill = "bill";
}

public sealed class Payment : ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Number { get; set; } = "";
    public long Sequence { get; set; }
    public string Kind { get; set; } = PaymentKinds.Customer;
    public DateOnly Date { get; set; }
    public string Method { get; set; } = PaymentMethods.Bank;
    public string Currency { get; set; } = "";
    public decimal Amount { get; set; }
    public decimal Fee { get; set; }
    public decimal Allocated { get; set; }
    public string? Reference { get; set; }
    public Guid EntryId { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public string RecordedBy { get; set; } = "";
    public long Version { get; set; }
    public List<PaymentAllocation> Allocations { get; set; } = [];

    public decimal Unallocated => Amount - Allocated;
}

public sealed class PaymentAllocation : ITenantOwned
{
    public Guid PaymentId { get; set; }
    public int LineNo { get; set; }
    public string TenantId { get; set; } = "";
    public Guid DocumentId { get; set; }
    public string DocumentType { get; set; } = "";
    public string DocumentNumber { get; set; } = "";
    public decimal Amount { get; set; }
    public DateOnly Date { get; set; }
    public Guid EntryId { get; set; }
}

/// <summary>A purchase order as procurement approved it: what the three-way match compares a bill with.</summary>
public sealed class PurchaseOrderRecord : ITenantOwned
{
    public Guid PurchaseOrderId { get; set; }
    public string TenantId { get; set; } = "";
    public string Number { get; set; } = "";
    public Guid SupplierId { get; set; }
    public string Warehouse { get; set; } = "";
    public string Currency { get; set; } = "";
    public DateTimeOffset ApprovedAt { get; set; }
    public List<PurchaseOrderLineRecord> Lines { get; set; } = [];
}

public sealed class PurchaseOrderLineRecord : ITenantOwned
{
    public Guid PurchaseOrderId { get; set; }
    public int LineNo { get; set; }
    public string TenantId { get; set; } = "";
    public string Sku { get; set; } = "";
    public decimal Quantity { get; set; }
    public decimal UnitPrice { get; set; }
    public decimal ReceivedQuantity { get; set; }
    public decimal BilledQuantity { get; set; }
}

/// <summary>A goods receipt already counted into its purchase order's received quantities (so a repeated event counts once).</summary>
public sealed class ReceivedGoods : ITenantOwned
{
    public Guid ReceiptId { get; set; }
    public string TenantId { get; set; } = "";
    public Guid PurchaseOrderId { get; set; }
    public string Number { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
}

public static class BillStatuses
{
    public const string Held = "Held";
    public const string Approved = "Approved";
}

public sealed class Bill : ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Number { get; set; } = "";
    public long Sequence { get; set; }
    public Guid PurchaseOrderId { get; set; }
    public Guid? SupplierId { get; set; }
    public string SupplierInvoiceNumber { get; set; } = "";
    public DateOnly Date { get; set; }
    public DateOnly DueDate { get; set; }
    public string Currency { get; set; } = "";
    public string Status { get; set; } = BillStatuses.Held;
    public string? HoldReasons { get; set; }
    public decimal Net { get; set; }
    public decimal Tax { get; set; }
    public decimal Total { get; set; }
    public decimal Variance { get; set; }
    public decimal Paid { get; set; }
    public Guid? EntryId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset? ApprovedAt { get; set; }
    public long Version { get; set; }
    public List<BillLine> Lines { get; set; } = [];

    public decimal Outstanding => Status == BillStatuses.Approved ? Total - Paid : 0;

    public IReadOnlyList<string> Reasons => string.IsNullOrEmpty(HoldReasons) ? [] : HoldReasons.Split('\n');
}

public sealed class BillLine : ITenantOwned
{
    public Guid BillId { get; set; }
    public int LineNo { get; set; }
    public string TenantId { get; set; } = "";
    public int PurchaseOrderLineNo { get; set; }
    public string Sku { get; set; } = "";
    public decimal Quantity { get; set; }
    public decimal UnitPrice { get; set; }
    public decimal TaxRate { get; set; }
    public decimal Net { get; set; }
    public decimal Tax { get; set; }
    public decimal PurchaseOrderUnitPrice { get; set; }
}

public sealed record BillLineInput(int LineNo, decimal Quantity, decimal UnitPrice, decimal TaxRate);

/// <summary>
/// The three-way match: a bill line may charge for what was received on its purchase order line and not billed yet,
/// at the PO price within the tenant's tolerance (in percent of the PO value of the billed quantity). Each mismatch
/// is a sentence that says what was compared, so whoever corrects the bill knows what to change.
/// </summary>
public static class ThreeWayMatch
{
    public static IReadOnlyList<string> Check(PurchaseOrderRecord? order, IReadOnlyList<BillLineInput> lines, decimal tolerancePercent,
        IReadOnlyDictionary<int, decimal>? billedElsewhere = null)
    {
        if (order is null)
            return ["The purchase order is not known to finance yet (procurement has not approved it, or its approval is still on its way)."];
        var reasons = new List<string>();
        foreach (var line in lines)
        {
            var poLine = order.Lines.FirstOrDefault(l => l.LineNo == line.LineNo);
            if (poLine is null)
            {
                reasons.Add($"Line {line.LineNo}: purchase order {order.Number} has no line {line.LineNo}.");
                continue;
            }
            var billed = billedElsewhere?.GetValueOrDefault(line.LineNo) ?? poLine.BilledQuantity;
            var billable = poLine.ReceivedQuantity - billed;
            if (line.Quantity > billable)
                reasons.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Line {line.LineNo} ({poLine.Sku}): billed {line.Quantity:0.####}, but {poLine.ReceivedQuantity:0.####} received and {billed:0.####} already billed leave {billable:0.####} to bill."));
            var expected = line.Quantity * poLine.UnitPrice;
            var charged = line.Quantity * line.UnitPrice;
            var allowed = Math.Abs(expected) * tolerancePercent / 100m;
            if (Math.Abs(charged - expected) > allowed)
            {
                var percent = poLine.UnitPrice == 0 ? 100m : Math.Round((line.UnitPrice - poLine.UnitPrice) / poLine.UnitPrice * 100m, 2);
                reasons.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Line {line.LineNo} ({poLine.Sku}): unit price {line.UnitPrice:0.####} is {percent:+0.##;-0.##} % from the PO price {poLine.UnitPrice:0.####} " +
                    $"(billed {charged:0.####} against {expected:0.####} for {line.Quantity:0.####}; tolerance {tolerancePercent:0.##} %)."));
            }
        }
        return reasons;
    }
}
