namespace Tessera.Inventory.Domain;

public sealed record Demand(string Sku, decimal Quantity);

public sealed record Availability(string Sku, string Warehouse, decimal Available);

public sealed record Allocation(string Sku, string Warehouse, decimal Quantity);

public sealed record Shortage(string Sku, decimal Requested, decimal Available);

public sealed record AllocationPlan(IReadOnlyList<Allocation> Allocations, IReadOnlyList<Shortage> Shortages)
{
    public bool IsComplete => Shortages.Count == 0;
}

/// <summary>
/// Decides where an order's lines are reserved. All or nothing: if any line lacks stock, nothing is reserved and every
/// short line is named. Otherwise one warehouse that can serve the whole order is preferred (one shipment); failing
/// that each line takes from the warehouses with the most available, splitting when it must.
/// </summary>
public static class AllocationPlanner
{
    public static AllocationPlan Plan(IReadOnlyList<Demand> demand, IReadOnlyList<Availability> stock, string? preferredWarehouse = null)
    {
        var lines = demand.GroupBy(d => d.Sku).Select(g => new Demand(g.Key, g.Sum(d => d.Quantity))).ToList();
        var available = stock.Where(s => s.Available > 0).ToList();

        var shortages = lines
            .Select(line => new Shortage(line.Sku, line.Quantity, available.Where(s => s.Sku == line.Sku).Sum(s => s.Available)))
            .Where(s => s.Available < s.Requested)
            .ToList();
        if (shortages.Count > 0)
            return new AllocationPlan([], shortages);

        var single = available.Select(s => s.Warehouse).Distinct()
            .Where(w => lines.All(line => available.Any(s => s.Warehouse == w && s.Sku == line.Sku && s.Available >= line.Quantity)))
            .OrderBy(w => w == preferredWarehouse ? 0 : 1)
            .ThenBy(w => w, StringComparer.Ordinal)
            .FirstOrDefault();
        if (single is not null)
            return new AllocationPlan(lines.Select(line => new Allocation(line.Sku, single, line.Quantity)).ToList(), []);

        var allocations = new List<Allocation>();
        foreach (var line in lines)
        {
            var remaining = line.Quantity;
            foreach (var source in available.Where(s => s.Sku == line.Sku)
                         .OrderBy(s => s.Warehouse == preferredWarehouse ? 0 : 1)
                         .ThenByDescending(s => s.Available)
                         .ThenBy(s => s.Warehouse, StringComparer.Ordinal))
            {
                if (remaining == 0)
                    break;
                var take = Math.Min(remaining, source.Available);
                allocations.Add(new Allocation(line.Sku, source.Warehouse, take));
                remaining -= take;
            }
        }
        return new AllocationPlan(allocations, []);
    }
}
