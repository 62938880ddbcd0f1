using Tessera.Logistics.Domain;

namespace Tessera.Logistics.Features;

/// <summary>Applies a carrier's tracking update to its shipment and records what it did, for the webhook and for late matches at dispatch.</summary>
public static class TrackingApplication
{
    /// <summary>Moves the shipment when the update allows it; the caller publishes the step's events.</summary>
    public static Step Apply(Shipment shipment, TrackingUpdate update)
    {
        var step = shipment.Track(update.Status, update.OccurredAt, update.Location, update.Reason, "carrier:" + update.Carrier);
        update.ShipmentId = shipment.Id;
        update.Outcome = step.Outcome == StepOutcome.Changed ? TrackingOutcomes.Applied : TrackingOutcomes.Recorded;
        update.Note = step.Outcome == StepOutcome.Changed ? null : step.Refusal;
        return step;
    }
}
