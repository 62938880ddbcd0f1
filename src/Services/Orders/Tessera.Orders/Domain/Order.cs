using System.Text.Json.Serialization;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Orders.Domain;

/// <summary>The customer as stored: encrypted values, keyed hashes of phone and e-mail for exact lookups, and a plain reference.</summary>
public sealed class ProtectedCustomer
{
    public string Name { get; set; } = "";
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public string? PhoneIndex { get; set; }
    public string? EmailIndex { get; set; }

    /// <summary>The customer's id in another system (CRM, marketplace); not personal data.</summary>
    public string? Reference { get; set; }
}

/// <summary>Where the order goes. Consignee, phone and address are encrypted; the address is stored as one encrypted JSON value.</summary>
public sealed class ProtectedShipping
{
    public string? Consignee { get; set; }
    public string? Phone { get; set; }
    public string? Address { get; set; }
    public DateOnly? RequestedDeliveryDate { get; set; }
    public string? ServiceLevel { get; set; }
}

public sealed class OrderLine : ITenantOwned
{
    public Guid OrderId { get; set; }
    public int LineNo { get; set; }
    public string TenantId { get; set; } = "";
    public string Sku { get; set; } = "";
    public string? Description { get; set; }
    public decimal Quantity { get; set; }
    public decimal UnitPrice { get; set; }
    public decimal Discount { get; set; }
    public decimal AllocatedDiscount { get; set; }
    public decimal TaxRate { get; set; }
    public decimal TaxAmount { get; set; }
    public decimal LineTotal { get; set; }
}

public sealed class OrderStatusChange : ITenantOwned
{
    public long Id { get; set; }
    public Guid OrderId { get; set; }
    public string TenantId { get; set; } = "";
    public OrderStatus Status { get; set; }
    public DateTimeOffset At { get; set; }
    public string? Reason { get; set; }
    public string? By { get; set; }
}

public static class TimelineKinds
{
    public const string Status = "status";
    public const string Change = "change";
    public const string Report = "report";

    /// <summary>A step the fulfilment process took itself (shipments requested, its state changed, compensations).</summary>
    public const string Fulfilment = "fulfilment";

    /// <summary>An alert raised or cleared by the fulfilment process.</summary>
    public const string Alert = "alert";
}

/// <summary>One entry of the order's story. Summaries never hold personal data (an address change says so, not what it became).</summary>
public sealed class OrderTimelineEntry : ITenantOwned
{
    public long Id { get; set; }
    public Guid OrderId { get; set; }
    public string TenantId { get; set; } = "";
    public DateTimeOffset At { get; set; }
    public string Kind { get; set; } = "";
    public string? By { get; set; }
    public string Summary { get; set; } = "";
}

/// <summary>Lines proposed by an edit and waiting for inventory to adjust the reservation.</summary>
public sealed record PendingLineChange(Guid Id, IReadOnlyList<OrderLine> Lines, DateTimeOffset RequestedAt, string? RequestedBy);

public enum CancelOutcome
{
    Cancelled,
    AlreadyCancelled,
    NotAllowed,
}

