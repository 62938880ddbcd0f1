using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Data;

namespace Tessera.Inventory.Features;

/// <summary>The checks of a stock document's lines against what exists, each naming the field as the client wrote it.</summary>
public static class Checks
{
    public static Task<bool> WarehouseExistsAsync(InventoryDbContext db, string code, CancellationToken cancellationToken) =>
        db.Warehouses.AnyAsync(w => w.Code == code, cancellationToken);

    public static string NoWarehouse(string code) => $"No warehouse '{code}' exists. Create it first with POST /api/inventory/warehouses.";

    /// <summary>Bins named by lines (path → bin code) that the warehouse does not have.</summary>
    public static async Task<Dictionary<string, string[]>> UnknownBinsAsync(InventoryDbContext db, string warehouse,
        IEnumerable<(string Path, string? Bin)> lines, CancellationToken cancellationToken)
    {
        var named = lines.Where(l => l.Bin is not null).ToList();
        if (named.Count == 0)
            return [];
        var codes = named.Select(l => l.Bin!).Distinct().ToList();
        var existing = await db.Bins.Where(b => b.Warehouse == warehouse && codes.Contains(b.Code)).Select(b => b.Code).ToListAsync(cancellationToken);
        return named.Where(l => !existing.Contains(l.Bin!))
            .ToDictionary(l => l.Path, l => new[] { $"Warehouse {warehouse} has no bin '{l.Bin}'." });
    }

    /// <summary>SKUs (path → SKU) the catalog does not know; asked in one batch call, before any write transaction opens.</summary>
    public static async Task<Dictionary<string, string[]>> UnknownSkusAsync(CatalogLookup catalog, IEnumerable<(string Path, string Sku)> lines,
        CancellationToken cancellationToken)
    {
        var all = lines.ToList();
        var known = await catalog.ExistingSkusAsync(all.Select(l => l.Sku).ToList(), cancellationToken);
        return all.Where(l => !known.Contains(l.Sku))
            .ToDictionary(l => l.Path, l => new[] { $"Unknown SKU '{l.Sku}'. Add it to the catalog first." });
    }

    /// <summary>Bin codes are stored upper-case like warehouse codes.</summary>
    /// <summary>The bins named by a document's lines, each with its field path ("lines[2].bin"), normalized.</summary>
    public static IEnumerable<(string Path, string? Bin)> LineBins(IEnumerable<string?> bins) =>
        bins.Select((bin, i) => ($"lines[{i}].bin", NormalizeBin(bin)));

    public static string? NormalizeBin(string? bin) => string.IsNullOrWhiteSpace(bin) ? null : bin.Trim().ToUpperInvariant();

    /// <summary>Short lines of a posting as field errors: "lines[2].quantity": "Only 3 available in HCM."</summary>
    public static Dictionary<string, string[]> ShortageErrors(Ledger.Posting posting, string warehouse, IReadOnlyList<int>? indexMap = null) =>
        posting.Shortages.ToDictionary(
            s => $"lines[{(indexMap is null ? s.Index : indexMap[s.Index])}].quantity",
            s => new[]
            {
                s.Bin is null
                    ? string.Create(CultureInfo.InvariantCulture, $"Only {s.Available:0.####} of {s.Sku} available in {warehouse} (asked {s.Requested:0.####}); negative stock is not allowed.")
                    : string.Create(CultureInfo.InvariantCulture, $"Only {s.Available:0.####} of {s.Sku} available in bin {s.Bin} of {warehouse} (asked {s.Requested:0.####})."),
            });
}
