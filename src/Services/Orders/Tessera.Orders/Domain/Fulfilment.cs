using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Orders.Domain;

public static class AlertKinds
{
    public const string DispatchOverdue = "dispatch-overdue";
    public const string DeliveryOverdue = "delivery-overdue";
    public const string DeliveryFailed = "delivery-failed";
    public const string CancellationFailed = "cancellation-failed";
    public const string ShipmentCancelled = "shipment-cancelled";
    public const string StockIssueFailed = "stock-issue-failed";
    public const string ReservationExpired = "reservation-expired";
}

public static class CompensationKinds
{
    public const string ReleaseReservation = "release-reservation";
    public const string CancelShipment = "cancel-shipment";
}

public static class CompensationStatuses
{
    public const string Awaited = "Awaited";
    public const string Done = "Done";
    public const string Failed = "Failed";
}

/// <summary>An entry the fulfilment adds to its order's timeline.</summary>
public sealed record FulfilmentNote(string Kind, string Summary, string By);

/// <summary>
/// The fulfilment process of one order: the process manager's durable state between the order center and the services
/// that execute the work. It records what inventory holds for the order (the allocation), the current shipment request
/// (a newer one supersedes it), the shipments logistics reports, customer returns, compensations after a cancellation,
/// and alerts. Its <see cref="State"/> is derived from the shipments and returns, which only ever move forward, and is
/// never lowered: a late or duplicate report changes nothing.
/// </summary>
public sealed class OrderFulfilment : ITenantOwned, IVersioned
{
    public Guid OrderId { get; set; }
    public string TenantId { get; set; } = "";
    public long OrderNumber { get; set; }
    [JsonInclude]
    public FulfilmentState State { get; private set; }

    /// <summary>The current shipment request; shipments of an older one are superseded.</summary>
    [JsonInclude]
    public Guid? RequestId { get; private set; }

    [JsonInclude]
    public DateTimeOffset? RequestedAt { get; private set; }

    /// <summary>JSON of the current request's shipments (one per warehouse).</summary>
    [JsonInclude]
    public string? Requested { get; private set; }

    [JsonInclude]
    public string? ServiceLevel { get; private set; }

    /// <summary>Counted from the first request: a line change does not give the warehouse more time.</summary>
    [JsonInclude]
    public DateTimeOffset? DispatchDueAt { get; private set; }

    /// <summary>Whether inventory's StockReserved was recorded (a repeated one is not counted twice).</summary>
    [JsonInclude]
    public bool ReservationRecorded { get; private set; }

    /// <summary>JSON array of the line changes whose reservation adjustment is in the allocation.</summary>
    [JsonInclude]
    public string AppliedAdjustments { get; private set; } = "[]";

    public long Version { get; set; }
    [JsonInclude]
    public DateTimeOffset CreatedAt { get; private set; }
    [JsonInclude]
    public DateTimeOffset UpdatedAt { get; private set; }

    public List<FulfilmentShipment> Shipments { get; set; } = [];
    public List<FulfilmentAllocation> Allocation { get; set; } = [];
    public List<FulfilmentCompensation> Compensations { get; set; } = [];
    public List<FulfilmentAlert> Alerts { get; set; } = [];
    public List<FulfilmentReturn> Returns { get; set; } = [];
    public List<FulfilmentMovement> Movements { get; set; } = [];

    /// <summary>Timeline entries produced since the order last took them (<see cref="TakeNotes"/>).</summary>
    [JsonIgnore]
    public List<FulfilmentNote> Notes { get; } = [];

    public static OrderFulfilment Start(Guid orderId, string tenantId, long orderNumber, DateTimeOffset now) => new()
    {
        OrderId = orderId,
        TenantId = tenantId,
        OrderNumber = orderNumber,
        State = FulfilmentState.Reserved,
        CreatedAt = now,
        UpdatedAt = now,
        Version = 1,
    };

    public IReadOnlyList<RequestedShipmentDto> RequestedShipments => Requested is null
        ? []
        : JsonSerializer.Deserialize<List<RequestedShipmentDto>>(Requested, TesseraJson.Options) ?? [];

    public bool IsCancelled => State == FulfilmentState.Cancelled;

    // ---- Allocation ----

    /// <summary>Records inventory's reservation of the order once; a repeated StockReserved is not added again.</summary>
    public bool RecordReservation(IEnumerable<(string Sku, string Warehouse, decimal Quantity)> lines, DateTimeOffset now)
    {
        if (ReservationRecorded)
            return false;
        ReservationRecorded = true;
        Allocate(lines, 1);
        Touch(now);
        return true;
    }