/// <summary>
/// A sales order in the unified model every channel maps into. Pending until inventory answers; Confirmed when every
/// line is reserved; Rejected when stock is short; Cancelled on request while Pending or Confirmed; Dispatched when it
/// leaves the warehouse; Completed when every shipment was delivered; PartiallyReturned or Returned when goods came
/// back. A status never goes back. What may change is explicit: everything editable while Pending or Confirmed (lines
/// through a reservation adjustment), nothing afterwards. Every status change and edit goes into <see cref="Timeline"/>;
/// how the order is being fulfilled is in <see cref="Fulfilment"/>.
/// </summary>
public sealed class Order : ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public long Number { get; set; }
    public string Channel { get; set; } = "";
    public string? ExternalRef { get; set; }
    public string Currency { get; set; } = "";
    public ProtectedCustomer Customer { get; set; } = new();

    /// <summary>The customer of the master this order belongs to; <see cref="Customer"/> is what the order said at the time.</summary>
    public Guid? CustomerId { get; set; }

    /// <summary>Imported as history: it reached its final status elsewhere, so it reserved nothing and requested no shipment.</summary>
    public bool Historic { get; set; }

    /// <summary>Payments received, as JSON (<see cref="OrderPayments"/>): method, amount and date, several per order.</summary>
    public string Payments { get; set; } = "[]";
    public ProtectedShipping Shipping { get; set; } = new();
    [JsonInclude]
    public OrderStatus Status { get; private set; }

    /// <summary>Marketing codes and order-level discounts, as JSON (<see cref="OrderMarketing"/>).</summary>
    public string Marketing { get; set; } = OrderMarketing.Empty.ToJson();

    public decimal Subtotal { get; set; }
    public decimal DiscountTotal { get; set; }
    public decimal TaxTotal { get; set; }
    public decimal ShippingFee { get; set; }

    /// <summary>The grand total (column "total" since the first version).</summary>
    public decimal Total { get; set; }

    public string? PaymentMethod { get; set; }
    public PaymentStatus PaymentStatus { get; set; }
    public string? PreferredWarehouse { get; set; }

    /// <summary>Free text, encrypted: people write phone numbers into notes.</summary>
    public string? Notes { get; set; }

    /// <summary>JSON array of lower-case tags.</summary>
    public string Tags { get; set; } = "[]";

    /// <summary>JSON object of extension attributes, values normalized to text.</summary>
    public string Attributes { get; set; } = "{}";

    /// <summary>JSON of a <see cref="PendingLineChange"/>, or null.</summary>
    public string? PendingChange { get; set; }

    public DateTimeOffset PlacedAt { get; set; }
    public string PlacedBy { get; set; } = "";
    [JsonInclude]
    public string? ShortLines { get; private set; }

    /// <summary>
    /// When the order reached a final status (rejected, cancelled, completed, returned) — moved on by a later return —;
    /// closed orders move to the archive later.
    /// </summary>
    [JsonInclude]
    public DateTimeOffset? ClosedAt { get; private set; }

    public long Version { get; set; }
    [JsonInclude]
    public DateTimeOffset UpdatedAt { get; private set; }
    public List<OrderLine> Lines { get; set; } = [];
    public List<OrderStatusChange> History { get; set; } = [];
    public List<OrderTimelineEntry> Timeline { get; set; } = [];

    /// <summary>The fulfilment process, from the confirmation on (null before, and for orders that never got that far).</summary>
    public OrderFulfilment? Fulfilment { get; set; }

    public bool IsEditable => Status is OrderStatus.Pending or OrderStatus.Confirmed;

    public static Order Place(Guid id, long number, string channel, DateTimeOffset placedAt, string placedBy, DateTimeOffset now)
    {
        var order = new Order { Id = id, Number = number, Channel = channel, PlacedAt = placedAt, PlacedBy = placedBy, Version = 1 };
        order.Transition(OrderStatus.Pending, $"Placed via {channel}", placedBy, now);
        return order;
    }

    /// <summary>
    /// An order that reached its final status in another system, imported with its dates: its story is the placement
    /// and the final status at the dates given, and it is closed. Nothing is reserved or shipped for it.
    /// </summary>
    public static Order FromHistory(Guid id, long number, string channel, DateTimeOffset placedAt, OrderStatus final, DateTimeOffset closedAt, string by,
        DateTimeOffset now)
    {
        if (final is not (OrderStatus.Completed or OrderStatus.Cancelled or OrderStatus.Returned or OrderStatus.PartiallyReturned or OrderStatus.Rejected))
            throw new ArgumentOutOfRangeException(nameof(final), final, "A historic order has a final status.");
        var order = new Order { Id = id, Number = number, Channel = channel, PlacedAt = placedAt, PlacedBy = by, Version = 1, Historic = true };
        order.Transition(OrderStatus.Pending, $"Placed via {channel} (imported as history)", by, placedAt);
        order.Transition(final, "Imported as history", by, closedAt);
        order.ClosedAt = closedAt;
        order.UpdatedAt = now;
        return order;
    }

    /// <summary>
    /// Makes the order's lines these, with the amounts computed for them: lines with the same number are updated in
    /// place, new numbers added, missing ones removed (and deleted with the order's other orphans).
    /// </summary>
    public void SetLines(IReadOnlyList<OrderLine> lines, OrderTotals totals)
    {
        var existing = Lines.ToDictionary(l => l.LineNo);
        foreach (var line in lines)
        {
            if (existing.Remove(line.LineNo, out var current))
            {
                (current.Sku, current.Description, current.Quantity, current.UnitPrice, current.Discount) =
                    (line.Sku, line.Description, line.Quantity, line.UnitPrice, line.Discount);
                (current.AllocatedDiscount, current.TaxRate, current.TaxAmount, current.LineTotal) =
                    (line.AllocatedDiscount, line.TaxRate, line.TaxAmount, line.LineTotal);
            }
            else
            {
                line.OrderId = Id;
                Lines.Add(line);
            }
        }
        foreach (var removed in existing.Values)
            Lines.Remove(removed);
        (Subtotal, DiscountTotal, TaxTotal, ShippingFee, Total) = (totals.Subtotal, totals.DiscountTotal, totals.TaxTotal, totals.ShippingFee, totals.GrandTotal);
    }

    /// <summary>Why the order cannot be edited now, or null when it can.</summary>
    public string? WhyNotEditable() => IsEditable
        ? null
        : $"Order {Number} is {Status}; only Pending or Confirmed orders can be changed, and nothing can change once it is dispatched.";

    public void Edited(string summary, string by, DateTimeOffset now) => Note(TimelineKinds.Change, summary, by, now);

    public void Reported(string summary, string by, DateTimeOffset now) => Note(TimelineKinds.Report, summary, by, now);

    public bool Confirm(string reason, DateTimeOffset now)
    {
        if (Status != OrderStatus.Pending)
            return false;
        Transition(OrderStatus.Confirmed, reason, "inventory", now);
        return true;
    }

    public bool Reject(string reason, string shortLinesJson, DateTimeOffset now)
    {
        if (Status != OrderStatus.Pending)
            return false;
        ShortLines = shortLinesJson;
        PendingChange = null;
        Transition(OrderStatus.Rejected, reason, "inventory", now);
        ClosedAt = now;
        return true;
    }

    public CancelOutcome Cancel(string reason, string by, DateTimeOffset now)
    {
        switch (Status)
        {
            case OrderStatus.Cancelled:
                return CancelOutcome.AlreadyCancelled;
            case OrderStatus.Rejected or OrderStatus.Dispatched or OrderStatus.Completed or OrderStatus.PartiallyReturned or OrderStatus.Returned:
                return CancelOutcome.NotAllowed;
            default:
                PendingChange = null;
                Transition(OrderStatus.Cancelled, reason, by, now);
                ClosedAt = now;
                return CancelOutcome.Cancelled;
        }
    }

    public bool Dispatch(string reason, DateTimeOffset now)
    {
        if (Status is not (OrderStatus.Pending or OrderStatus.Confirmed))
            return false;
        PendingChange = null;
        Transition(OrderStatus.Dispatched, reason, "logistics", now);
        return true;
    }

    /// <summary>Every shipment was delivered: the order is fulfilled, and closed.</summary>
    public bool Complete(string reason, string by, DateTimeOffset now)
    {
        if (Status != OrderStatus.Dispatched)
            return false;
        Transition(OrderStatus.Completed, reason, by, now);
        ClosedAt = now;
        return true;
    }

    /// <summary>Goods came back: PartiallyReturned, or Returned when every shipped unit did. Never back from Returned.</summary>
    public bool Return(bool fully, string reason, string by, DateTimeOffset now)
    {
        var allowed = fully
            ? Status is OrderStatus.Dispatched or OrderStatus.Completed or OrderStatus.PartiallyReturned
            : Status is OrderStatus.Dispatched or OrderStatus.Completed;
        if (!allowed)
            return false;
        Transition(fully ? OrderStatus.Returned : OrderStatus.PartiallyReturned, reason, by, now);
        return true;
    }

    /// <summary>Nothing more is expected for the order (its last step happened now); it moves to the archive later.</summary>
    public void Close(DateTimeOffset now) => ClosedAt = now;

    /// <summary>Something is expected again (a customer return was authorized): the order stays live until it arrives.</summary>
    public void Reopen() => ClosedAt = null;

    /// <summary>
    /// Adds what the fulfilment did or heard to the story without changing the order itself: its version stays, so a
    /// shipment being picked does not make someone's edit of the address fail.
    /// </summary>
    public void Noted(string kind, string summary, string by, DateTimeOffset now) =>
        Timeline.Add(new OrderTimelineEntry { OrderId = Id, TenantId = TenantId, At = now, Kind = kind, By = by, Summary = summary });

    private void Note(string kind, string summary, string by, DateTimeOffset now)
    {
        UpdatedAt = now;
        Timeline.Add(new OrderTimelineEntry { OrderId = Id, At = now, Kind = kind, By = by, Summary = summary });
    }

    private void Transition(OrderStatus status, string? reason, string by, DateTimeOffset now)
    {
        Status = status;
        UpdatedAt = now;
        History.Add(new OrderStatusChange { OrderId = Id, Status = status, At = now, Reason = reason, By = by });
        Timeline.Add(new OrderTimelineEntry
        {
            OrderId = Id,
            At = now,
            Kind = TimelineKinds.Status,
            By = by,
            Summary = reason is null ? status.ToString() : $"{status}: {reason}",
        });
    }
}

public sealed class OrderNumberSequence : ITenantOwned
{
    public string TenantId { get; set; } = "";
    public long Next { get; set; }
}

/// <summary>A product as this service last heard of it from the catalog.</summary>
public sealed class KnownProduct : ITenantOwned
{
    public string TenantId { get; set; } = "";
    public string Sku { get; set; } = "";
    public string Name { get; set; } = "";
    public string Unit { get; set; } = "";
    public long Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
