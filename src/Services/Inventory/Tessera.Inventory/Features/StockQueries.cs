using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;

namespace Tessera.Inventory.Features;

public static class StockQueries
{
    public const int MaxHistoryPage = 500;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/stock", Stock).WithTags("Stock").WithName("GetStock")
            .WithSummary("Stock per (SKU, warehouse), filtered by sku (exact), skuPrefix, warehouse and maxAvailable (low stock, lowest first); " +
                         "paged with page/pageSize, total in X-Total-Count.");
        api.MapGet("/stock/as-of", AsOf).WithTags("Stock").WithName("GetStockAsOf")
            .WithSummary("Stock as it stood at a past moment (at=ISO 8601), from the ledger, for a sku and/or a warehouse; paged.");
        api.MapGet("/movements", Movements).WithTags("Stock").WithName("ListMovements")
            .WithSummary("Ledger movements, newest first, filtered by sku and warehouse.");
        api.MapGet("/movements/history", History).WithTags("Stock").WithName("GetMovementHistory")
            .WithSummary("Movement history with the running balance after each movement, newest first, keyset-paged: pass the answer's next as " +
                         "before= for the following page. Filtered by sku and warehouse; limit up to 500.");
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

        response.Headers["X-Total-Count"] = (await query.CountAsync(cancellationToken)).ToString(CultureInfo.InvariantCulture);
        var ordered = maxAvailable is null
            ? query.OrderBy(s => s.Sku).ThenBy(s => s.Warehouse)
            : query.OrderBy(s => s.OnHand - s.Reserved).ThenBy(s => s.Sku).ThenBy(s => s.Warehouse);
        var rows = await ordered.Skip(paging.Skip).Take(paging.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(ToDto).ToList());
    }

    public static StockDto ToDto(StockLevel s) =>
        new(s.Sku, s.Warehouse, s.OnHand, s.Reserved, s.Available, s.AverageCost, s.Value, s.InTransit, s.ReorderPoint);

    /// <summary>
    /// The balance of each (SKU, warehouse) after its last movement at or before <c>at</c>: the running balance the
    /// ledger wrote with that movement, found through the (tenant, sku, warehouse, occurred_at) index — one seek per row.
    /// </summary>
    private static async Task<Results<Ok<List<StockAsOfDto>>, ValidationProblem>> AsOf(
        string? at, string? sku, string? warehouse, int? page, int? pageSize, HttpResponse response, InventoryDbContext db, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (!DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment))
            return Problems.Validation("at", "at must be a date and time (ISO 8601, e.g. 2026-11-20T08:00:00Z).");
        if (string.IsNullOrWhiteSpace(sku) && string.IsNullOrWhiteSpace(warehouse))
            return Problems.Validation("sku", "Name a sku, a warehouse, or both.");
        if (!PageRequest.TryCreate(page, pageSize ?? PageRequest.MaxPageSize, out var paging, out var problem))
            return problem!;
        var query = db.Stock.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(sku))
            query = query.Where(s => s.Sku == sku);
        if (!string.IsNullOrWhiteSpace(warehouse))
        {
            var code = Warehouses.Normalize(warehouse);
            query = query.Where(s => s.Warehouse == code);
        }
        response.Headers["X-Total-Count"] = (await query.CountAsync(cancellationToken)).ToString(CultureInfo.InvariantCulture);
        // A scalar subquery per row (one index seek each); a whole-row FirstOrDefault would become a window over the entire ledger.
        var rows = await query.OrderBy(s => s.Sku).ThenBy(s => s.Warehouse).Skip(paging.Skip).Take(paging.PageSize)
            .Select(s => new
            {
                s.Sku,
                s.Warehouse,
                LastId = db.Movements
                    .Where(m => m.Sku == s.Sku && m.Warehouse == s.Warehouse && m.OccurredAt <= moment)
                    .OrderByDescending(m => m.OccurredAt).ThenByDescending(m => m.Id)
                    .Select(m => (long?)m.Id)
                    .FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        var ids = rows.Where(r => r.LastId is not null).Select(r => r.LastId!.Value).ToList();
        var last = await db.Movements.AsNoTracking().Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, cancellationToken);
        return TypedResults.Ok(rows.Select(r => r.LastId is long id && last.TryGetValue(id, out var m)
            ? new StockAsOfDto(r.Sku, r.Warehouse, moment, m.BalanceQuantity, m.BalanceValue, Average(m.BalanceQuantity, m.BalanceValue), m.Id, m.OccurredAt)
            : new StockAsOfDto(r.Sku, r.Warehouse, moment, 0, 0, 0, null, null)).ToList());
    }

    private static decimal Average(decimal quantity, decimal value) => quantity > 0 ? MovingAverage.Cost(value / quantity) : 0;

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

    /// <summary>
    /// A page of history costs one index seek and <c>limit</c> rows, however long the ledger: keyset on the movement id
    /// (ids grow with every write, and writes of one stock row are serialized), balances read from the rows themselves.
    /// </summary>
    private static async Task<Results<Ok<MovementHistoryPageDto>, ValidationProblem>> History(
        string? sku, string? warehouse, string? before, int? limit, InventoryDbContext db, CancellationToken cancellationToken)
    {
        var size = limit ?? PageRequest.DefaultPageSize;
        if (size is < 1 or > MaxHistoryPage)
            return Problems.Validation("limit", $"limit must be between 1 and {MaxHistoryPage}.");
        long? cursor = null;
        if (!string.IsNullOrWhiteSpace(before))
        {
            if (!long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                return Problems.Validation("before", "before must be the next cursor of a previous page.");
            cursor = id;
        }
        var query = db.Movements.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(sku))
            query = query.Where(m => m.Sku == sku);
        if (!string.IsNullOrWhiteSpace(warehouse))
        {
            var code = Warehouses.Normalize(warehouse);
            query = query.Where(m => m.Warehouse == code);
        }
        if (cursor is long last)
            query = query.Where(m => m.Id < last);
        var rows = await query.OrderByDescending(m => m.Id).Take(size + 1).ToListAsync(cancellationToken);
        var items = rows.Take(size).Select(ToHistory).ToList();
        var next = rows.Count > size ? items[^1].Id.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new MovementHistoryPageDto(items, next));
    }

    public static MovementHistoryDto ToHistory(Movement m) => new(
        m.Id, m.Sku, m.Warehouse, m.Bin, Movement.TypeName(m.Type), m.Quantity, m.UnitCost, m.Value,
        m.BalanceQuantity, m.BalanceValue, Average(m.BalanceQuantity, m.BalanceValue),
        m.SourceType, m.SourceId, m.OrderId, m.Reason, m.Actor, m.OccurredAt);

    private static async Task<Ok<List<ReservationDto>>> Reservations(Guid? orderId, string? sku, InventoryDbContext db, CancellationToken cancellationToken)
    {
        var query = db.Reservations.AsNoTracking();
        if (orderId is Guid order)
            query = query.Where(r => r.OrderId == order);
        if (!string.IsNullOrWhiteSpace(sku))
            query = query.Where(r => r.Sku == sku);
        var rows = await query.OrderBy(r => r.CreatedAt).Take(PageRequest.MaxPageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(r => new ReservationDto(r.Id, r.OrderId, r.Sku, r.Warehouse, r.Quantity, r.Status.ToString(),
            r.CreatedAt, r.ReleasedAt, r.ExpiresAt)).ToList());
    }
}
