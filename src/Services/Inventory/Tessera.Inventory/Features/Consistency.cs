using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.Inventory.Ledger;
using Tessera.ServiceDefaults.Api;

namespace Tessera.Inventory.Features;

/// <summary>
/// Inventory's invariants, checked now for the caller's tenant (blueprint section 7). I1: on-hand of every (SKU,
/// warehouse) equals the sum of its ledger movements, and the running balance of its last movement equals it too.
/// I2: reserved is never negative, equals the sum of the active reservations, and is at most on-hand unless the tenant
/// allows negative stock.
/// </summary>
public static class Consistency
{
    private const int MaxViolations = 100;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/consistency", Check).WithTags("Operations").WithName("CheckInventoryConsistency")
            .WithSummary("Checks I1 (on-hand = Σ ledger per SKU and warehouse) and I2 (reserved ≤ on-hand unless negative stock is allowed).");

    private static async Task<Ok<ConsistencyReportDto>> Check(InventoryDbContext db, StockLedger ledger, TimeProvider clock, CancellationToken cancellationToken)
    {
        var settings = await ledger.SettingsAsync(cancellationToken);
        var rows = await db.Stock.AsNoTracking()
            .Select(s => new
            {
                s.Sku,
                s.Warehouse,
                s.OnHand,
                s.Reserved,
                LastBalance = db.Movements.Where(m => m.Sku == s.Sku && m.Warehouse == s.Warehouse).OrderByDescending(m => m.Id)
                    .Select(m => (decimal?)m.BalanceQuantity).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        var ledgerSums = (await db.Movements.AsNoTracking()
                .GroupBy(m => new { m.Sku, m.Warehouse })
                .Select(g => new { g.Key.Sku, g.Key.Warehouse, Quantity = g.Sum(m => m.Quantity) })
                .ToListAsync(cancellationToken))
            .ToDictionary(g => (g.Sku, g.Warehouse), g => g.Quantity);
        var reservedSums = (await db.Reservations.AsNoTracking()
                .Where(r => r.Status == ReservationStatus.Active)
                .GroupBy(r => new { r.Sku, r.Warehouse })
                .Select(g => new { g.Key.Sku, g.Key.Warehouse, Quantity = g.Sum(r => r.Quantity) })
                .ToListAsync(cancellationToken))
            .ToDictionary(g => (g.Sku, g.Warehouse), g => g.Quantity);

        var i1 = new List<InvariantViolationDto>();
        var i2 = new List<InvariantViolationDto>();
        var stocked = new HashSet<(string, string)>();
        foreach (var row in rows)
        {
            var key = $"{row.Sku}@{row.Warehouse}";
            stocked.Add((row.Sku, row.Warehouse));
            var sum = ledgerSums.GetValueOrDefault((row.Sku, row.Warehouse));
            if (sum != row.OnHand)
                i1.Add(new InvariantViolationDto(key, FormattableString.Invariant($"on hand {row.OnHand} but the ledger sums to {sum}")));
            else if (row.LastBalance is decimal balance && balance != row.OnHand)
                i1.Add(new InvariantViolationDto(key, FormattableString.Invariant($"on hand {row.OnHand} but the last movement's running balance is {balance}")));

            var reserved = reservedSums.GetValueOrDefault((row.Sku, row.Warehouse));
            if (row.Reserved < 0)
                i2.Add(new InvariantViolationDto(key, FormattableString.Invariant($"reserved {row.Reserved} is negative")));
            else if (row.Reserved != reserved)
                i2.Add(new InvariantViolationDto(key, FormattableString.Invariant($"reserved {row.Reserved} but the active reservations sum to {reserved}")));
            else if (!settings.NegativeStockAllowed && row.Reserved > row.OnHand)
                i2.Add(new InvariantViolationDto(key, FormattableString.Invariant($"reserved {row.Reserved} exceeds on hand {row.OnHand}")));
        }
        foreach (var ((sku, warehouse), sum) in ledgerSums.Where(s => !stocked.Contains(s.Key)))
            i1.Add(new InvariantViolationDto($"{sku}@{warehouse}", FormattableString.Invariant($"the ledger sums to {sum} but there is no stock row")));

        var invariants = new List<InvariantResultDto>
        {
            new("I1", "On hand of every SKU and warehouse equals the sum of its ledger movements (and its last running balance).",
                i1.Count == 0, rows.Count, i1.Count, i1.Take(MaxViolations).ToList()),
            new("I2", settings.NegativeStockAllowed
                    ? "Reserved equals the active reservations and is never negative (negative stock is allowed, so it may exceed on hand)."
                    : "Reserved equals the active reservations, is never negative and never exceeds on hand.",
                i2.Count == 0, rows.Count, i2.Count, i2.Take(MaxViolations).ToList()),
        };
        return TypedResults.Ok(new ConsistencyReportDto("inventory", clock.GetUtcNow(), invariants.All(i => i.Holds), invariants));
    }
}
