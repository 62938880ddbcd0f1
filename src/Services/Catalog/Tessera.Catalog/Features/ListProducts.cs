using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Catalog.Contracts;
using Tessera.Catalog.Data;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;

namespace Tessera.Catalog.Features;

public static class ListProducts
{
    /// <summary>Callers composing pages ask for up to this many products in one batch call.</summary>
    public const int MaxBatch = 1000;

    public static void Map(RouteGroupBuilder products) =>
        products.MapGet("/", Handle)
            .WithName("ListProducts")
            .WithSummary("Products by SKUs (skus=A,B) or ids (ids=…) in one batch call, or a page filtered by search and category.");

    public static void MapCategories(RouteGroupBuilder catalog) =>
        catalog.MapGet("/categories", async (CatalogDbContext db, CancellationToken cancellationToken) =>
                TypedResults.Ok(await db.Products.AsNoTracking().Select(p => p.Category).Distinct().OrderBy(c => c).ToListAsync(cancellationToken)))
            .WithTags("Products")
            .WithName("ListCategories")
            .WithSummary("The categories in use, in order.");

    private static async Task<Results<Ok<PagedResult<ProductDto>>, ValidationProblem>> Handle(
        string? skus, string? ids, string? search, string? category, int? page, int? pageSize,
        CatalogDbContext db, CancellationToken cancellationToken)
    {
        var query = db.Products.AsNoTracking();
        if (skus is not null || ids is not null)
        {
            var skuList = Split(skus);
            var idList = new List<Guid>();
            foreach (var id in Split(ids))
            {
                if (!Guid.TryParse(id, out var parsed))
                    return Problems.Validation("ids", $"'{id}' is not a product id.");
                idList.Add(parsed);
            }
            if (skuList.Count + idList.Count > MaxBatch)
                return Problems.Validation(skus is not null ? "skus" : "ids", $"Ask for at most {MaxBatch} products per call.");

            var found = await query.Where(p => skuList.Contains(p.Sku) || idList.Contains(p.Id)).OrderBy(p => p.Sku).ToListAsync(cancellationToken);
            return TypedResults.Ok(new PagedResult<ProductDto>(found.Select(p => p.ToDto()).ToList(), 1, Math.Max(found.Count, 1), found.Count));
        }

        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        if (!string.IsNullOrWhiteSpace(category))
            query = query.Where(p => p.Category == category);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            // SQLite's LIKE ignores the case of ASCII letters; PostgreSQL's ILIKE ignores it for every letter.
            query = db.IsPostgres
                ? query.Where(p => EF.Functions.ILike(p.Sku, $"%{term}%") || EF.Functions.ILike(p.Name, $"%{term}%"))
                : query.Where(p => EF.Functions.Like(p.Sku, $"%{term}%") || EF.Functions.Like(p.Name, $"%{term}%"));
        }

        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderBy(p => p.Sku).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<ProductDto>(items.Select(p => p.ToDto()).ToList(), paging.Page, paging.PageSize, total));
    }

    private static List<string> Split(string? values) =>
        (values ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
}
