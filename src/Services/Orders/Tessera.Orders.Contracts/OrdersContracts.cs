namespace Tessera.Orders.Contracts;

public enum OrderStatus
{
    Pending,
    Confirmed,
    Rejected,
    Cancelled,
}

public sealed record CustomerDto(string Name, string? Phone, string? Email);

public sealed record OrderLineDto(int LineNo, string Sku, string? Description, decimal Quantity, decimal UnitPrice, decimal LineTotal);

public sealed record StatusChangeDto(OrderStatus Status, DateTimeOffset At, string? Reason, string? By);

public sealed record ShortLineDto(string Sku, decimal Requested, decimal Available);

public sealed record OrderDto(
    Guid Id,
    long Number,
    OrderStatus Status,
    string Channel,
    string? ExternalRef,
    string Currency,
    CustomerDto Customer,
    IReadOnlyList<OrderLineDto> Lines,
    decimal Total,
    DateTimeOffset PlacedAt,
    IReadOnlyList<StatusChangeDto> History,
    IReadOnlyList<ShortLineDto> ShortLines,
    long Version);

public sealed record OrderSummaryDto(
    Guid Id, long Number, OrderStatus Status, string Channel, string? ExternalRef, string Currency, decimal Total, int LineCount, DateTimeOffset PlacedAt);

public sealed record OrderCreatedDto(Guid Id, long Number, OrderStatus Status);

public sealed record OrderedLine(int LineNo, string Sku, decimal Quantity);

/// <summary>A customer placed an order; inventory reserves it. Carries no personal data.</summary>
public sealed record OrderPlaced(Guid OrderId, long Number, string Channel, IReadOnlyList<OrderedLine> Lines, DateTimeOffset PlacedAt);

/// <summary>Every line of the order is reserved.</summary>
public sealed record OrderConfirmed(Guid OrderId, long Number);

/// <summary>The order could not be reserved.</summary>
public sealed record OrderRejected(Guid OrderId, long Number, string Reason);

/// <summary>The order was cancelled; whatever was reserved or started for it must be undone.</summary>
public sealed record OrderCancelled(Guid OrderId, long Number, string Reason, OrderStatus PreviousStatus);

public sealed record MoneyDto(string Currency, decimal Amount);

/// <summary>One business day (in the tenant's time zone): orders placed, and revenue of those not cancelled or rejected.</summary>
public sealed record DailyOrdersDto(DateOnly Date, int Orders, IReadOnlyList<MoneyDto> Revenue);
