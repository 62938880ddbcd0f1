using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.Inventory.Ledger;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Inventory.Features;

/// <summary>
/// Reorder points per (SKU, warehouse). StockBelowReorderPoint is published when available stock crosses from at or
/// above the point to below it — by a movement, a reservation, or a new point that the stock is already under — and
/// not again until available has come back to the point.
/// </summary>
public static class ReorderPoints
{
    public sealed record Request(string Sku, string Warehouse, decimal? ReorderPoint, decimal? ReorderQuantity);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Sku).NotEmpty().MaximumLength(64);
            RuleFor(r => r.Warehouse).NotEmpty();
            RuleFor(r => r.ReorderPoint).NotNull().GreaterThanOrEqualTo(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
            RuleFor(r => r.ReorderQuantity).NotNull().GreaterThan(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
        }
    }

    public static void Map(RouteGroupBuilder points)
    {
        points.MapPut("/", Put)
            .Validate<Request>()
            .RequireRoles(Roles.Warehouse, Roles.Purchasing)
            .WithName("PutReorderPoint")
            .WithSummary("Set the reorder point and reorder quantity of a SKU in a warehouse.");
        points.MapDelete("/", Delete)
            .RequireRoles(Roles.Warehouse, Roles.Purchasing)
            .WithName("DeleteReorderPoint")
            .WithSummary("Remove the reorder point of a SKU in a warehouse (?sku=&warehouse=).");
        points.MapGet("/", List).WithName("ListReorderPoints")
            .WithSummary("Reorder points, filtered by warehouse, sku and below=true (only those under their point); paged, total in X-Total-Count.");
    }

    private static async Task<IResult> Put(Request request, InventoryDbContext db, CatalogLookup catalog, StockLedger ledger, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var warehouse = Warehouses.Normalize(request.Warehouse);
        if (!await Checks.WarehouseExistsAsync(db, warehouse, cancellationToken))
            return Problems.Validation("warehouse", Checks.NoWarehouse(warehouse));
        var unknown = await Checks.UnknownSkusAsync(catalog, [("sku", request.Sku)], cancellationToken);
        if (unknown.Count > 0)
            return Problems.Validation(unknown);

        var (point, quantity, now) = (request.ReorderPoint!.Value, request.ReorderQuantity!.Value, clock.GetUtcNow());
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var row = await db.Stock.AsNoTracking().FirstOrDefaultAsync(s => s.Sku == request.Sku && s.Warehouse == warehouse, cancellationToken);
        if (row is null)
        {
            row = StockLevel.Empty(request.Sku, warehouse, now);
            db.Stock.Add(row);
        }
        var version = row.Version;
        (row.ReorderPoint, row.ReorderQuantity, row.UpdatedAt) = (point, quantity, now);
        var crossed = StockLedger.WatchReorderPoint(row);
        if (row.Id != 0)
        {
            var below = row.BelowReorderPoint;
            var written = await db.Stock.Where(s => s.Id == row.Id && s.Version == version)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(s => s.ReorderPoint, point)
                    .SetProperty(s => s.ReorderQuantity, quantity)
                    .SetProperty(s => s.BelowReorderPoint, below)
                    .SetProperty(s => s.Version, version + 1)
                    .SetProperty(s => s.UpdatedAt, now), cancellationToken);
            if (written != 1)
                throw new DbUpdateConcurrencyException($"Stock of {row.Sku} in {warehouse} changed while its reorder point was set.");
        }
        if (crossed)
            ledger.PublishBelowReorderPoint(row, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(ToDto(row));
    }

    private static async Task<IResult> Delete(string? sku, string? warehouse, InventoryDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(sku) || string.IsNullOrWhiteSpace(warehouse))
            return Problems.Validation(new Dictionary<string, string[]>
            {
                [string.IsNullOrWhiteSpace(sku) ? "sku" : "warehouse"] = ["Name the SKU and the warehouse whose reorder point to remove."],
            });
        var code = Warehouses.Normalize(warehouse);
        var now = clock.GetUtcNow();
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var removed = await db.Stock.Where(s => s.Sku == sku && s.Warehouse == code && s.ReorderPoint != null)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.ReorderPoint, (decimal?)null)
                .SetProperty(s => s.ReorderQuantity, (decimal?)null)
                .SetProperty(s => s.BelowReorderPoint, false)
                .SetProperty(s => s.Version, s => s.Version + 1)
                .SetProperty(s => s.UpdatedAt, now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return removed == 0 ? Problems.NotFound("Reorder point", $"{sku}@{code}") : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<List<ReorderPointDto>>, ValidationProblem>> List(
        string? warehouse, string? sku, bool? below, int? page, int? pageSize, HttpResponse response, InventoryDbContext db, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var query = db.Stock.AsNoTracking().Where(s => s.ReorderPoint != null);
        if (!string.IsNullOrWhiteSpace(warehouse))
        {
            var code = Warehouses.Normalize(warehouse);
            query = query.Where(s => s.Warehouse == code);
        }
        if (!string.IsNullOrWhiteSpace(sku))
            query = query.Where(s => s.Sku == sku);
        if (below == true)
            query = query.Where(s => s.BelowReorderPoint);
        response.Headers["X-Total-Count"] = (await query.CountAsync(cancellationToken)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var rows = await query.OrderBy(s => s.Sku).ThenBy(s => s.Warehouse).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(ToDto).ToList());
    }

    private static ReorderPointDto ToDto(StockLevel s) =>
        new(s.Sku, s.Warehouse, s.ReorderPoint ?? 0, s.ReorderQuantity ?? 0, s.OnHand, s.Available, s.InTransit, s.BelowReorderPoint);
}
