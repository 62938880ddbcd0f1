using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Inventory.Domain;

public enum TransferStatus
{
    Draft,
    InTransit,
    PartiallyReceived,
    Received,
    Cancelled,
}

/// <summary>
/// Goods moving from one warehouse to another. Shipping posts transfer-out at the source's average and puts the goods
/// in transit with the value they left with; receiving posts transfer-in at that carried cost, line by line and
/// possibly in parts; the transfer is Received when nothing is left in transit.
/// </summary>
public sealed class Transfer : ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Number { get; set; } = "";
    public string FromWarehouse { get; set; } = "";
    public string ToWarehouse { get; set; } = "";
    public string? Reference { get; set; }
    public TransferStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset? ShippedAt { get; set; }
    public string? ShippedBy { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public long Version { get; set; }
    public List<TransferLine> Lines { get; set; } = [];

    public bool CanShip => Status == TransferStatus.Draft;
    public bool CanReceive => Status is TransferStatus.InTransit or TransferStatus.PartiallyReceived;
    public bool CanCancel => Status == TransferStatus.Draft;

    /// <summary>Records what left the source (the costed transfer-out of each line).</summary>
    public void Shipped(IReadOnlyDictionary<string, (decimal UnitCost, decimal Value)> costs, string actor, DateTimeOffset now)
    {
        if (!CanShip)
            throw new InvalidOperationException($"Transfer {Number} is {Status}; only a draft can be shipped.");
        foreach (var line in Lines)
        {
            var (unitCost, value) = costs[line.Sku];
            (line.ShippedQuantity, line.UnitCost, line.ShippedValue) = (line.Quantity, unitCost, value);
        }
        (Status, ShippedAt, ShippedBy) = (TransferStatus.InTransit, now, actor);
    }

    /// <summary>
    /// The value a delivery of <paramref name="quantity"/> of a line carries in: the rest of the in-transit value when it
    /// takes the rest, otherwise quantity × the cost it left with (never more than is in transit).
    /// </summary>
    public static decimal ValueOf(TransferLine line, decimal quantity) =>
        quantity == line.InTransit ? line.InTransitValue : Math.Min(MovingAverage.Money(quantity * line.UnitCost), line.InTransitValue);

    public void Received(IReadOnlyList<(TransferLine Line, decimal Quantity, decimal Value)> deliveries, DateTimeOffset now)
    {
        if (!CanReceive)
            throw new InvalidOperationException($"Transfer {Number} is {Status}; nothing is in transit.");
        foreach (var (line, quantity, value) in deliveries)
        {
            if (quantity <= 0 || quantity > line.InTransit)
                throw new InvalidOperationException($"{line.Sku}: {quantity} is not between 0 and the {line.InTransit} in transit.");
            line.ReceivedQuantity += quantity;
            line.ReceivedValue += value;
        }
        if (Lines.All(l => l.InTransit == 0))
            (Status, CompletedAt) = (TransferStatus.Received, now);
        else
            Status = TransferStatus.PartiallyReceived;
    }

    public void Cancel(DateTimeOffset now)
    {
        if (!CanCancel)
            throw new InvalidOperationException($"Transfer {Number} is {Status}; only a draft can be cancelled.");
        (Status, CancelledAt) = (TransferStatus.Cancelled, now);
    }
}

public sealed class TransferLine : ITenantOwned
{
    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    public Guid TransferId { get; set; }
    public int LineNo { get; set; }
    public string Sku { get; set; } = "";

    /// <summary>The bin the goods are taken from at the source (optional).</summary>
    public string? Bin { get; set; }
    public decimal Quantity { get; set; }
    public decimal ShippedQuantity { get; set; }
    public decimal ShippedValue { get; set; }

    /// <summary>The source's average cost when the goods left: the cost they carry into the destination.</summary>
    public decimal UnitCost { get; set; }
    public decimal ReceivedQuantity { get; set; }
    public decimal ReceivedValue { get; set; }

    public decimal InTransit => ShippedQuantity - ReceivedQuantity;
    public decimal InTransitValue => ShippedValue - ReceivedValue;
}
