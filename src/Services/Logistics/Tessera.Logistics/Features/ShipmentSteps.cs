using Microsoft.AspNetCore.Http.HttpResults;
using Tessera.Logistics.Data;
using Tessera.Logistics.Domain;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;

namespace Tessera.Logistics.Features;

/// <summary>
/// How every warehouse action on a shipment runs: in one write transaction, against the version the client saw when
/// it sent If-Match (412 otherwise), refused with a 409 naming the current status when the flow does not allow it,
/// and with its events in the outbox in the same transaction, keyed by the order id.
/// </summary>
public static class ShipmentSteps
{
    /// <summary>What an action decided: a step of the shipment, or a problem with the request itself (400/409) before any step.</summary>
    public sealed record Decision(Step? Step, IResult? Problem)
    {
        public static implicit operator Decision(Step step) => new(step, null);

        public static Decision Refuse(IResult problem) => new(null, problem);
    }

    public static async Task<IResult> RunAsync(
        Guid id, string verb, HttpContext http, LogisticsDbContext db, IOutbox outbox,
        Func<Shipment, Task<Decision>> act, CancellationToken cancellationToken)
    {
        var (shipment, problem) = await ApplyAsync(id, verb, s => ETags.Matches(http.Request, s.Version), db, outbox, act, cancellationToken);
        if (problem is not null)
            return problem;
        ETags.Set(http.Response, shipment!.Version);
        return TypedResults.Ok(await shipment.ToDtoAsync(db, cancellationToken));
    }

    /// <summary>
    /// One action on one shipment in its own write transaction: the shipment as it is afterwards, or the problem that
    /// refused it. A bulk action runs this per shipment, so that one refusal does not undo the others.
    /// </summary>
    public static async Task<(Shipment? Shipment, IResult? Problem)> ApplyAsync(
        Guid id, string verb, Func<Shipment, bool> versionMatches, LogisticsDbContext db, IOutbox outbox, Func<Shipment, Task<Decision>> act,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var shipment = await ShipmentMapping.LoadAsync(db, id, cancellationToken);
        if (shipment is null)
            return (null, Problems.NotFound("Shipment", id.ToString()));
        if (!versionMatches(shipment))
            return (shipment, Problems.PreconditionFailed($"Shipment {shipment.Number} is at version {shipment.Version}, not the one in If-Match. Reload it first."));

        var decision = await act(shipment);
        if (decision.Problem is not null)
            return (shipment, decision.Problem);
        var step = decision.Step!;
        if (step.Outcome == StepOutcome.Refused)
            return (shipment, Refused(shipment, verb, step.Refusal!));
        if (step.Outcome == StepOutcome.Changed)
        {
            Publish(outbox, shipment, step);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return (shipment, null);
    }

    public static void Publish(IOutbox outbox, Shipment shipment, Step step)
    {
        foreach (var @event in step.Events)
            Publish(outbox, shipment.OrderId, @event);
    }

    /// <summary>Events about a shipment are about its order: keyed by the order id, one order's story stays in order.</summary>
    public static void Publish(IOutbox outbox, Guid orderId, object @event)
    {
        var aggregate = orderId.ToString();
        switch (@event)
        {
            case Contracts.ShipmentCreated e: outbox.Publish(e, aggregate); break;
            case Contracts.ShipmentPicked e: outbox.Publish(e, aggregate); break;
            case Contracts.ShipmentPacked e: outbox.Publish(e, aggregate); break;
            case Contracts.ShipmentDispatched e: outbox.Publish(e, aggregate); break;
            case Contracts.ShipmentTransitStarted e: outbox.Publish(e, aggregate); break;
            case Contracts.ShipmentDelivered e: outbox.Publish(e, aggregate); break;
            case Contracts.DeliveryFailed e: outbox.Publish(e, aggregate); break;
            case Contracts.ReturnToOriginReceived e: outbox.Publish(e, aggregate); break;
            case Contracts.ShipmentCancelled e: outbox.Publish(e, aggregate); break;
            case Contracts.ShipmentCancellationFailed e: outbox.Publish(e, aggregate); break;
            default: throw new InvalidOperationException($"{@event.GetType().Name} is not a shipment event.");
        }
    }

    public static ProblemHttpResult Refused(Shipment shipment, string verb, string refusal) =>
        Problems.Conflict($"The shipment cannot be {verb}", refusal,
            new Dictionary<string, object?> { ["currentStatus"] = shipment.Status.ToString(), ["shipment"] = shipment.Number });
}
