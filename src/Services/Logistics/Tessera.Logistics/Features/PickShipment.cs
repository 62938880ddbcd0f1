using System.Security.Claims;
using Tessera.Logistics.Contracts;
using Tessera.Logistics.Data;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Security;

namespace Tessera.Logistics.Features;

/// <summary>The goods of a Created shipment were picked from their bins.</summary>
public static class PickShipment
{
    public static void Map(RouteGroupBuilder shipments) =>
        shipments.MapPost("/{id:guid}/pick", Handle)
            .RequireRoles(Roles.Warehouse)
            .WithName("PickShipment")
            .WithSummary("Created → Picked. If-Match optional; picking a Picked shipment again changes nothing.")
            .Produces<ShipmentDto>()
            .ProducesProblem(StatusCodes.Status409Conflict);

    private static Task<IResult> Handle(
        Guid id, HttpContext http, ClaimsPrincipal user, LogisticsDbContext db, IOutbox outbox, TimeProvider clock, CancellationToken cancellationToken) =>
        ShipmentSteps.RunAsync(id, "picked", http, db, outbox,
            shipment => Task.FromResult<ShipmentSteps.Decision>(shipment.Pick(user.Actor(), clock.GetUtcNow())), cancellationToken);
}
