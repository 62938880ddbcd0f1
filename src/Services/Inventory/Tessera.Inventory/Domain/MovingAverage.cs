namespace Tessera.Inventory.Domain;

/// <summary>What a (SKU, warehouse) holds and what it is worth. AverageCost is Value / OnHand rounded for display.</summary>
public readonly record struct CostPosition(decimal OnHand, decimal Value, decimal AverageCost);

/// <summary>A movement as costed: Quantity and Value signed (ins positive), and the position right after it.</summary>
public readonly record struct CostedMovement(decimal Quantity, decimal UnitCost, decimal Value, CostPosition After);

/// <summary>
/// Moving-average costing per (SKU, warehouse) (ADR 0007). Value is the exact sum of the movements' values, each
/// rounded to <see cref="ValueDecimals"/>; AverageCost is Value / OnHand rounded to <see cref="CostDecimals"/> and is
/// only recomputed, never accumulated, so rounding never drifts. Receipts add their own cost; issues take
/// quantity × average — except the issue that empties the stock, which takes all the value that is left, so an empty
/// stock is worth exactly zero. With negative stock allowed, what goes out below zero leaves at the last average, and
/// the units that later fill the hole come back at the value they left with (the rest of the receipt at its own cost),
/// so that the value is again zero when on-hand is.
/// </summary>
public static class MovingAverage
{
    public const int ValueDecimals = 4;
    public const int CostDecimals = 6;

    public static decimal Money(decimal amount) => decimal.Round(amount, ValueDecimals, MidpointRounding.AwayFromZero);

    public static decimal Cost(decimal amount) => decimal.Round(amount, CostDecimals, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Goods come in at <paramref name="unitCost"/>; <paramref name="exactValue"/> overrides quantity × cost when the
    /// value is known to the cent already (a transfer delivering the rest of what is in transit).
    /// </summary>
    public static CostedMovement Receive(CostPosition at, decimal quantity, decimal unitCost, decimal? exactValue = null)
    {
        if (quantity <= 0)
            throw new ArgumentOutOfRangeException(nameof(quantity), "A receipt adds a positive quantity.");
        if (unitCost < 0)
            throw new ArgumentOutOfRangeException(nameof(unitCost), "A cost is never negative.");
        var value = exactValue ?? Money(quantity * unitCost);
        if (at.OnHand < 0)
        {
            var covered = Math.Min(quantity, -at.OnHand);
            var coveredValue = covered == -at.OnHand ? -at.Value : Money(covered * at.AverageCost);
            var rest = quantity - covered;
            value = coveredValue + (rest == 0 ? 0 : Money(value * rest / quantity));
        }
        return Moved(at, quantity, unitCost, value);
    }

    /// <summary>Goods go out at the current average.</summary>
    public static CostedMovement Issue(CostPosition at, decimal quantity)
    {
        if (quantity <= 0)
            throw new ArgumentOutOfRangeException(nameof(quantity), "An issue takes a positive quantity.");
        decimal value;
        if (at.OnHand > 0 && quantity >= at.OnHand)
            value = at.Value + Money((quantity - at.OnHand) * at.AverageCost);
        else if (at.OnHand > 0)
            value = Math.Min(Money(quantity * at.AverageCost), Math.Max(at.Value, 0));
        else
            value = Money(quantity * at.AverageCost);
        return Moved(at, -quantity, at.AverageCost, -value);
    }

    private static CostedMovement Moved(CostPosition at, decimal quantity, decimal unitCost, decimal value)
    {
        var onHand = at.OnHand + quantity;
        if (onHand == 0)
            value = -at.Value; // nothing left, nothing worth: the rounding residue goes out with the last unit
        var total = at.Value + value;
        var average = onHand > 0 ? Cost(total / onHand) : at.AverageCost;
        return new CostedMovement(quantity, unitCost, value, new CostPosition(onHand, total, average));
    }
}
