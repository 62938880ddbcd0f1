using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Logistics.Contracts;
using Tessera.Logistics.Data;
using Tessera.Logistics.Domain;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;

namespace Tessera.Logistics.Features;

public static class ShipmentQueries
{
    public static void Map(RouteGroupBuilder shipments)
    {
        shipments.MapGet("/", List).WithName("ListShipments")
            .WithSummary("Shipments, newest first, filtered by order, status, warehouse, carrier, created-at range (from inclusive, to exclusive) " +
                         "and search (a shipment number or a waybill number).");
        shipments.MapGet("/{id:guid}", Get).WithName("GetShipment")
            .WithSummary("A shipment with its lines, packages, status history, tracking history and the carrier's tracking page, with its ETag.");
    }

    private static async Task<Results<Ok<PagedResult<ShipmentSummaryDto>>, ValidationProblem>> List(
        Guid? orderId, string? status, string? warehouse, string? carrier, DateTimeOffset? from, DateTimeOffset? to, string? search,
        int? page, int? pageSize, LogisticsDbContext db, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var query = db.Shipments.AsNoTracking();
        if (orderId is not null)
            query = query.Where(s => s.OrderId == orderId);
        if (!string.IsNullOrWhiteSpace(status))
        {
            var statuses = new List<ShipmentStatus>();
            foreach (var name in status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Enum.TryParse<ShipmentStatus>(name, ignoreCase: true, out var parsed) || int.TryParse(name, out _))
                    return Problems.Validation("status", $"status is one or more (comma-separated) of {string.Join(", ", Enum.GetNames<ShipmentStatus>())}.");
                statuses.Add(parsed);
            }
            query = query.Where(s => statuses.Contains(s.Status));
        }
        if (!string.IsNullOrWhiteSpace(warehouse))
        {
            var code = warehouse.Trim().ToUpperInvariant();
            query = query.Where(s => s.Warehouse == code);
        }
        if (!string.IsNullOrWhiteSpace(carrier))
        {
            var code = Carrier.NormalizeCode(carrier);
            query = query.Where(s => s.Carrier == code);
        }
        if (from is not null)
            query = query.Where(s => s.CreatedAt >= from.Value);
        if (to is not null)
            query = query.Where(s => s.CreatedAt < to.Value);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            query = query.Where(s => s.Number == term.ToUpper() || s.WaybillNumber == term);
        }

        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Skip(paging.Skip).Take(paging.PageSize)
            .Select(s => new ShipmentSummaryDto(s.Id, s.Number, s.OrderId, s.OrderNumber, s.Warehouse, s.Carrier, s.ServiceLevel, s.WaybillNumber,
                s.Status, s.Lines.Count, s.Lines.Sum(l => l.Quantity), s.CreatedAt, s.UpdatedAt))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<ShipmentSummaryDto>(items, paging.Page, paging.PageSize, total));
    }

    private static async Task<Results<Ok<ShipmentDto>, ProblemHttpResult>> Get(Guid id, HttpResponse response, LogisticsDbContext db, CancellationToken cancellationToken)
    {
        var shipment = await db.Shipments.AsNoTracking().AsSplitQuery()
            .Include(s => s.Lines).Include(s => s.Packages).Include(s => s.History)
            .FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (shipment is null)
            return Problems.NotFound("Shipment", id.ToString());
        ETags.Set(response, shipment.Version);
        return TypedResults.Ok(await shipment.ToDtoAsync(db, cancellationToken));
    }
}
