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

/// <summary>
/// Stock of one SKU in one warehouse. Value is the total cost of what is on hand (moving average): receipts add their
/// cost, issues remove quantity × average, and AverageCost = Value / OnHand.
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
    public long Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public decimal Available => OnHand - Reserved;

    public static StockLevel Empty(string sku, string warehouse, DateTimeOffset now) =>
        new() { Sku = sku, Warehouse = warehouse, UpdatedAt = now };

    /// <summary>Adds received goods at their cost and returns the ledger movement that explains it.</summary>
    public Movement Receive(decimal quantity, decimal unitCost, MovementType type, string sourceType, string sourceId, DateTimeOffset now)
    {
        if (quantity <= 0)
            throw new ArgumentOutOfRangeException(nameof(quantity), "A receipt adds a positive quantity.");
        var value = quantity * unitCost;
        OnHand += quantity;
        Value += value;
        AverageCost = OnHand == 0 ? 0 : decimal.Round(Value / OnHand, 6);
        UpdatedAt = now;
        return new Movement
        {
            Sku = Sku,
            Warehouse = Warehouse,
            Type = type,
            Quantity = quantity,
            UnitCost = unitCost,
            Value = value,
            SourceType = sourceType,
            SourceId = sourceId,
            OccurredAt = now,
        };
    }
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

/// <summary>One line of the immutable ledger. Quantity is signed: ins are positive, outs negative.</summary>
public sealed class Movement : ITenantOwned
{
    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Sku { get; set; } = "";
    public string Warehouse { get; set; } = "";
    public MovementType Type { get; set; }
    public decimal Quantity { get; set; }
    public decimal UnitCost { get; set; }
    public decimal Value { get; set; }
    public string SourceType { get; set; } = "";
    public string SourceId { get; set; } = "";
    public DateTimeOffset OccurredAt { get; set; }

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

public enum ReservationStatus
{
    Active,
    Released,
    Consumed,
}

/// <summary>Quantity of a SKU held in a warehouse for an order; counted in the stock's Reserved.</summary>
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
}