    /// <summary>Applies a reservation adjustment once per line change.</summary>
    public bool Adjust(Guid changeId, IEnumerable<(string Sku, string Warehouse, decimal Quantity)> reserved,
        IEnumerable<(string Sku, string Warehouse, decimal Quantity)> released, DateTimeOffset now)
    {
        var applied = JsonSerializer.Deserialize<List<Guid>>(AppliedAdjustments) ?? [];
        if (applied.Contains(changeId))
            return false;
        applied.Add(changeId);
        AppliedAdjustments = JsonSerializer.Serialize(applied);
        Allocate(reserved, 1);
        Allocate(released, -1);
        Touch(now);
        return true;
    }

    /// <summary>Inventory gave stock back (a release or an expiry): it is no longer held for the order. Never below zero.</summary>
    public void Unallocate(IEnumerable<(string Sku, string Warehouse, decimal Quantity)> lines, DateTimeOffset now)
    {
        Allocate(lines, -1);
        Touch(now);
    }

    public bool HoldsStock => Allocation.Any(a => a.Quantity > 0);

    private void Allocate(IEnumerable<(string Sku, string Warehouse, decimal Quantity)> lines, int sign)
    {
        foreach (var (sku, warehouse, quantity) in lines)
        {
            var row = Allocation.FirstOrDefault(a => a.Sku == sku && a.Warehouse == warehouse);
            if (row is null)
            {
                if (sign < 0)
                    continue;
                row = new FulfilmentAllocation { OrderId = OrderId, TenantId = TenantId, Sku = sku, Warehouse = warehouse };
                Allocation.Add(row);
            }
            row.Quantity += sign * quantity;
            if (row.Quantity <= 0)
                Allocation.Remove(row);
        }
    }

    // ---- Requests ----

    /// <summary>
    /// The shipments to ask of logistics for these lines: each line's quantity taken from the warehouses inventory holds
    /// its SKU in (in warehouse order), one entry per warehouse. Quantities the allocation does not cover are returned
    /// apart: they are not requested.
    /// </summary>
    public static IReadOnlyList<RequestedShipmentDto> Split(IEnumerable<OrderLine> lines, IEnumerable<FulfilmentAllocation> allocation,
        out IReadOnlyList<FulfilmentLineDto> unallocated)
    {
        var remaining = allocation.GroupBy(a => (a.Sku, a.Warehouse)).ToDictionary(g => g.Key, g => g.Sum(a => a.Quantity));
        var perWarehouse = new SortedDictionary<string, List<OrderedLine>>(StringComparer.Ordinal);
        var missing = new List<FulfilmentLineDto>();
        foreach (var line in lines.OrderBy(l => l.LineNo))
        {
            var need = line.Quantity;
            foreach (var key in remaining.Keys.Where(k => k.Sku == line.Sku).OrderBy(k => k.Warehouse, StringComparer.Ordinal).ToList())
            {
                if (need <= 0)
                    break;
                var take = Math.Min(need, remaining[key]);
                if (take <= 0)
                    continue;
                remaining[key] -= take;
                need -= take;
                if (!perWarehouse.TryGetValue(key.Warehouse, out var list))
                    perWarehouse[key.Warehouse] = list = [];
                list.Add(new OrderedLine(line.LineNo, line.Sku, take));
            }
            if (need > 0)
                missing.Add(new FulfilmentLineDto(line.Sku, need));
        }
        unallocated = missing;
        return perWarehouse.Select(p => new RequestedShipmentDto(p.Key, p.Value)).ToList();
    }

    /// <summary>
    /// A new shipment request replaces the current one. The dispatch deadline is set by the first request only.
    /// Shipments of the older request that have not left are superseded (logistics cancels them).
    /// </summary>
    public void Request(Guid requestId, IReadOnlyList<RequestedShipmentDto> shipments, string serviceLevel, TimeSpan dispatchWithin, DateTimeOffset now)
    {
        RequestId = requestId;
        RequestedAt = now;
        Requested = JsonSerializer.Serialize(shipments, TesseraJson.Options);
        ServiceLevel = serviceLevel;
        DispatchDueAt ??= now + dispatchWithin;
        Touch(now);
    }

