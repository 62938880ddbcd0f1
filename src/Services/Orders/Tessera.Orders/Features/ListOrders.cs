using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;

namespace Tessera.Orders.Features;

public static class ListOrders
{
    public static void Map(RouteGroupBuilder orders) =>
        orders.MapGet("/", Handle).WithName("ListOrders")
            .WithSummary("Orders, newest number first, filtered by status, channel, placed-at range (from inclusive, to exclusive) " +
                         "and search (an order number or an external reference).");

    private static async Task<Results<Ok<PagedResult<OrderSummaryDto>>, ValidationProblem>> Handle(
        string? status, string? channel, DateTimeOffset? from, DateTimeOffset? to, string? search, int? page, int? pageSize,
        OrdersDbContext db, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var query = db.Orders.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<OrderStatus>(status, ignoreCase: true, out var parsed))
                return Problems.Validation("status", $"status is one of {string.Join(", ", Enum.GetNames<OrderStatus>())}.");
            query = query.Where(o => o.Status == parsed);
        }
        if (!string.IsNullOrWhiteSpace(channel))
            query = query.Where(o => o.Channel == channel);
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

        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(o => o.Number).Skip(paging.Skip).Take(paging.PageSize)
            .Select(o => new OrderSummaryDto(o.Id, o.Number, o.Status, o.Channel, o.ExternalRef, o.Currency, o.Total, o.Lines.Count, o.PlacedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<OrderSummaryDto>(items, paging.Page, paging.PageSize, total));
    }
}
