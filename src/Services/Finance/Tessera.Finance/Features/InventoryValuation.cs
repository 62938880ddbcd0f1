using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Contracts;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;
using Tessera.Finance.Ledger;
using Tessera.ServiceDefaults.Errors;

namespace Tessera.Finance.Features;

/// <summary>
/// Inventory valuation against the ledger, now: per warehouse, what inventory says its stock is worth (on hand and in
/// transfer towards it) against the inventory account under that warehouse; per shipment with a carrier, what
/// inventory issued for it (less what came back) against goods in transit under that shipment — zero once delivered.
/// I6 is this report agreeing.
/// </summary>
public static class InventoryValuation
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/inventory-valuation", Get).Reading().WithTags("Reports").WithName("InventoryValuation")
            .WithSummary("Inventory value (asked of inventory) per warehouse against the inventory account, and goods with carriers per shipment against goods in transit; format=csv.");

    private static async Task<IResult> Get(string? format, HttpRequest request, FinanceDbContext db, LedgerBooks books, InventoryClient inventory, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        await books.ForReadAsync(cancellationToken);
        InventoryValuationReportDto report;
        try
        {
            report = await ReportAsync(db, inventory, clock, cancellationToken);
        }
        catch (DependencyUnavailableException)
        {
            return Problems.Unavailable("Inventory", "The valuation compares the ledger with inventory's stock values, and inventory is not answering. Try again shortly.");
        }
        if (!CsvExport.Wanted(request, format))
            return TypedResults.Ok(report);
        return CsvExport.File("inventory-valuation.csv", ["kind", "warehouse", "shipment", "inventory", "ledger", "difference"],
            report.Warehouses.Select(w => new[] { "warehouse", w.Warehouse, "", CsvExport.Amount(w.InventoryValue), CsvExport.Amount(w.Ledger), CsvExport.Amount(w.Difference) })
                .Concat(report.InTransit.Select(s => new[]
                {
                    "in-transit", s.Warehouse, s.ShipmentId.ToString(), CsvExport.Amount(s.InventoryIssued), CsvExport.Amount(s.Ledger), CsvExport.Amount(s.Difference),
                })));
    }

    public static async Task<InventoryValuationReportDto> ReportAsync(FinanceDbContext db, InventoryClient inventory, TimeProvider clock, CancellationToken cancellationToken)
    {
        var stock = await inventory.ValuationAsync(cancellationToken);
        var inventoryAccounts = await SubLedgers.AccountsAsync(db, AccountRoles.Inventory, cancellationToken);
        var transitAccounts = await SubLedgers.AccountsAsync(db, AccountRoles.GoodsInTransit, cancellationToken);
        var byWarehouse = await SubLedgers.ByDimensionAsync(db, inventoryAccounts, "warehouse", null, cancellationToken);
        var warehouses = stock.Select(s => s.Warehouse).Union(byWarehouse.Keys.Where(k => k.Length > 0)).Order(StringComparer.Ordinal)
            .Select(w =>
            {
                var value = stock.Where(s => s.Warehouse == w).Sum(s => s.OnHand + s.InTransit);
                var ledger = byWarehouse.GetValueOrDefault(w);
                return new WarehouseValuationDto(w, value, ledger, ledger - value);
            }).ToList();
        if (byWarehouse.TryGetValue("", out var unassigned) && unassigned != 0)
            warehouses.Add(new WarehouseValuationDto("(no warehouse)", 0, unassigned, unassigned));

        var byShipment = await SubLedgers.ByDimensionAsync(db, transitAccounts, "document", null, cancellationToken);
        var moving = await db.Shipments.AsNoTracking().Where(s => s.IssuedValue != null && s.DeliveredAt == null && s.ReturnedValue == null)
            .Select(s => s.ShipmentId).ToListAsync(cancellationToken);
        var candidates = byShipment.Where(b => b.Value != 0).Select(b => b.Key).Union(moving.Select(m => m.ToString())).ToList();
        var shipments = await ShipmentsAsync(db, candidates, cancellationToken);
        var asked = candidates.Where(c => shipments.TryGetValue(c, out var s) && s.DeliveredAt is null).ToList();
        var totals = asked.Count == 0 ? [] : await inventory.SourceTotalsAsync("shipment", asked, cancellationToken);
        var issued = totals.GroupBy(t => t.SourceId).ToDictionary(g => g.Key, g => -g.Sum(t => t.Value), StringComparer.Ordinal);
        var inTransit = candidates.Order(StringComparer.Ordinal).Select(id =>
        {
            shipments.TryGetValue(id, out var shipment);
            var expected = shipment?.DeliveredAt is null ? issued.GetValueOrDefault(id) : 0;
            var ledger = byShipment.GetValueOrDefault(id);
            return new ShipmentValuationDto(Guid.TryParse(id, out var g) ? g : Guid.Empty, shipment?.OrderId, shipment?.Warehouse ?? "", ledger, expected, ledger - expected,
                shipment?.State ?? "Unknown");
        }).ToList();

        return new InventoryValuationReportDto(clock.GetUtcNow(), warehouses, inTransit, warehouses.Sum(w => w.InventoryValue), byWarehouse.Values.Sum(),
            inTransit.Sum(s => s.InventoryIssued), byShipment.Values.Sum(), warehouses.All(w => w.Difference == 0) && inTransit.All(s => s.Difference == 0));
    }

    private static async Task<Dictionary<string, ShipmentRecord>> ShipmentsAsync(FinanceDbContext db, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var guids = ids.Select(i => Guid.TryParse(i, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).ToList();
        var result = new Dictionary<string, ShipmentRecord>(StringComparer.Ordinal);
        foreach (var chunk in guids.Chunk(500))
            foreach (var s in await db.Shipments.AsNoTracking().Where(s => chunk.Contains(s.ShipmentId)).ToListAsync(cancellationToken))
                result[s.ShipmentId.ToString()] = s;
        return result;
    }
}
