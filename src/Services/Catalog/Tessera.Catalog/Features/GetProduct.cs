using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Catalog.Contracts;
using Tessera.Catalog.Data;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;

namespace Tessera.Catalog.Features;

public static class GetProduct
{
    public static void Map(RouteGroupBuilder products) =>
        products.MapGet("/{sku}", Handle).WithName("GetProduct").WithSummary("One product by SKU, with its ETag.");

    private static async Task<Results<Ok<ProductDto>, ProblemHttpResult>> Handle(
        string sku, HttpResponse response, CatalogDbContext db, CancellationToken cancellationToken)
    {
        var product = await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Sku == sku, cancellationToken);
        if (product is null)
            return Problems.NotFound("Product", sku);
        ETags.Set(response, product.Version);
        return TypedResults.Ok(product.ToDto());
    }
}
