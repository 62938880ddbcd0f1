using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;

namespace Tessera.Inventory.Features;

/// <summary>
/// What the stock is worth per warehouse, for finance's inventory valuation and its I6 check: the value on hand (the
/// exact sum of the movements' values) and the value of transfers in transit towards the warehouse (which left the
/// source and have not arrived).
/// </summary>
public static class Valuation
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/valuation", Get).WithTags("Stock").WithName("GetInventoryValuation")
            .WithSummary("Inventory value per warehouse: on hand, and in transit towards it (transfers shipped, not yet received).");

    private static async Task<IResult> Get(InventoryDbContext db, CancellationToken cancellationToken)
    {
        var onHand = await db.Stock.AsNoTracking().GroupBy(s => s.Warehouse)
            .Select(g => new { Warehouse = g.Key, Value = g.Sum(s => s.Value) }).ToListAsync(cancellationToken);
        var moving = new[] { TransferStatus.InTransit, TransferStatus.PartiallyReceived };
        // Few rows (the lines of transfers on their way): summed here, where decimals are exact.
        var inTransit = (await db.TransferLines.AsNoTracking()
                .Join(db.Transfers.AsNoTracking().Where(t => moving.Contains(t.Status)), l => l.TransferId, t => t.Id,
                    (l, t) => new { t.ToWarehouse, l.ShippedValue, l.ReceivedValue })
                .ToListAsync(cancellationToken))
            .GroupBy(x => x.ToWarehouse).Select(g => new { Warehouse = g.Key, Value = g.Sum(x => x.ShippedValue - x.ReceivedValue) }).ToList();
        var warehouses = onHand.Select(o => o.Warehouse).Union(inTransit.Select(t => t.Warehouse)).Order(StringComparer.Ordinal);
        return TypedResults.Ok(warehouses.Select(w => new WarehouseValueDto(w,
            onHand.FirstOrDefault(o => o.Warehouse == w)?.Value ?? 0, inTransit.FirstOrDefault(t => t.Warehouse == w)?.Value ?? 0)).ToList());
    }
}
