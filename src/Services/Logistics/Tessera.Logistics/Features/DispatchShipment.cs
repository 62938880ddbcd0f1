using System.Security.Claims;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Tessera.Logistics.Contracts;
using Tessera.Logistics.Data;
using Tessera.Logistics.Domain;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Logistics.Features;

/// <summary>
/// A Packed shipment is handed to a carrier under a waybill number, unique per carrier: the one the carrier gave, or one
/// generated here. ShipmentDispatched tells inventory to issue the goods (sales-out) and the orders service that the
/// order has left. Tracking updates that arrived for this waybill before the dispatch was recorded are applied now.
/// </summary>
public static class DispatchShipment
{
    public sealed record Request(string? Carrier, string? WaybillNumber);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Carrier).Matches("^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$").When(r => !string.IsNullOrWhiteSpace(r.Carrier))
                .WithMessage("carrier is a carrier code: 1 to 20 letters, digits, '_' or '-'.");
            RuleFor(r => r.WaybillNumber).Matches("^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$").When(r => !string.IsNullOrWhiteSpace(r.WaybillNumber))
                .WithMessage("waybillNumber is 1 to 40 letters, digits, '.', '_', '/' or '-'; leave it out to have one generated.");
        }
    }

    public static void Map(RouteGroupBuilder shipments) =>
        shipments.MapPost("/{id:guid}/dispatch", Handle)
            .Validate<Request>()
            .RequireRoles(Roles.Warehouse)
            .WithName("DispatchShipment")
            .WithSummary("Packed → Dispatched: handed to the carrier (its code; optional when the shipment has one) under a waybill number " +
                         "(generated when absent). If-Match optional; a cancelled shipment is refused with the reason.")
            .Produces<ShipmentDto>()
            .ProducesProblem(StatusCodes.Status409Conflict);

    private static Task<IResult> Handle(
        Guid id, Request request, HttpContext http, ClaimsPrincipal user, LogisticsDbContext db, IOutbox outbox, TimeProvider clock,
        CancellationToken cancellationToken) =>
        ShipmentSteps.RunAsync(id, "dispatched", http, db, outbox, Decide(request, user, db, clock, cancellationToken), cancellationToken);

    /// <summary>What dispatching a shipment under this request decides: the carrier checked, the waybill given or generated.</summary>
    public static Func<Shipment, Task<ShipmentSteps.Decision>> Decide(Request request, ClaimsPrincipal user, LogisticsDbContext db, TimeProvider clock,
        CancellationToken cancellationToken) =>
        async shipment =>
        {
            var now = clock.GetUtcNow();
            var requestedCarrier = string.IsNullOrWhiteSpace(request.Carrier) ? null : Carrier.NormalizeCode(request.Carrier);
            var requestedWaybill = string.IsNullOrWhiteSpace(request.WaybillNumber) ? null : request.WaybillNumber.Trim();
            // The status decides first: a cancelled or already dispatched shipment is answered as such, whatever the body says.
            if (shipment.Status != ShipmentStatus.Packed)
                return shipment.Dispatch(requestedCarrier ?? shipment.Carrier ?? "", requestedWaybill ?? shipment.WaybillNumber ?? "", user.Actor(), now);

            var code = requestedCarrier ?? shipment.Carrier;
            if (code is null)
                return ShipmentSteps.Decision.Refuse(Problems.Validation("carrier", $"Shipment {shipment.Number} has no carrier yet: name the carrier it is handed to."));
            var carrier = await db.Carriers.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, cancellationToken);
            if (carrier is null)
                return ShipmentSteps.Decision.Refuse(Problems.Validation("carrier", $"No carrier '{code}' exists. Add it first with POST /api/logistics/carriers."));
            if (shipment.ServiceLevel is { } level && !carrier.Offers(level))
                return ShipmentSteps.Decision.Refuse(Problems.Validation("carrier",
                    $"{carrier.Name} ({code}) does not offer the '{level}' service level this shipment needs; it offers {string.Join(", ", carrier.Levels)}."));

            // Waybills are unique per carrier: dispatches with one carrier check and take theirs one at a time on
            // PostgreSQL, as SQLite's single writer makes them (docs/adr/0024).
            await db.LockAsync($"waybills:{db.CurrentTenantId}:{code}", cancellationToken);
            string waybill;
            if (requestedWaybill is not null)
            {
                var holder = await db.Shipments.AsNoTracking()
                    .Where(s => s.Carrier == code && s.WaybillNumber == requestedWaybill && s.Id != shipment.Id)
                    .Select(s => s.Number).FirstOrDefaultAsync(cancellationToken);
                if (holder is not null)
                    return ShipmentSteps.Decision.Refuse(Problems.Conflict("The waybill number is already used",
                        $"Waybill {requestedWaybill} of {code} belongs to shipment {holder}; waybill numbers are unique per carrier.",
                        new Dictionary<string, object?> { ["waybillNumber"] = requestedWaybill, ["shipment"] = holder }));
                waybill = requestedWaybill;
            }
            else
            {
                waybill = await GenerateWaybillAsync(db, code, shipment, cancellationToken);
            }

            var step = shipment.Dispatch(code, waybill, user.Actor(), now);
            return step.Outcome == StepOutcome.Changed
                ? Step.Changed([.. step.Events, .. await ApplyEarlierTrackingAsync(db, shipment, cancellationToken)])
                : step;
        };

    /// <summary>The carrier code and the shipment's number ("GHN-000123"), with a suffix in the rare case someone typed that waybill by hand.</summary>
    private static async Task<string> GenerateWaybillAsync(LogisticsDbContext db, string carrier, Shipment shipment, CancellationToken cancellationToken)
    {
        var stem = $"{carrier}-{shipment.Number[(shipment.Number.IndexOf('-') + 1)..]}";
        var taken = await db.Shipments.AsNoTracking()
            .Where(s => s.Carrier == carrier && s.WaybillNumber != null && s.WaybillNumber.StartsWith(stem))
            .Select(s => s.WaybillNumber!).ToListAsync(cancellationToken);
        var candidate = stem;
        for (var n = 2; taken.Contains(candidate); n++)
            candidate = $"{stem}-{n}";
        return candidate;
    }

    /// <summary>
    /// A carrier can scan the parcel before the warehouse records the dispatch: those updates were kept as unmatched and
    /// now move the shipment, oldest first. Their events follow ShipmentDispatched in the outbox.
    /// </summary>
    private static async Task<List<object>> ApplyEarlierTrackingAsync(LogisticsDbContext db, Shipment shipment, CancellationToken cancellationToken)
    {
        var waiting = await db.TrackingUpdates
            .Where(t => t.ShipmentId == null && t.Carrier == shipment.Carrier && t.WaybillNumber == shipment.WaybillNumber)
            .OrderBy(t => t.OccurredAt).ThenBy(t => t.Id)
            .ToListAsync(cancellationToken);
        var events = new List<object>();
        foreach (var update in waiting)
            events.AddRange(TrackingApplication.Apply(shipment, update).Events);
        return events;
    }
}
