using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Logistics.Contracts;
using Tessera.Logistics.Data;
using Tessera.Logistics.Domain;
using Tessera.ServiceDefaults.Api;

namespace Tessera.Logistics.Features;

/// <summary>
/// I3, checked now over the tenant's shipments: no two shipments answer the same (order, request, warehouse); an order
/// has at most one active shipment (not cancelled, not returned to origin) per warehouse; and what an order's active
/// shipments carry never exceeds, per SKU, what its current request asked for.
/// </summary>
public static class Consistency
{
    private const int MaxViolations = 50;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/consistency", Check).WithName("CheckConsistency")
            .WithSummary("Invariant I3 over the tenant's shipments: one shipment per (order, request, warehouse), one active shipment per " +
                         "(order, warehouse), shipped lines within the requested lines.");

    private static async Task<Ok<ConsistencyReportDto>> Check(LogisticsDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var invariants = new List<InvariantResultDto>
        {
            await NoDuplicateAsync(db, cancellationToken),
            await OneActivePerWarehouseAsync(db, cancellationToken),
            await WithinRequestedAsync(db, cancellationToken),
        };
        return TypedResults.Ok(new ConsistencyReportDto("logistics", clock.GetUtcNow(), invariants.All(i => i.Holds), invariants));
    }

    private static async Task<InvariantResultDto> NoDuplicateAsync(LogisticsDbContext db, CancellationToken cancellationToken)
    {
        var total = await db.Shipments.CountAsync(cancellationToken);
        var duplicates = await db.Shipments.AsNoTracking()
            .GroupBy(s => new { s.OrderId, s.OrderNumber, s.RequestId, s.Warehouse })
            .Where(g => g.Count() > 1)
            .Select(g => new { g.Key.OrderNumber, g.Key.RequestId, g.Key.Warehouse, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return Result("I3a", "One shipment per (order, request, warehouse): a redelivered request never creates a second one.", total,
            duplicates.Select(d => new InvariantViolationDto($"order {d.OrderNumber}@{d.Warehouse}", $"{d.Count} shipments answer request {d.RequestId}")).ToList());
    }

    private static async Task<InvariantResultDto> OneActivePerWarehouseAsync(LogisticsDbContext db, CancellationToken cancellationToken)
    {
        var active = db.Shipments.AsNoTracking().Where(s => Shipment.ActiveStatuses.Contains(s.Status));
        var pairs = await active.Select(s => new { s.OrderId, s.Warehouse }).Distinct().CountAsync(cancellationToken);
        var doubled = await active
            .GroupBy(s => new { s.OrderId, s.OrderNumber, s.Warehouse })
            .Where(g => g.Count() > 1)
            .Select(g => new { g.Key.OrderNumber, g.Key.Warehouse, Numbers = g.Select(s => s.Number).ToList() })
            .ToListAsync(cancellationToken);
        return Result("I3b", "At most one active (not cancelled, not returned) shipment per (order, warehouse).", pairs,
            doubled.Select(d => new InvariantViolationDto($"order {d.OrderNumber}@{d.Warehouse}", $"active shipments {string.Join(", ", d.Numbers)}")).ToList());
    }

    private static async Task<InvariantResultDto> WithinRequestedAsync(LogisticsDbContext db, CancellationToken cancellationToken)
    {
        // Summed per (order, SKU) in SQL (exact decimal sums): only the pairs travel, not every line.
        var asked = (await (
                from line in db.RequestLines.AsNoTracking()
                join request in db.Requests.AsNoTracking() on new { line.OrderId, line.RequestId } equals new { request.OrderId, request.RequestId }
                where request.Outcome == RequestOutcome.Accepted
                group line by new { line.OrderId, line.Sku } into g
                select new { g.Key.OrderId, g.Key.Sku, Quantity = g.Sum(l => l.Quantity) })
            .ToListAsync(cancellationToken)).ToDictionary(a => (a.OrderId, a.Sku), a => a.Quantity);
        var carried = await (
                from line in db.ShipmentLines.AsNoTracking()
                join shipment in db.Shipments.AsNoTracking() on line.ShipmentId equals shipment.Id
                where Shipment.ActiveStatuses.Contains(shipment.Status)
                group line by new { shipment.OrderId, shipment.OrderNumber, line.Sku } into g
                select new { g.Key, Quantity = g.Sum(l => l.Quantity) })
            .ToListAsync(cancellationToken);

        var violations = carried
            .Select(c => (c.Key, c.Quantity, Asked: asked.GetValueOrDefault((c.Key.OrderId, c.Key.Sku))))
            .Where(c => c.Quantity > c.Asked)
            .Select(c => new InvariantViolationDto($"order {c.Key.OrderNumber} {c.Key.Sku}",
                $"active shipments carry {Quantities.Text(c.Quantity)}, the current request asks for {Quantities.Text(c.Asked)}"))
            .ToList();
        return Result("I3c", "Per order and SKU, active shipments carry no more than the order's current request asks for.", carried.Count, violations);
    }

    private static InvariantResultDto Result(string id, string description, int checkedCount, IReadOnlyList<InvariantViolationDto> violations) =>
        new(id, description, violations.Count == 0, checkedCount, violations.Count, violations.Take(MaxViolations).ToList());
}
