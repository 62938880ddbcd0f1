using System.Text.Json.Serialization;
using Tessera.Logistics.Contracts;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Logistics.Domain;

public sealed class ShipmentLine : ITenantOwned
{
    public Guid ShipmentId { get; set; }
    public int LineNo { get; set; }
    public string TenantId { get; set; } = "";
    public string Sku { get; set; } = "";
    public decimal Quantity { get; set; }
}

public sealed class Package : ITenantOwned
{
    public Guid ShipmentId { get; set; }
    public int PackageNo { get; set; }
    public string TenantId { get; set; } = "";
    public decimal WeightKg { get; set; }
    public decimal LengthCm { get; set; }
    public decimal WidthCm { get; set; }
    public decimal HeightCm { get; set; }
}

/// <summary>Weight and dimensions of one package, as packed.</summary>
public sealed record PackageSize(decimal WeightKg, decimal LengthCm, decimal WidthCm, decimal HeightCm);

public sealed class ShipmentHistoryEntry : ITenantOwned
{
    public long Id { get; set; }
    public Guid ShipmentId { get; set; }
    public string TenantId { get; set; } = "";
    public ShipmentStatus Status { get; set; }
    public DateTimeOffset At { get; set; }
    public string By { get; set; } = "";
    public string? Note { get; set; }
}

public enum StepOutcome
{
    /// <summary>The shipment moved; publish the events.</summary>
    Changed,

    /// <summary>The shipment already was where the step leads (a retried request): nothing to do.</summary>
    Unchanged,

    /// <summary>The step is not allowed from the shipment's status; Refusal says why.</summary>
    Refused,
}

/// <summary>What a step did: the events it produced (to publish with the order id as aggregate id), or why it was refused.</summary>
public sealed record Step(StepOutcome Outcome, IReadOnlyList<object> Events, string? Refusal)
{
    public static Step Changed(params object[] events) => new(StepOutcome.Changed, events, null);
    public static readonly Step Unchanged = new(StepOutcome.Unchanged, [], null);
    public static Step Refused(string why) => new(StepOutcome.Refused, [], why);
}

