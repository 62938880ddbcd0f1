using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.ServiceDefaults.Api;

namespace Tessera.Inventory.Features;

public static class StockQueries
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/stock", Stock).WithTags("Stock").WithName("GetStock")
            .WithSummary("Stock per (SKU, warehouse), filtered by sku (exact), skuPrefix, warehouse and maxAvailable (low stock, lowest first); " +
                         "paged with page/pageSize, total in X-Total-Count.");
        api.MapGet("/movements", Movements).WithTags("Stock").WithName("ListMovements")
            .WithSummary("Ledger movements, newest first, filtered by sku and warehouse.");
        api.MapGet("/reservations", Reservations).WithTags("Stock").WithName("ListReservations")
            .WithSummary("Reservations of an order (orderId) or of a SKU.");
    }

    private static async Task<Results<Ok<List<StockDto>>, ValidationProblem>> Stock(
        string? sku, string? skuPrefix, string? warehouse, decimal? maxAvailable, int? page, int? pageSize,
        HttpResponse response, InventoryDbContext db, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize ?? PageRequest.MaxPageSize, out var paging, out var problem))
            return problem!;
        var query = db.Stock.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(sku))
            query = query.Where(s => s.Sku == sku);
        if (!string.IsNullOrWhiteSpace(skuPrefix))
        {
            // A range on the (tenant, sku) index rather than LIKE, which SQLite cannot always serve from an index.
            var (low, high) = (skuPrefix.Trim(), skuPrefix.Trim() + "￿");
            query = query.Where(s => string.Compare(s.Sku, low) >= 0 && string.Compare(s.Sku, high) < 0);
        }
        if (!string.IsNullOrWhiteSpace(warehouse))
        {
            var code = Warehouses.Normalize(warehouse);
            query = query.Where(s => s.Warehouse == code);
        }
        if (maxAvailable is decimal threshold)
            query = query.Where(s => s.OnHand - s.Reserved <= threshold);

        response.Headers["X-Total-Count"] = (await query.CountAsync(cancellationToken)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var ordered = maxAvailable is null
            ? query.OrderBy(s => s.Sku).ThenBy(s => s.Warehouse)
            : query.OrderBy(s => s.OnHand - s.Reserved).ThenBy(s => s.Sku).ThenBy(s => s.Warehouse);
        var rows = await ordered.Skip(paging.Skip).Take(paging.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(s => new StockDto(s.Sku, s.Warehouse, s.OnHand, s.Reserved, s.Available, s.AverageCost, s.Value)).ToList());
    }

    private static async Task<Results<Ok<PagedResult<MovementDto>>, ValidationProblem>> Movements(
        string? sku, string? warehouse, int? page, int? pageSize, InventoryDbContext db, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var query = db.Movements.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(sku))
            query = query.Where(m => m.Sku == sku);
        if (!string.IsNullOrWhiteSpace(warehouse))
        {
            var code = Warehouses.Normalize(warehouse);
            query = query.Where(m => m.Warehouse == code);
        }
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(m => m.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(cancellationToken);
        var items = rows.Select(m => new MovementDto(m.Id, m.Sku, m.Warehouse, Movement.TypeName(m.Type), m.Quantity, m.UnitCost, m.Value,
            m.SourceType, m.SourceId, m.OccurredAt)).ToList();
        return TypedResults.Ok(new PagedResult<MovementDto>(items, paging.Page, paging.PageSize, total));
    }

    private static async Task<Ok<List<ReservationDto>>> Reservations(Guid? orderId, string? sku, InventoryDbContext db, CancellationToken cancellationToken)
    {
        var query = db.Reservations.AsNoTracking();
        if (orderId is Guid order)
            query = query.Where(r => r.OrderId == order);
        if (!string.IsNullOrWhiteSpace(sku))
            query = query.Where(r => r.Sku == sku);
        var rows = await query.OrderBy(r => r.CreatedAt).Take(PageRequest.MaxPageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(r => new ReservationDto(r.Id, r.OrderId, r.Sku, r.Warehouse, r.Quantity, r.Status.ToString(),
            r.CreatedAt, r.ReleasedAt)).ToList());
    }
}
