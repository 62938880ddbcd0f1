using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Logistics.Domain;

public static class TrackingOutcomes
{
    /// <summary>The update moved its shipment.</summary>
    public const string Applied = "applied";

    /// <summary>Kept in the shipment's history, changed nothing (older than what is known, or not a step forward).</summary>
    public const string Recorded = "recorded";

    /// <summary>No shipment of the tenant has this carrier and waybill (yet): kept for operators.</summary>
    public const string Unmatched = "unmatched";

    /// <summary>The carrier sent this event id before; nothing was done again.</summary>
    public const string Duplicate = "duplicate";
}

/// <summary>
/// Every tracking update a carrier sent, once per (carrier, event id): the deduplication record and the shipment's
/// tracking history. ShipmentId is null while the waybill matches no shipment.
/// </summary>
public sealed class TrackingUpdate : ITenantOwned
{
    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Carrier { get; set; } = "";
    public string EventId { get; set; } = "";
    public string WaybillNumber { get; set; } = "";
    public Guid? ShipmentId { get; set; }
    public TrackingStatus Status { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public string? Location { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public string Outcome { get; set; } = "";
    public string? Note { get; set; }
}
