using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Orders.Domain;

/// <summary>The customer as stored: encrypted values, and keyed hashes of phone and e-mail for exact lookups.</summary>
public sealed class ProtectedCustomer
{
    public string Name { get; set; } = "";
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public string? PhoneIndex { get; set; }
    public string? EmailIndex { get; set; }
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

public enum CancelOutcome
{
    Cancelled,
    AlreadyCancelled,
    NotAllowed,
}

/// <summary>
/// A sales order. Pending until inventory answers; Confirmed when every line is reserved; Rejected when stock is short;
/// Cancelled on request while Pending or Confirmed. Every status change is kept in <see cref="History"/>.
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
    public OrderStatus Status { get; private set; }
    public decimal Total { get; set; }
    public DateTimeOffset PlacedAt { get; set; }
    public string PlacedBy { get; set; } = "";
    public string? ShortLines { get; private set; }
    public long Version { get; set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public List<OrderLine> Lines { get; set; } = [];
    public List<OrderStatusChange> History { get; set; } = [];

    public static Order Place(Guid id, long number, string channel, string? externalRef, string currency, ProtectedCustomer customer,
        IEnumerable<OrderLine> lines, DateTimeOffset placedAt, string placedBy, DateTimeOffset now)
    {
        var order = new Order
        {
            Id = id,
            Number = number,
            Channel = channel,
            ExternalRef = externalRef,
            Currency = currency,
            Customer = customer,
            PlacedAt = placedAt,
            PlacedBy = placedBy,
            Version = 1,
            Lines = lines.ToList(),
        };
        foreach (var line in order.Lines)
            line.OrderId = id;
        order.Total = order.Lines.Sum(l => l.LineTotal);
        order.Transition(OrderStatus.Pending, $"Placed via {channel}", placedBy, now);
        return order;
    }

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
        Transition(OrderStatus.Rejected, reason, "inventory", now);
        return true;
    }

    public CancelOutcome Cancel(string reason, string by, DateTimeOffset now)
    {
        switch (Status)
        {
            case OrderStatus.Cancelled:
                return CancelOutcome.AlreadyCancelled;
            case OrderStatus.Rejected:
                return CancelOutcome.NotAllowed;
            default:
                Transition(OrderStatus.Cancelled, reason, by, now);
                return CancelOutcome.Cancelled;
        }
    }

    private void Transition(OrderStatus status, string? reason, string by, DateTimeOffset now)
    {
        Status = status;
        UpdatedAt = now;
        History.Add(new OrderStatusChange { OrderId = Id, Status = status, At = now, Reason = reason, By = by });
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
