using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Archive;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.Orders.Fulfilment;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Orders.Features;

public static class GetOrder
{
    public static void Map(RouteGroupBuilder orders) =>
        orders.MapGet("/{id:guid}", Handle).WithName("GetOrder").WithSummary("An order with its lines, status history, timeline and fulfilment (state, shipments, allocation, compensations, alerts, returns), with its ETag.");

    private static async Task<Results<Ok<OrderDto>, ProblemHttpResult>> Handle(
        Guid id, HttpResponse response, OrdersDbContext db, OrderArchive archive, ITenantContext tenant, OrderPrivacy privacy, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().AsSplitQuery()
            .Include(o => o.Lines).Include(o => o.History).Include(o => o.Timeline).WithFulfilment()
            .FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (order is not null)
        {
            ETags.Set(response, order.Version);
            return TypedResults.Ok(order.ToDto(privacy));
        }
        // Closed orders live on in the archive, read-only.
        var archived = await archive.FindAsync(id, cancellationToken);
        return archived is not null && archived.TenantId == tenant.TenantId
            ? TypedResults.Ok(archived.ToDto(privacy, archived: true))
            : Problems.NotFound("Order", id.ToString());
    }
}
