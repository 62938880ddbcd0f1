using Tessera.Procurement.Contracts;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Procurement.Domain;

/// <summary>
/// Stock of a SKU fell under its reorder point in a warehouse. At most one suggestion per (SKU, warehouse) is live
/// (Open or NoSupplier); a later report for the same pair updates it rather than ordering twice.
/// </summary>
public sealed class ReorderSuggestion : ITenantOwned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Sku { get; set; } = "";
    public string Warehouse { get; set; } = "";
    public decimal SuggestedQuantity { get; set; }
    public decimal Available { get; set; }
    public decimal ReorderPoint { get; set; }
    public decimal ReorderQuantity { get; set; }
    public ReorderSuggestionStatus Status { get; set; }
    public Guid? SupplierId { get; set; }
    public Guid? PurchaseOrderId { get; set; }
    public decimal? UnitPrice { get; set; }
    public string? Currency { get; set; }
    public string? DismissReason { get; set; }
    public string? DismissedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public bool IsLive => Status is ReorderSuggestionStatus.Open or ReorderSuggestionStatus.NoSupplier;

    /// <summary>max(reorder quantity, reorder point − available): at least a reorder quantity, and enough to get back to the point.</summary>
    public static decimal Quantity(decimal available, decimal reorderPoint, decimal reorderQuantity) =>
        Math.Max(reorderQuantity, reorderPoint - available);

    public void Dismiss(string reason, string by, DateTimeOffset now)
    {
        (Status, DismissReason, DismissedBy, UpdatedAt) = (ReorderSuggestionStatus.Dismissed, reason, by, now);
    }
}

/// <summary>A tenant's procurement settings; a tenant without a row has the defaults.</summary>
public sealed class ProcurementSettings : ITenantOwned, Tessera.ServiceDefaults.Data.IVersioned
{
    public const decimal DefaultOverReceiptTolerancePercent = 0m;

    public string TenantId { get; set; } = "";

    /// <summary>How much more than ordered a line may receive, in percent of the ordered quantity.</summary>
    public decimal OverReceiptTolerancePercent { get; set; }

    public long Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
}