/// <summary>
/// What leaves one warehouse for one order, answering one request of the orders service. The flow is explicit:
/// Created → Picked → Packed → Dispatched by warehouse actions; then the carrier's tracking moves it to InTransit,
/// Delivered, or DeliveryFailed → ReturnedToOrigin (also a warehouse action once the goods are physically back).
/// Cancelled only before dispatch. A status never goes backwards; repeating the step that led to the current status
/// changes nothing (so a retried request is harmless), any other step is refused naming the status.
/// </summary>
public sealed class Shipment : ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Number { get; set; } = "";
    public Guid OrderId { get; set; }
    public long OrderNumber { get; set; }
    public Guid RequestId { get; set; }
    public string Warehouse { get; set; } = "";
    public string? Carrier { get; set; }
    public string? ServiceLevel { get; set; }
    public DateOnly? RequestedDeliveryDate { get; set; }
    [JsonInclude]
    public ShipmentStatus Status { get; private set; }
    public string? WaybillNumber { get; set; }
    public string? CancelReason { get; set; }
    public string? FailureReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? PickedAt { get; set; }
    public DateTimeOffset? PackedAt { get; set; }
    public DateTimeOffset? DispatchedAt { get; set; }
    public DateTimeOffset? InTransitAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public DateTimeOffset? FailedAt { get; set; }
    public DateTimeOffset? ReturnedAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }

    /// <summary>When the last tracking update that moved the shipment happened (carrier time): older updates change nothing.</summary>
    public DateTimeOffset? LastTrackingAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
    public long Version { get; set; }

    public List<ShipmentLine> Lines { get; set; } = [];
    public List<Package> Packages { get; set; } = [];
    public List<ShipmentHistoryEntry> History { get; set; } = [];

    /// <summary>Not cancelled and not back at origin: the shipment still stands for its order's goods.</summary>
    public bool IsActive => Status is not (ShipmentStatus.Cancelled or ShipmentStatus.ReturnedToOrigin);

    /// <summary>The goods left the warehouse with a carrier (and have not come back).</summary>
    public bool HasLeft => Status is ShipmentStatus.Dispatched or ShipmentStatus.InTransit or ShipmentStatus.Delivered or ShipmentStatus.DeliveryFailed;

    public static readonly ShipmentStatus[] ActiveStatuses =
        [ShipmentStatus.Created, ShipmentStatus.Picked, ShipmentStatus.Packed, ShipmentStatus.Dispatched, ShipmentStatus.InTransit,
         ShipmentStatus.Delivered, ShipmentStatus.DeliveryFailed];

    public static readonly ShipmentStatus[] NotLeftStatuses = [ShipmentStatus.Created, ShipmentStatus.Picked, ShipmentStatus.Packed];

    public static Shipment Create(
        Guid orderId, long orderNumber, Guid requestId, string number, string warehouse, IReadOnlyList<(string Sku, decimal Quantity)> lines,
        string? carrier, string? serviceLevel, DateOnly? requestedDeliveryDate, DateTimeOffset now, string by)
    {
        var shipment = new Shipment
        {
            Id = Guid.CreateVersion7(),
            Number = number,
            OrderId = orderId,
            OrderNumber = orderNumber,
            RequestId = requestId,
            Warehouse = warehouse,
            Carrier = carrier,
            ServiceLevel = serviceLevel,
            RequestedDeliveryDate = requestedDeliveryDate,
            Status = ShipmentStatus.Created,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        shipment.Lines = lines.Select((l, i) => new ShipmentLine { ShipmentId = shipment.Id, LineNo = i + 1, Sku = l.Sku, Quantity = l.Quantity }).ToList();
        shipment.Record(ShipmentStatus.Created, now, by, carrier is null ? "Carrier to be chosen at dispatch" : $"Carrier {carrier}");
        return shipment;
    }

    public IReadOnlyList<ShippedLine> ShippedLines => Lines.OrderBy(l => l.LineNo).Select(l => new ShippedLine(l.Sku, l.Quantity)).ToList();

    /// <summary>What a user may do next, for the pages: "pick", "pack", "dispatch", "return-to-origin", "cancel".</summary>
    public IReadOnlyList<string> AllowedActions => Status switch
    {
        ShipmentStatus.Created => ["pick", "cancel"],
        ShipmentStatus.Picked => ["pack", "cancel"],
        ShipmentStatus.Packed => ["dispatch", "cancel"],
        ShipmentStatus.DeliveryFailed => ["return-to-origin"],
        _ => [],
    };

    public Step Pick(string by, DateTimeOffset now)
    {
        if (Status == ShipmentStatus.Picked)
            return Step.Unchanged;
        if (Status != ShipmentStatus.Created)
            return Step.Refused(Status == ShipmentStatus.Cancelled ? CancelledRefusal("picked") : $"{Describe()}; only a Created shipment can be picked.");
        Move(ShipmentStatus.Picked, now, by, null);
        PickedAt = now;
        return Step.Changed(new ShipmentPicked(Id, OrderId, now));
    }

    public Step Pack(IReadOnlyList<PackageSize> packages, string by, DateTimeOffset now)
    {
        if (Status == ShipmentStatus.Packed && SamePackages(packages))
            return Step.Unchanged;
        if (Status != ShipmentStatus.Picked)
            return Step.Refused(Status switch
            {
                ShipmentStatus.Cancelled => CancelledRefusal("packed"),
                ShipmentStatus.Created => $"{Describe()}; pick it before packing.",
                ShipmentStatus.Packed => $"{Describe()} already, in {Packages.Count} package(s); it is packed once.",
                _ => $"{Describe()}; only a Picked shipment can be packed.",
            });
        Packages = packages.Select((p, i) => new Package
        {
            ShipmentId = Id, PackageNo = i + 1, WeightKg = p.WeightKg, LengthCm = p.LengthCm, WidthCm = p.WidthCm, HeightCm = p.HeightCm,
        }).ToList();
        Move(ShipmentStatus.Packed, now, by, $"{packages.Count} package(s), {Quantities.Text(packages.Sum(p => p.WeightKg))} kg");
        PackedAt = now;
        return Step.Changed(new ShipmentPacked(Id, OrderId, packages.Count, now));
    }

    /// <summary>Hands the shipment to <paramref name="carrier"/> under <paramref name="waybill"/> (checked unique by the caller).</summary>
    public Step Dispatch(string carrier, string waybill, string by, DateTimeOffset now)
    {
        if (Status == ShipmentStatus.Dispatched && Carrier == carrier && WaybillNumber == waybill)
            return Step.Unchanged;
        if (Status != ShipmentStatus.Packed)
            return Step.Refused(Status switch
            {
                ShipmentStatus.Cancelled => CancelledRefusal("dispatched"),
                ShipmentStatus.Created or ShipmentStatus.Picked => $"{Describe()}; pack it before dispatching.",
                _ => $"{Describe()}: it was already handed to {Carrier} under waybill {WaybillNumber}.",
            });
        Carrier = carrier;
        WaybillNumber = waybill;
        Move(ShipmentStatus.Dispatched, now, by, $"Handed to {carrier}, waybill {waybill}");
        DispatchedAt = now;
        return Step.Changed(new ShipmentDispatched(Id, OrderId, Warehouse, carrier, waybill, ShippedLines, now));
    }

    /// <summary>A warehouse action: the goods of a failed delivery are physically back.</summary>
    public Step ReturnToOrigin(string by, DateTimeOffset now, string? note)
    {
        if (Status == ShipmentStatus.ReturnedToOrigin)
            return Step.Unchanged;
        if (Status != ShipmentStatus.DeliveryFailed)
            return Step.Refused(Status == ShipmentStatus.Cancelled
                ? CancelledRefusal("returned to origin")
                : $"{Describe()}; goods come back to origin only after a failed delivery.");
        Move(ShipmentStatus.ReturnedToOrigin, now, by, note ?? "Goods back in the warehouse");
        ReturnedAt = now;
        return Step.Changed(new ReturnToOriginReceived(Id, OrderId, Warehouse, ShippedLines, now));
    }

    public Step Cancel(string reason, string by, DateTimeOffset now)
    {
        if (Status == ShipmentStatus.Cancelled)
            return Step.Unchanged;
        if (!NotLeftStatuses.Contains(Status))
            return Step.Refused(Status == ShipmentStatus.ReturnedToOrigin
                ? $"{Describe()}: its goods are back in {Warehouse}; there is nothing left to cancel."
                : $"{Describe()}: it has left the warehouse with {Carrier} and can no longer be cancelled.");
        CancelReason = reason;
        Move(ShipmentStatus.Cancelled, now, by, reason);
        CancelledAt = now;
        return Step.Changed(new ShipmentCancelled(Id, OrderId, reason, now));
    }

    /// <summary>
    /// A carrier's tracking update. Applied only when it is not older than the last update that moved the shipment and
    /// leads forward from the current status; otherwise Refusal says why it changed nothing (the caller keeps it in the
    /// history either way). ReturnedToOrigin reported straight from transit passes through DeliveryFailed, so the
    /// order's story has the failure before the return.
    /// </summary>
    public Step Track(TrackingStatus status, DateTimeOffset occurredAt, string? location, string? reason, string by)
    {
        if (NotLeftStatuses.Contains(Status) || Status == ShipmentStatus.Cancelled)
            return Step.Refused($"{Describe()}: it has not been dispatched.");
        if (LastTrackingAt is { } last && occurredAt < last)
            return Step.Refused($"Older than the last applied update ({last:u}); the shipment stays {Status}.");

        var events = new List<object>();
        switch (status, Status)
        {
            case (TrackingStatus.InTransit, ShipmentStatus.Dispatched):
                Move(ShipmentStatus.InTransit, occurredAt, by, location);
                InTransitAt = occurredAt;
                events.Add(new ShipmentTransitStarted(Id, OrderId, location, occurredAt));
                break;
            case (TrackingStatus.Delivered, ShipmentStatus.Dispatched or ShipmentStatus.InTransit or ShipmentStatus.DeliveryFailed):
                Move(ShipmentStatus.Delivered, occurredAt, by, location);
                DeliveredAt = occurredAt;
                events.Add(new ShipmentDelivered(Id, OrderId, Warehouse, ShippedLines, occurredAt));
                break;
            case (TrackingStatus.DeliveryFailed, ShipmentStatus.Dispatched or ShipmentStatus.InTransit):
                events.Add(Fail(reason, occurredAt, by));
                break;
            case (TrackingStatus.ReturnedToOrigin, ShipmentStatus.Dispatched or ShipmentStatus.InTransit or ShipmentStatus.DeliveryFailed):
                if (Status != ShipmentStatus.DeliveryFailed)
                    events.Add(Fail(reason ?? "Returned to origin by the carrier", occurredAt, by));
                Move(ShipmentStatus.ReturnedToOrigin, occurredAt, by, location);
                ReturnedAt = occurredAt;
                events.Add(new ReturnToOriginReceived(Id, OrderId, Warehouse, ShippedLines, occurredAt));
                break;
            default:
                return Step.Refused(Status is ShipmentStatus.Delivered or ShipmentStatus.ReturnedToOrigin
                    ? $"The shipment is {Status}, which is final; {status} changes nothing."
                    : $"The shipment is {Status}; {status} would not move it forward.");
        }
        LastTrackingAt = occurredAt;
        return Step.Changed([.. events]);
    }

    private DeliveryFailed Fail(string? reason, DateTimeOffset occurredAt, string by)
    {
        FailureReason = string.IsNullOrWhiteSpace(reason) ? "Delivery failed" : reason;
        Move(ShipmentStatus.DeliveryFailed, occurredAt, by, FailureReason);
        FailedAt = occurredAt;
        return new DeliveryFailed(Id, OrderId, FailureReason, occurredAt);
    }

    private bool SamePackages(IReadOnlyList<PackageSize> packages) =>
        Packages.Count == packages.Count && Packages.OrderBy(p => p.PackageNo).Zip(packages)
            .All(x => x.First.WeightKg == x.Second.WeightKg && x.First.LengthCm == x.Second.LengthCm
                      && x.First.WidthCm == x.Second.WidthCm && x.First.HeightCm == x.Second.HeightCm);

    private string Describe() => $"Shipment {Number} is {Status}";

    private string CancelledRefusal(string verb) => $"Shipment {Number} was cancelled ({CancelReason}); a cancelled shipment cannot be {verb}.";

    private void Move(ShipmentStatus status, DateTimeOffset at, string by, string? note)
    {
        Status = status;
        UpdatedAt = at > UpdatedAt ? at : UpdatedAt;
        Record(status, at, by, note);
    }

    private void Record(ShipmentStatus status, DateTimeOffset at, string by, string? note) =>
        History.Add(new ShipmentHistoryEntry { ShipmentId = Id, Status = status, At = at, By = by, Note = note });
}

/// <summary>The statuses a carrier reports.</summary>
public enum TrackingStatus
{
    InTransit,
    Delivered,
    DeliveryFailed,
    ReturnedToOrigin,
}