    /// <summary>
    /// Logistics could not supersede an older request because one of its shipments had left, and keeps that request
    /// (it creates nothing for the newer one): the older request is the current one again, with the warehouses of its
    /// shipments that were not cancelled.
    /// </summary>
    public bool Reinstate(Guid requestId, IReadOnlyList<OrderLine> lines, DateTimeOffset now)
    {
        if (RequestId == requestId)
            return false;
        var kept = Shipments.Where(s => s.RequestId == requestId && s.Status != FulfilmentShipmentStatus.Cancelled)
            .GroupBy(s => s.Warehouse, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new RequestedShipmentDto(g.Key, g.SelectMany(s => s.LineList)
                .Select(l => new OrderedLine(lines.FirstOrDefault(o => o.Sku == l.Sku)?.LineNo ?? 0, l.Sku, l.Quantity)).ToList()))
            .ToList();
        RequestId = requestId;
        Requested = JsonSerializer.Serialize(kept, TesseraJson.Options);
        Touch(now);
        return true;
    }

    /// <summary>Of an older request and not gone (a superseded shipment that left anyway counts: its goods are on their way).</summary>
    public bool IsSuperseded(FulfilmentShipment shipment) =>
        shipment.RequestId is { } request && RequestId is { } current && request != current &&
        shipment.Status is < FulfilmentShipmentStatus.Dispatched or FulfilmentShipmentStatus.Cancelled;

    // ---- Shipments ----

    public FulfilmentShipment? Shipment(Guid id) => Shipments.FirstOrDefault(s => s.ShipmentId == id);

    /// <summary>The shipment as known, or a new row for one first heard of now (a report may come before its creation).</summary>
    public FulfilmentShipment Track(Guid id, string? warehouse, IReadOnlyList<FulfilmentLineDto>? lines)
    {
        var shipment = Shipment(id);
        if (shipment is null)
        {
            shipment = new FulfilmentShipment { ShipmentId = id, OrderId = OrderId, TenantId = TenantId, Warehouse = warehouse ?? "" };
            Shipments.Add(shipment);
        }
        if (shipment.Warehouse.Length == 0 && warehouse is not null)
            shipment.Warehouse = warehouse;
        if (shipment.LineList.Count == 0 && lines is { Count: > 0 })
            shipment.SetLines(lines);
        return shipment;
    }

    /// <summary>Shipments that count: not cancelled, not of a superseded request.</summary>
    public IEnumerable<FulfilmentShipment> Live => Shipments.Where(s => s.Status != FulfilmentShipmentStatus.Cancelled && !IsSuperseded(s));

    /// <summary>Warehouses the order must leave from: those of the current request, and any a live shipment left from.</summary>
    public IReadOnlySet<string> ExpectedWarehouses =>
        RequestedShipments.Select(r => r.Warehouse).Concat(Live.Select(s => s.Warehouse)).Where(w => w.Length > 0).ToHashSet(StringComparer.Ordinal);

    private bool Covered(IReadOnlyList<FulfilmentShipment> live) =>
        ExpectedWarehouses.All(w => live.Any(s => s.Warehouse == w));

    public bool AllDispatched
    {
        get
        {
            var live = Live.ToList();
            return live.Count > 0 && Covered(live) && live.All(s => s.Status >= FulfilmentShipmentStatus.Dispatched);
        }
    }

    /// <summary>Nothing more is expected: every live shipment delivered or back, every authorized return received.</summary>
    public bool IsFinished
    {
        get
        {
            var live = Live.ToList();
            return live.Count > 0 && Covered(live)
                   && live.All(s => s.Status is FulfilmentShipmentStatus.Delivered or FulfilmentShipmentStatus.ReturnedToOrigin)
                   && Returns.All(r => r.ReceivedAt is not null);
        }
    }

    /// <summary>Units per SKU that left with the carrier on live shipments.</summary>
    public IReadOnlyDictionary<string, decimal> Shipped() =>
        Sum(Live.Where(s => s.Status >= FulfilmentShipmentStatus.Dispatched).SelectMany(s => s.LineList));

    /// <summary>Units per SKU that came back: shipments returned to origin and customer returns received (any condition).</summary>
    public IReadOnlyDictionary<string, decimal> CameBack() =>
        Sum(Live.Where(s => s.Status == FulfilmentShipmentStatus.ReturnedToOrigin).SelectMany(s => s.LineList)
            .Concat(Returns.Where(r => r.ReceivedAt is not null).SelectMany(r => r.ReceivedList).Select(l => new FulfilmentLineDto(l.Sku, l.Quantity))));

