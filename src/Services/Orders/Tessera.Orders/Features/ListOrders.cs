using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Orders.Features;

public static class ListOrders
{
    public static void Map(RouteGroupBuilder orders) =>
        orders.MapGet("/", Handle).WithName("ListOrders")
            .WithSummary("Orders, newest number first, filtered by status, channel, placed-at range (from inclusive, to exclusive) " +
                         "and search (an order number or an external reference).");

    private static async Task<Results<Ok<PagedResult<OrderSummaryDto>>, ValidationProblem>> Handle(
        string? status, string? channel, DateTimeOffset? from, DateTimeOffset? to, string? search, int? page, int? pageSize,
        OrdersDbContext db, ITenantContext tenant, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var query = db.Orders.AsNoTracking();
        OrderStatus? byStatus = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<OrderStatus>(status, ignoreCase: true, out var parsed))
                return Problems.Validation("status", $"status is one of {string.Join(", ", Enum.GetNames<OrderStatus>())}.");
            byStatus = parsed;
            query = query.Where(o => o.Status == parsed);
        }
        var byChannel = string.IsNullOrWhiteSpace(channel) ? null : channel;
        if (byChannel is not null)
            query = query.Where(o => o.Channel == byChannel);
        if (from is not null)
            query = query.Where(o => o.PlacedAt >= from.Value);
        if (to is not null)
            query = query.Where(o => o.PlacedAt < to.Value);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().TrimStart('#');
            query = long.TryParse(term, out var number)
                ? query.Where(o => o.Number == number || o.ExternalRef == term)
                : query.Where(o => o.ExternalRef == term);
        }

        // Counting a million orders takes longer than the whole page: by status and channel the total is kept (0007).
        var total = from is null && to is null && string.IsNullOrWhiteSpace(search)
            ? await CountedAsync(db, tenant.TenantId!, byStatus, byChannel, cancellationToken)
            : await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(o => o.Number).Skip(paging.Skip).Take(paging.PageSize)
            .Select(o => new OrderSummaryDto(o.Id, o.Number, o.Status, o.Channel, o.ExternalRef, o.Currency, o.Total, o.Lines.Count, o.PlacedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<OrderSummaryDto>(items, paging.Page, paging.PageSize, total));
    }

    private static async Task<int> CountedAsync(OrdersDbContext db, string tenant, OrderStatus? status, string? channel, CancellationToken cancellationToken)
    {
        var counted = await db.Database
            .SqlQuery<long>($"""
                SELECT CAST(coalesce(sum(orders), 0) AS bigint) AS "Value" FROM order_counts
                WHERE tenant_id = {tenant} AND (CAST({status?.ToString()} AS text) IS NULL OR status = {status?.ToString()})
                  AND (CAST({channel} AS text) IS NULL OR channel = {channel})
                """)
            .SingleAsync(cancellationToken);
        return (int)counted;
    }
}
