using System.Security.Claims;
using FluentValidation;
using Tessera.Logistics.Contracts;
using Tessera.Logistics.Data;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Logistics.Features;

/// <summary>A shipment that has not left is cancelled with a reason; the orders service decides what becomes of the order.</summary>
public static class CancelShipment
{
    public sealed record Request(string Reason);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(500);
    }

    public static void Map(RouteGroupBuilder shipments) =>
        shipments.MapPost("/{id:guid}/cancel", Handle)
            .Validate<Request>()
            .RequireRoles(Roles.Warehouse)
            .WithName("CancelShipment")
            .WithSummary("Created, Picked or Packed → Cancelled with a reason. If-Match optional; cancelling again changes nothing.")
            .Produces<ShipmentDto>()
            .ProducesProblem(StatusCodes.Status409Conflict);

    private static Task<IResult> Handle(
        Guid id, Request request, HttpContext http, ClaimsPrincipal user, LogisticsDbContext db, IOutbox outbox, TimeProvider clock,
        CancellationToken cancellationToken) =>
        ShipmentSteps.RunAsync(id, "cancelled", http, db, outbox,
            shipment => Task.FromResult<ShipmentSteps.Decision>(shipment.Cancel(request.Reason.Trim(), user.Actor(), clock.GetUtcNow())), cancellationToken);
}