    private static Dictionary<string, decimal> Sum(IEnumerable<FulfilmentLineDto> lines) =>
        lines.GroupBy(l => l.Sku, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity), StringComparer.Ordinal);

    // ---- State ----

    /// <summary>The state the shipments and returns put the order in (<see cref="Advance"/> keeps it from going back).</summary>
    public FulfilmentState Derive()
    {
        if (State == FulfilmentState.Cancelled)
            return FulfilmentState.Cancelled;
        var live = Live.ToList();
        if (live.Count == 0)
            return RequestId is null ? FulfilmentState.Reserved : FulfilmentState.ShipmentRequested;
        var covered = Covered(live);
        var shipped = live.Where(s => s.Status >= FulfilmentShipmentStatus.Dispatched).ToList();
        if (shipped.Count == 0)
            return FulfilmentState.ShipmentRequested;

        var back = CameBack();
        if (back.Values.Any(q => q > 0))
        {
            var allShipped = covered && shipped.Count == live.Count;
            var fully = allShipped && Shipped().All(s => back.GetValueOrDefault(s.Key) >= s.Value);
            if (!fully)
                return FulfilmentState.PartiallyReturned;
            return live.All(s => s.Status == FulfilmentShipmentStatus.ReturnedToOrigin) ? FulfilmentState.ReturnedToOrigin : FulfilmentState.Returned;
        }
        if (live.Any(s => s.Status == FulfilmentShipmentStatus.DeliveryFailed))
            return FulfilmentState.DeliveryFailed;
        var delivered = live.Count(s => s.Status == FulfilmentShipmentStatus.Delivered);
        if (delivered > 0)
            return covered && delivered == live.Count ? FulfilmentState.Delivered : FulfilmentState.PartiallyDelivered;
        return covered && shipped.Count == live.Count ? FulfilmentState.Dispatched : FulfilmentState.PartiallyDispatched;
    }

    /// <summary>How far along each state is; a state is only ever replaced by one at least as far.</summary>
    public static int Rank(FulfilmentState state) => state switch
    {
        FulfilmentState.Reserved => 0,
        FulfilmentState.ShipmentRequested => 1,
        FulfilmentState.PartiallyDispatched => 2,
        FulfilmentState.Dispatched => 3,
        FulfilmentState.PartiallyDelivered or FulfilmentState.DeliveryFailed => 4,
        FulfilmentState.Delivered => 5,
        FulfilmentState.Completed => 6,
        FulfilmentState.PartiallyReturned => 7,
        FulfilmentState.ReturnedToOrigin or FulfilmentState.Returned => 8,
        _ => 9,
    };

    /// <summary>Moves to <paramref name="state"/> unless that would go back; Cancelled is final.</summary>
    public bool Advance(FulfilmentState state, DateTimeOffset now)
    {
        if (state == State || State == FulfilmentState.Cancelled || Rank(state) < Rank(State))
            return false;
        State = state;
        Touch(now);
        return true;
    }

    // ---- Cancellation and compensations ----

    /// <summary>
    /// The order was cancelled: the fulfilment stops and records the compensations it now waits for — inventory
    /// releasing what it holds, logistics cancelling the shipment of each requested warehouse.
    /// </summary>
    public void Cancel(DateTimeOffset now)
    {
        if (State == FulfilmentState.Cancelled)
            return;
        State = FulfilmentState.Cancelled;
        if (HoldsStock)
            Await(CompensationKinds.ReleaseReservation, "reservation", "inventory", "Inventory releases the stock reserved for the order", now);
        foreach (var warehouse in RequestedShipments.Select(r => r.Warehouse).Distinct().Order(StringComparer.Ordinal))
        {
            Await(CompensationKinds.CancelShipment, warehouse, "logistics", $"Logistics cancels the shipment from {warehouse}", now);
            if (Shipments.Any(s => s.Warehouse == warehouse && !IsSuperseded(s) && s.Status == FulfilmentShipmentStatus.Cancelled))
                Settle(CompensationKinds.CancelShipment, warehouse, "logistics", true, "the shipment was already cancelled", now);
        }
        Touch(now);
    }

    public bool IsAwaiting(string kind, string subject) =>
        Compensations.Any(c => c.Kind == kind && c.Subject == subject && c.Status == CompensationStatuses.Awaited);

    public void Await(string kind, string subject, string service, string description, DateTimeOffset now)
    {
        if (Compensations.Any(c => c.Kind == kind && c.Subject == subject))
            return;
        Compensations.Add(new FulfilmentCompensation
        {
            OrderId = OrderId, TenantId = TenantId, Kind = kind, Subject = subject, Service = service, Description = description,
            Status = CompensationStatuses.Awaited, RequestedAt = now,
        });
    }

    /// <summary>A compensation happened (or failed). One nobody waited for yet is recorded as settled at once; a settled one stays as it is.</summary>
    public bool Settle(string kind, string subject, string service, bool done, string note, DateTimeOffset now)
    {
        var compensation = Compensations.FirstOrDefault(c => c.Kind == kind && c.Subject == subject);
        if (compensation is null)
        {
            compensation = new FulfilmentCompensation
            {
                OrderId = OrderId, TenantId = TenantId, Kind = kind, Subject = subject, Service = service, RequestedAt = now,
                Description = kind == CompensationKinds.ReleaseReservation
                    ? "Inventory releases the stock reserved for the order"
                    : $"Logistics cancels the shipment from {subject}",
                Status = CompensationStatuses.Awaited,
            };
            Compensations.Add(compensation);
        }
        if (compensation.Status != CompensationStatuses.Awaited)
            return false;
        compensation.Status = done ? CompensationStatuses.Done : CompensationStatuses.Failed;
        compensation.SettledAt = now;
        compensation.Note = note;
        Touch(now);
        return true;
    }

    public IEnumerable<FulfilmentCompensation> Awaited => Compensations.Where(c => c.Status == CompensationStatuses.Awaited);

    // ---- Alerts ----

    /// <summary>Raises an alert once: the same kind about the same shipment (or the order) is never raised twice.</summary>
    public bool Raise(string kind, Guid? shipmentId, string message, string by, DateTimeOffset now)
    {
        var subject = shipmentId?.ToString() ?? "";
        if (Alerts.Any(a => a.Kind == kind && a.Subject == subject))
            return false;
        Alerts.Add(new FulfilmentAlert
        {
            OrderId = OrderId, TenantId = TenantId, OrderNumber = OrderNumber, Kind = kind, Subject = subject, ShipmentId = shipmentId, Message = message,
            RaisedAt = now,
        });
        Notes.Add(new FulfilmentNote(TimelineKinds.Alert, "Alert: " + message, by));
        Touch(now);
        return true;
    }

    /// <summary>Clears an open alert because the step it waited for happened (or a person took care of it).</summary>
    public bool Clear(string kind, Guid? shipmentId, string because, string by, DateTimeOffset now)
    {
        var subject = shipmentId?.ToString() ?? "";
        var alert = Alerts.FirstOrDefault(a => a.Kind == kind && a.Subject == subject && a.ClearedAt is null);
        if (alert is null)
            return false;
        alert.Resolve(because, by, now);
        Notes.Add(new FulfilmentNote(TimelineKinds.Alert, $"Alert cleared ({kind}): {because}", by));
        Touch(now);
        return true;
    }

    // ---- Returns and stock movements ----

    public FulfilmentReturn TrackReturn(Guid returnId, string number)
    {
        var found = Returns.FirstOrDefault(r => r.ReturnId == returnId);
        if (found is null)
        {
            found = new FulfilmentReturn { ReturnId = returnId, OrderId = OrderId, TenantId = TenantId, Number = number };
            Returns.Add(found);
        }
        return found;
    }

    /// <summary>Records a stock movement inventory reported for the order, once per (type, source, warehouse).</summary>
    public bool RecordMovement(string movementType, string sourceType, string sourceId, string warehouse, IReadOnlyList<FulfilmentLineDto> lines,
        DateTimeOffset occurredAt, DateTimeOffset now)
    {
        if (Movements.Any(m => m.MovementType == movementType && m.SourceType == sourceType && m.SourceId == sourceId && m.Warehouse == warehouse))
            return false;
        Movements.Add(new FulfilmentMovement
        {
            OrderId = OrderId, TenantId = TenantId, MovementType = movementType, SourceType = sourceType, SourceId = sourceId, Warehouse = warehouse,
            Lines = JsonSerializer.Serialize(lines, TesseraJson.Options), OccurredAt = occurredAt, RecordedAt = now,
        });
        Touch(now);
        return true;
    }

    public void Note(string kind, string summary, string by) => Notes.Add(new FulfilmentNote(kind, summary, by));

    public List<FulfilmentNote> TakeNotes()
    {
        var notes = Notes.ToList();
        Notes.Clear();
        return notes;
    }

    public void Touch(DateTimeOffset now) => UpdatedAt = now;

    public static string Describe(IEnumerable<FulfilmentLineDto> lines) =>
        string.Join(", ", lines.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Sku} × {l.Quantity:0.####}")));
}
