using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Inventory.Domain;

public sealed class Warehouse : ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public long Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A storage place inside a warehouse (an aisle, a shelf); codes are unique per warehouse.</summary>
public sealed class Bin : ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Warehouse { get; set; } = "";
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public long Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// Stock of one SKU in one warehouse: the row every write of that (SKU, warehouse) goes through. Value is the total
/// cost of what is on hand (moving average, see <see cref="MovingAverage"/>); InTransit is what transfers have shipped
/// here and not yet delivered. BelowReorderPoint remembers that StockBelowReorderPoint was published, so that it is
/// published again only after available stock has recovered to the point.
/// </summary>
public sealed class StockLevel : ITenantOwned, IVersioned
{
    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Sku { get; set; } = "";
    public string Warehouse { get; set; } = "";
    public decimal OnHand { get; set; }
    public decimal Reserved { get; set; }
    public decimal Value { get; set; }
    public decimal AverageCost { get; set; }
    public decimal InTransit { get; set; }
    public decimal? ReorderPoint { get; set; }
    public decimal? ReorderQuantity { get; set; }
    public bool BelowReorderPoint { get; set; }
    public long Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public decimal Available => OnHand - Reserved;

    public CostPosition Position => new(OnHand, Value, AverageCost);

    public static StockLevel Empty(string sku, string warehouse, DateTimeOffset now) =>
        new() { Sku = sku, Warehouse = warehouse, UpdatedAt = now, Version = 1 };
}

/// <summary>How much of a SKU lies in one bin: the optional breakdown of a stock row, kept from movements that name a bin.</summary>
public sealed class BinStock : ITenantOwned
{
    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Sku { get; set; } = "";
    public string Warehouse { get; set; } = "";
    public string Bin { get; set; } = "";
    public decimal OnHand { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum MovementType
{
    PurchaseIn,
    CustomerReturnIn,
    TransferIn,
    CountAdjustIn,
    SalesOut,
    SupplierReturnOut,
    TransferOut,
    CountAdjustOut,
}

/// <summary>
/// One line of the immutable ledger. Quantity and Value are signed: ins are positive, outs negative. BalanceQuantity
/// and BalanceValue are the (SKU, warehouse)'s on-hand and value right after this movement, written with it, so that a
/// page of history needs no sum over what came before.
/// </summary>
public sealed class Movement : ITenantOwned
{
    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Sku { get; set; } = "";
    public string Warehouse { get; set; } = "";
    public string? Bin { get; set; }
    public MovementType Type { get; set; }
    public decimal Quantity { get; set; }
    public decimal UnitCost { get; set; }
    public decimal Value { get; set; }
    public decimal BalanceQuantity { get; set; }
    public decimal BalanceValue { get; set; }
    public string SourceType { get; set; } = "";
    public string SourceId { get; set; } = "";
    public Guid? OrderId { get; set; }
    public string? Reason { get; set; }
    public string? Actor { get; set; }
    public DateTimeOffset OccurredAt { get; set; }

    public static bool IsInbound(MovementType type) =>
        type is MovementType.PurchaseIn or MovementType.CustomerReturnIn or MovementType.TransferIn or MovementType.CountAdjustIn;

    public static string TypeName(MovementType type) => type switch
    {
        MovementType.PurchaseIn => "purchase-in",
        MovementType.CustomerReturnIn => "customer-return-in",
        MovementType.TransferIn => "transfer-in",
        MovementType.CountAdjustIn => "count-adjust-in",
        MovementType.SalesOut => "sales-out",
        MovementType.SupplierReturnOut => "supplier-return-out",
        MovementType.TransferOut => "transfer-out",
        MovementType.CountAdjustOut => "count-adjust-out",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static readonly IReadOnlyList<MovementType> All = Enum.GetValues<MovementType>();

    public static MovementType? Parse(string? name) => All.Cast<MovementType?>().FirstOrDefault(t => TypeName(t!.Value) == name);
}

public sealed class Receipt : ITenantOwned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Warehouse { get; set; } = "";
    public string? Reference { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public string ReceivedBy { get; set; } = "";
}

/// <summary>A manual issue (sales-out or supplier-return-out) posted by an operator: the source document of its movements.</summary>
public sealed class Issue : ITenantOwned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Warehouse { get; set; } = "";
    public MovementType Type { get; set; }
    public string? Reference { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public string IssuedBy { get; set; } = "";
}

public enum ReservationStatus
{
    Active,
    Released,
    Consumed,
    Expired,
}

/// <summary>Quantity of a SKU held in a warehouse for an order; counted in the stock's Reserved while Active.</summary>
public sealed class Reservation : ITenantOwned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public Guid OrderId { get; set; }
    public string Sku { get; set; } = "";
    public string Warehouse { get; set; } = "";
    public decimal Quantity { get; set; }
    public ReservationStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReleasedAt { get; set; }

    /// <summary>When the hold lapses (the tenant's reservation hold); null holds until shipped or released.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
}

/// <summary>A tenant's stock policy: whether on-hand may go below zero, and how long a reservation holds stock.</summary>
public sealed class InventorySettings : ITenantOwned, IVersioned
{
    public string TenantId { get; set; } = "";
    public bool NegativeStockAllowed { get; set; }
    public int? ReservationHoldMinutes { get; set; }
    public long Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }

    public TimeSpan? ReservationHold => ReservationHoldMinutes is int minutes ? TimeSpan.FromMinutes(minutes) : null;

    public static InventorySettings Default(string tenant) => new() { TenantId = tenant };
}

/// <summary>The next number of a tenant's documents of one kind (transfers, counts).</summary>
public sealed class DocumentCounter : ITenantOwned
{
    public string TenantId { get; set; } = "";
    public string Kind { get; set; } = "";
    public long Next { get; set; }
}
