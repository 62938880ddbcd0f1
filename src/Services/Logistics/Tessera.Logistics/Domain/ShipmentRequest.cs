using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Logistics.Domain;

public enum RequestOutcome
{
    /// <summary>Its shipments were created: it is the order's current request.</summary>
    Accepted,

    /// <summary>A newer request of the same order was accepted after it (or before it, when it arrived late).</summary>
    Superseded,

    /// <summary>Nothing was created: a shipment of an older request had already left, or the order was cancelled.</summary>
    Refused,
}

/// <summary>
/// A ShipmentsRequested of the orders service as logistics took it. It makes the request idempotent (the same
/// RequestId twice does nothing) and keeps the requested lines, against which I3 checks what is being shipped.
/// </summary>
public sealed class ShipmentRequest : ITenantOwned
{
    public string TenantId { get; set; } = "";
    public Guid OrderId { get; set; }
    public Guid RequestId { get; set; }
    public long OrderNumber { get; set; }
    public string? ServiceLevel { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public RequestOutcome Outcome { get; set; }
    public string? Note { get; set; }
    public List<ShipmentRequestLine> Lines { get; set; } = [];
}

public sealed class ShipmentRequestLine : ITenantOwned
{
    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    public Guid OrderId { get; set; }
    public Guid RequestId { get; set; }
    public string Warehouse { get; set; } = "";
    public string Sku { get; set; } = "";
    public decimal Quantity { get; set; }
}

/// <summary>An order the orders service cancelled: a shipment request for it arriving later creates nothing.</summary>
public sealed class OrderCancellation : ITenantOwned
{
    public string TenantId { get; set; } = "";
    public Guid OrderId { get; set; }
    public long OrderNumber { get; set; }
    public string Reason { get; set; } = "";
    public DateTimeOffset CancelledAt { get; set; }
}
