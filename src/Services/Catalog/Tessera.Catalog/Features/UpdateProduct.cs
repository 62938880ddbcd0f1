using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Catalog.Contracts;
using Tessera.Catalog.Data;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Catalog.Features;

public static class UpdateProduct
{
    public sealed record Request(string Name, string Category, string Unit, decimal? Price, string Currency) : IProductFields;

    public sealed class Validator : ProductFieldsValidator<Request>;

    public static void Map(RouteGroupBuilder products) =>
        products.MapPut("/{sku}", Handle)
            .Validate<Request>()
            .RequireRoles(Roles.Purchasing)
            .WithName("UpdateProduct")
            .WithSummary("Change a product's name, category, unit or price. Send If-Match with the ETag you read to avoid overwriting another change.");

    private static async Task<Results<Ok<ProductDto>, ProblemHttpResult>> Handle(
        string sku, Request request, HttpContext http, CatalogDbContext db, IOutbox outbox, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var product = await db.Products.FirstOrDefaultAsync(p => p.Sku == sku, cancellationToken);
        if (product is null)
            return Problems.NotFound("Product", sku);
        if (!ETags.Matches(http.Request, product.Version))
            return Problems.PreconditionFailed($"Product '{sku}' is at version {product.Version}, not the one in If-Match. Reload it and apply your change again.");

        var (name, category, unit) = (request.Name.Trim(), request.Category.Trim(), request.Unit.Trim());
        var changed = product.Name != name || product.Category != category || product.Unit != unit ||
                      product.Price != request.Price!.Value || product.Currency != request.Currency;
        if (changed)
        {
            (product.Name, product.Category, product.Unit, product.Price, product.Currency) = (name, category, unit, request.Price!.Value, request.Currency);
            product.UpdatedAt = clock.GetUtcNow();
            // Saving first bumps the version, so that the event carries the version consumers will compare.
            await db.SaveChangesAsync(cancellationToken);
            outbox.Publish(product.Changed(), product.Sku);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        ETags.Set(http.Response, product.Version);
        return TypedResults.Ok(product.ToDto());
    }
}
