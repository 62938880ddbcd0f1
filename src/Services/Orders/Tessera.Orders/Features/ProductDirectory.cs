using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Catalog.Contracts;
using Tessera.Orders.Data;
using Tessera.Orders.Domain;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Orders.Features;

/// <summary>Fetches products from the catalog in batches of SKUs.</summary>
public sealed class CatalogProducts(HttpClient http)
{
    private const int Batch = 200;

    public async Task<List<ProductDto>> BySkusAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        var products = new List<ProductDto>();
        foreach (var chunk in skus.Chunk(Batch))
        {
            var page = await http.GetFromJsonAsync<PagedResult<ProductDto>>(
                "/api/catalog/products?skus=" + string.Join(',', chunk.Select(Uri.EscapeDataString)), TesseraJson.Options, cancellationToken);
            products.AddRange(page?.Items ?? []);
        }
        return products;
    }
}

/// <summary>
/// Which products exist, from the local copy kept from catalog events; SKUs the copy has not heard of yet (a product
/// created a moment ago) are asked of the catalog in one batch call and remembered.
/// </summary>
public sealed class ProductDirectory(OrdersDbContext db, CatalogProducts catalog, TimeProvider clock)
{
    private readonly List<ProductDto> _fetched = [];

    /// <summary>Known products by SKU. Call before the write transaction: it may call the catalog.</summary>
    public async Task<Dictionary<string, KnownProduct>> FindAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        var distinct = skus.Distinct().ToList();
        var known = await db.KnownProducts.AsNoTracking().Where(p => distinct.Contains(p.Sku)).ToDictionaryAsync(p => p.Sku, cancellationToken);
        var missing = distinct.Where(s => !known.ContainsKey(s)).ToList();
        if (missing.Count == 0)
            return known;

        var fetched = await catalog.BySkusAsync(missing, cancellationToken);
        _fetched.AddRange(fetched);
        foreach (var product in fetched)
            known[product.Sku] = new KnownProduct { Sku = product.Sku, Name = product.Name, Unit = product.Unit, Version = product.Version };
        return known;
    }

    /// <summary>Stores what <see cref="FindAsync"/> fetched from the catalog; call inside the write transaction.</summary>
    public async Task RememberFetchedAsync(CancellationToken cancellationToken)
    {
        foreach (var product in _fetched)
            await RememberAsync(db, product.Sku, product.Name, product.Unit, product.Version, clock.GetUtcNow(), cancellationToken);
        _fetched.Clear();
    }

    /// <summary>Inserts or updates the local copy of a product, unless it already holds a newer version.</summary>
    public static async Task RememberAsync(OrdersDbContext db, string sku, string name, string unit, long version, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // Two placements that both fetched a new product from the catalog would both insert it on PostgreSQL; the
        // second waits here and updates instead (docs/adr/0024).
        await db.LockAsync($"known-product:{db.CurrentTenantId}:{sku}", cancellationToken);
        var existing = await db.KnownProducts.FirstOrDefaultAsync(p => p.Sku == sku, cancellationToken);
        if (existing is null)
            db.KnownProducts.Add(new KnownProduct { Sku = sku, Name = name, Unit = unit, Version = version, UpdatedAt = now });
        else if (version > existing.Version)
            (existing.Name, existing.Unit, existing.Version, existing.UpdatedAt) = (name, unit, version, now);
    }
}
