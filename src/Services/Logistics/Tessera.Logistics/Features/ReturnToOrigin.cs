using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Tessera.Logistics.Contracts;
using Tessera.Logistics.Data;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;

namespace Tessera.Logistics.Features;

/// <summary>
/// The goods of a failed delivery are physically back in their warehouse (ReturnToOriginReceived: inventory restocks
/// them). The carrier may say so through its webhook instead; whichever comes first moves the shipment, once.
/// </summary>
public static class ReturnToOrigin
{
    public sealed record Request(string? Note);

    public static void Map(RouteGroupBuilder shipments) =>
        shipments.MapPost("/{id:guid}/return-to-origin", Handle)
            .RequireRoles(Roles.Warehouse)
            .WithName("ReturnShipmentToOrigin")
            .WithSummary("DeliveryFailed → ReturnedToOrigin when the goods are back in the warehouse; optional body {\"note\"}. If-Match optional.")
            .Produces<ShipmentDto>()
            .ProducesProblem(StatusCodes.Status409Conflict);

    private static Task<IResult> Handle(
        Guid id, [FromBody] Request? request, HttpContext http, ClaimsPrincipal user, LogisticsDbContext db, IOutbox outbox, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var note = string.IsNullOrWhiteSpace(request?.Note) ? null : request.Note.Trim();
        if (note is { Length: > 500 })
            return Task.FromResult<IResult>(Problems.Validation("note", "note is at most 500 characters."));
        return ShipmentSteps.RunAsync(id, "returned to origin", http, db, outbox,
            shipment => Task.FromResult<ShipmentSteps.Decision>(shipment.ReturnToOrigin(user.Actor(), clock.GetUtcNow(), note)), cancellationToken);
    }
}
