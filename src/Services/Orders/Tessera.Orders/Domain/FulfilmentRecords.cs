using System.Text.Json;
using System.Text.Json.Serialization;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Orders.Domain;

/// <summary>A shipment of the order as logistics reported it. Its status only moves forward; each step's time is kept.</summary>
public sealed class FulfilmentShipment : ITenantOwned
{
    public Guid ShipmentId { get; set; }
    public Guid OrderId { get; set; }
    public string TenantId { get; set; } = "";
    public string? Number { get; set; }
    public Guid? RequestId { get; set; }
    public string Warehouse { get; set; } = "";

    /// <summary>JSON array of <see cref="FulfilmentLineDto"/>.</summary>
    public string Lines { get; set; } = "[]";

    [JsonInclude]
    public FulfilmentShipmentStatus Status { get; private set; }

    public string? Carrier { get; set; }
    public string? WaybillNumber { get; set; }
    public int? Packages { get; set; }
    public DateTimeOffset? CreatedAt { get; set; }
    public DateTimeOffset? PickedAt { get; set; }
    public DateTimeOffset? PackedAt { get; set; }
    public DateTimeOffset? DispatchedAt { get; set; }
    public DateTimeOffset? InTransitAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public DateTimeOffset? DeliveryFailedAt { get; set; }
    public string? FailureReason { get; set; }
    public DateTimeOffset? ReturnedAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public string? CancelReason { get; set; }

    /// <summary>When the carrier should have delivered it (counted from the dispatch); an alert is raised after.</summary>
    public DateTimeOffset? DeliveryDueAt { get; set; }

    [JsonIgnore]
    public IReadOnlyList<FulfilmentLineDto> LineList => JsonSerializer.Deserialize<List<FulfilmentLineDto>>(Lines, TesseraJson.Options) ?? [];

    public void SetLines(IReadOnlyList<FulfilmentLineDto> lines) => Lines = JsonSerializer.Serialize(lines, TesseraJson.Options);

    public string Label => Number ?? ShipmentId.ToString()[..8];

    /// <summary>Moves forward to <paramref name="status"/>; false when it is there or beyond already (a late or repeated report).</summary>
    public bool Advance(FulfilmentShipmentStatus status)
    {
        if (status == FulfilmentShipmentStatus.Cancelled || Status == FulfilmentShipmentStatus.Cancelled || status <= Status)
            return false;
        Status = status;
        return true;
    }

    /// <summary>Cancelled, unless it has left already (then the cancellation came too late and changes nothing).</summary>
    public bool Cancel(string reason, DateTimeOffset at)
    {
        if (Status >= FulfilmentShipmentStatus.Dispatched)
            return false;
        Status = FulfilmentShipmentStatus.Cancelled;
        CancelledAt ??= at;
        CancelReason ??= reason;
        return true;
    }
}

/// <summary>What inventory holds for the order of one SKU in one warehouse.</summary>
public sealed class FulfilmentAllocation : ITenantOwned
{
    public Guid OrderId { get; set; }
    public string TenantId { get; set; } = "";
    public string Sku { get; set; } = "";
    public string Warehouse { get; set; } = "";
    public decimal Quantity { get; set; }
}

/// <summary>An undo the fulfilment waits for after a cancellation, and whether it happened.</summary>
public sealed class FulfilmentCompensation : ITenantOwned
{
    public long Id { get; set; }
    public Guid OrderId { get; set; }
    public string TenantId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Service { get; set; } = "";
    public string Description { get; set; } = "";
    public string Status { get; set; } = CompensationStatuses.Awaited;
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset? SettledAt { get; set; }
    public string? Note { get; set; }
}

/// <summary>Something about the order's fulfilment that needs attention; raised once, cleared when the step happens.</summary>
public sealed class FulfilmentAlert : ITenantOwned
{
    public long Id { get; set; }
    public Guid OrderId { get; set; }
    public string TenantId { get; set; } = "";
    public long OrderNumber { get; set; }
    public string Kind { get; set; } = "";

    /// <summary>The shipment id it is about, or "" for the order as a whole (part of its uniqueness).</summary>
    public string Subject { get; set; } = "";

    public Guid? ShipmentId { get; set; }
    public string Message { get; set; } = "";
    public DateTimeOffset RaisedAt { get; set; }
    [JsonInclude]
    public DateTimeOffset? ClearedAt { get; private set; }
    [JsonInclude]
    public string? ClearedBy { get; private set; }
    [JsonInclude]
    public string? ClearedBecause { get; private set; }

    public void Resolve(string because, string by, DateTimeOffset now)
    {
        ClearedAt = now;
        ClearedBy = by;
        ClearedBecause = because;
    }
}

/// <summary>A customer return of the order, as logistics reported it: authorized, then received.</summary>
public sealed class FulfilmentReturn : ITenantOwned
{
    public Guid ReturnId { get; set; }
    public Guid OrderId { get; set; }
    public string TenantId { get; set; } = "";
    public string Number { get; set; } = "";
    public string? Reason { get; set; }

    /// <summary>JSON array of <see cref="FulfilmentLineDto"/>.</summary>
    public string Authorized { get; set; } = "[]";

    /// <summary>JSON array of <see cref="ReturnedLineDto"/>.</summary>
    public string Received { get; set; } = "[]";

    public string? Warehouse { get; set; }
    public DateTimeOffset? AuthorizedAt { get; set; }
    public DateTimeOffset? ReceivedAt { get; set; }

    [JsonIgnore]
    public IReadOnlyList<FulfilmentLineDto> AuthorizedList => JsonSerializer.Deserialize<List<FulfilmentLineDto>>(Authorized, TesseraJson.Options) ?? [];

    [JsonIgnore]
    public IReadOnlyList<ReturnedLineDto> ReceivedList => JsonSerializer.Deserialize<List<ReturnedLineDto>>(Received, TesseraJson.Options) ?? [];
}

/// <summary>A stock movement inventory posted for the order (sales-out of a shipment, customer-return-in).</summary>
public sealed class FulfilmentMovement : ITenantOwned
{
    public Guid OrderId { get; set; }
    public string TenantId { get; set; } = "";
    public string MovementType { get; set; } = "";
    public string SourceType { get; set; } = "";
    public string SourceId { get; set; } = "";
    public string Warehouse { get; set; } = "";

    /// <summary>JSON array of <see cref="FulfilmentLineDto"/>.</summary>
    public string Lines { get; set; } = "[]";

    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}
