using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tessera.Catalog.Contracts;
using Tessera.Catalog.Data;
using Tessera.Catalog.Domain;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Idempotency;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Catalog.Features;

public static class CreateProduct
{
    public sealed record Request(string Sku, string Name, string Category, string Unit, decimal? Price, string Currency) : IProductFields;

    public sealed class Validator : ProductFieldsValidator<Request>
    {
        public Validator() => RuleFor(r => r.Sku).ValidSku();
    }

    public static void Map(RouteGroupBuilder products) =>
        products.MapPost("/", Handle)
            .Validate<Request>()
            .RequireRoles(Roles.Purchasing)
            .WithName("CreateProduct")
            .WithSummary("Add a product to the catalog. Accepts an Idempotency-Key.")
            .Produces<ProductDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict);

    private static Task<IResult> Handle(
        Request request,
        [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey,
        CatalogDbContext db,
        IOutbox outbox,
        IdempotentRequests idempotency,
        TimeProvider clock,
        CancellationToken cancellationToken) =>
        idempotency.ExecuteAsync(db, "catalog.create-product", idempotencyKey, request, async ct =>
        {
            if (await db.Products.AnyAsync(p => p.Sku == request.Sku, ct))
                return IdempotentOutcome.Refused(Problems.Conflict("SKU already exists",
                    $"A product with SKU '{request.Sku}' already exists. Update it with PUT /api/catalog/products/{request.Sku}.",
                    new Dictionary<string, object?> { ["sku"] = request.Sku }));

            var now = clock.GetUtcNow();
            var product = new Product
            {
                Id = Guid.CreateVersion7(),
                Sku = request.Sku,
                Name = request.Name.Trim(),
                Category = request.Category.Trim(),
                Unit = request.Unit.Trim(),
                Price = request.Price!.Value,
                Currency = request.Currency,
                Version = 1,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Products.Add(product);
            outbox.Publish(product.Created(), product.Sku);
            return IdempotentOutcome.Created($"/api/catalog/products/{product.Sku}", product.ToDto());
        }, cancellationToken);
}
