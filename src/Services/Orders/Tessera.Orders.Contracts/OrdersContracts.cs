namespace Tessera.Orders.Contracts;

public enum OrderStatus
{
    Pending,
    Confirmed,
    Rejected,
    Cancelled,

    /// <summary>Handed to a carrier: nothing about the order can change any more.</summary>
    Dispatched,

    /// <summary>Every shipment was delivered: the order is fulfilled.</summary>
    Completed,

    /// <summary>Some delivered or dispatched goods came back (a customer return, or a shipment returned to origin).</summary>
    PartiallyReturned,

    /// <summary>Every shipped unit came back: returned to origin after failed deliveries, or returned by the customer.</summary>
    Returned,
}

public enum PaymentStatus
{
    Unpaid,
    Authorized,
    Paid,
    PartiallyRefunded,
    Refunded,
}

public sealed record CustomerDto(string Name, string? Phone, string? Email, string? Reference = null);

/// <summary>An address; the street (Line1) may be left out when only the city and province are known.</summary>
public sealed record AddressDto(string? Line1, string? Line2, string? Ward, string? District, string? City, string? Province, string? PostalCode, string Country);

public sealed record ShippingDto(string? Consignee, string? Phone, AddressDto? Address, DateOnly? RequestedDeliveryDate, string? ServiceLevel);

/// <summary>
/// A line as priced by the server: gross = quantity × unit price; net = gross − discount; the order's own discounts
/// are spread over the lines in proportion to their net (AllocatedDiscount); tax = (net − allocated) × taxRate;
/// lineTotal = net − allocated + tax. Amounts are rounded to the currency's decimals.
/// </summary>
public sealed record OrderLineDto(
    int LineNo,
    string Sku,
    string? Description,
    decimal Quantity,
    decimal UnitPrice,
    decimal Discount,
    decimal AllocatedDiscount,
    decimal TaxRate,
    decimal TaxAmount,
    decimal LineTotal);

public sealed record DiscountDto(string Code, decimal Amount);

public sealed record MarketingDto(IReadOnlyList<string> CouponCodes, IReadOnlyList<string> PromotionCodes, IReadOnlyList<DiscountDto> Discounts);

/// <summary>grandTotal = subtotal − discountTotal + taxTotal + shippingFee.</summary>
public sealed record TotalsDto(decimal Subtotal, decimal DiscountTotal, decimal TaxTotal, decimal ShippingFee, decimal GrandTotal);

/// <summary>A payment received for an order: how, how much, when.</summary>
public sealed record PaymentRecordDto(string Method, decimal Amount, DateTimeOffset PaidAt);

/// <summary>How the order is paid: the method and status, and the payments received (several, of different methods).</summary>
public sealed record PaymentDto(string? Method, PaymentStatus Status, IReadOnlyList<PaymentRecordDto>? Payments = null);

public sealed record OperationalDto(string? PreferredWarehouse, string? Notes, IReadOnlyList<string> Tags);

public sealed record StatusChangeDto(OrderStatus Status, DateTimeOffset At, string? Reason, string? By);

/// <summary>One entry of an order's story: a status change, an edit, or what another service reported.</summary>
public sealed record TimelineEntryDto(DateTimeOffset At, string Kind, string? By, string Summary);

public sealed record ShortLineDto(string Sku, decimal Requested, decimal Available);

/// <summary>New lines waiting for inventory to adjust the reservation; applied or refused when it answers.</summary>
public sealed record PendingChangeDto(Guid Id, IReadOnlyList<OrderLineDto> Lines, DateTimeOffset RequestedAt, string? RequestedBy);

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
    long Version,
    ShippingDto? Shipping = null,
    MarketingDto? Marketing = null,
    TotalsDto? Totals = null,
    PaymentDto? Payment = null,
    OperationalDto? Operational = null,
    IReadOnlyDictionary<string, string>? Attributes = null,
    IReadOnlyList<TimelineEntryDto>? Timeline = null,
    PendingChangeDto? PendingChange = null,
    bool Archived = false,
    FulfilmentDto? Fulfilment = null,
    Guid? CustomerId = null,
    bool Historic = false);

/// <summary>
/// Where the order's fulfilment stands (the process manager between the order and the services that execute it).
/// Reserved → ShipmentRequested → (PartiallyDispatched) → Dispatched → (PartiallyDelivered) → Delivered → Completed;
/// DeliveryFailed while a shipment could not be delivered; ReturnedToOrigin when every shipment came back after failed
/// deliveries; PartiallyReturned / Returned after returns; Cancelled with its compensations.
/// </summary>
public enum FulfilmentState
{
    Reserved,
    ShipmentRequested,
    PartiallyDispatched,
    Dispatched,
    PartiallyDelivered,
    DeliveryFailed,
    Delivered,
    Completed,
    PartiallyReturned,
    ReturnedToOrigin,
    Returned,
    Cancelled,
}

/// <summary>A shipment's progress as logistics reported it; it never goes back (a late report changes nothing).</summary>
public enum FulfilmentShipmentStatus
{
    Created,
    Picked,
    Packed,
    Dispatched,
    InTransit,
    DeliveryFailed,
    Delivered,
    ReturnedToOrigin,
    Cancelled,
}

public sealed record FulfilmentLineDto(string Sku, decimal Quantity);

/// <summary>
/// One shipment of the order (logistics' id and number, link /shipments/{id}). Superseded: it belongs to an earlier
/// request (the lines changed) and logistics cancels it. StockIssuedAt: inventory posted its sales-out.
/// </summary>
public sealed record FulfilmentShipmentDto(
    Guid Id, string? Number, string Warehouse, FulfilmentShipmentStatus Status, IReadOnlyList<FulfilmentLineDto> Lines, string? Carrier, string? WaybillNumber,
    int? Packages, bool Superseded, DateTimeOffset? CreatedAt, DateTimeOffset? PickedAt, DateTimeOffset? PackedAt, DateTimeOffset? DispatchedAt,
    DateTimeOffset? InTransitAt, DateTimeOffset? DeliveredAt, DateTimeOffset? DeliveryFailedAt, string? FailureReason, DateTimeOffset? ReturnedAt,
    DateTimeOffset? CancelledAt, string? CancelReason, DateTimeOffset? DeliveryDueAt, DateTimeOffset? StockIssuedAt);

/// <summary>What inventory holds for the order in one warehouse (StockReserved, adjusted by line changes and releases).</summary>
public sealed record AllocationDto(string Sku, string Warehouse, decimal Quantity);

/// <summary>
/// An undo the order waits for or got: Kind "release-reservation" (inventory) or "cancel-shipment" (logistics, Subject
/// the warehouse). Status Awaited, Done or Failed (a person has to act: see the alerts).
/// </summary>
public sealed record CompensationDto(string Kind, string Subject, string Service, string Description, string Status, DateTimeOffset RequestedAt,
    DateTimeOffset? SettledAt, string? Note);

/// <summary>
/// Something about an order's fulfilment that needs attention: Kind dispatch-overdue, delivery-overdue,
/// delivery-failed, cancellation-failed, shipment-cancelled, stock-issue-failed or reservation-expired. Raised once;
/// ClearedAt set when the step it waited for happened, or when a person resolved it.
/// </summary>
public sealed record FulfilmentAlertDto(
    long Id, Guid OrderId, long OrderNumber, string Kind, Guid? ShipmentId, string Message, DateTimeOffset RaisedAt, DateTimeOffset? ClearedAt,
    string? ClearedBy, string? ClearedBecause);

public sealed record ReturnedLineDto(string Sku, decimal Quantity, string Condition);

/// <summary>A customer return of the order: authorized lines, and what arrived back (with its condition) once received.</summary>
public sealed record FulfilmentReturnDto(
    Guid Id, string Number, string? Reason, IReadOnlyList<FulfilmentLineDto> Authorized, IReadOnlyList<ReturnedLineDto> Received, string? Warehouse,
    DateTimeOffset? AuthorizedAt, DateTimeOffset? ReceivedAt);

/// <summary>
/// The fulfilment of an order: its state, the current shipment request (RequestId; a newer one supersedes it), the
/// service level and the dispatch deadline, the shipments, the stock inventory holds for it, compensations, alerts
/// (open and cleared) and customer returns.
/// </summary>
public sealed record FulfilmentDto(
    FulfilmentState State,
    Guid? RequestId,
    DateTimeOffset? RequestedAt,
    string? ServiceLevel,
    DateTimeOffset? DispatchDueAt,
    IReadOnlyList<FulfilmentShipmentDto> Shipments,
    IReadOnlyList<AllocationDto> Allocation,
    IReadOnlyList<CompensationDto> Compensations,
    IReadOnlyList<FulfilmentAlertDto> Alerts,
    IReadOnlyList<FulfilmentReturnDto> Returns,
    DateTimeOffset UpdatedAt);

public sealed record OrderSummaryDto(
    Guid Id, long Number, OrderStatus Status, string Channel, string? ExternalRef, string Currency, decimal Total, int LineCount, DateTimeOffset PlacedAt,
    IReadOnlyList<string>? Tags = null, bool Archived = false, Guid? CustomerId = null);

/// <summary>
/// One page of a search; <see cref="Next"/> is the cursor of the following page, null at the end. TextTruncated says
/// free text matched more orders than a search considers: add a filter or a longer word.
/// </summary>
public sealed record OrderSearchPageDto(IReadOnlyList<OrderSummaryDto> Items, string? Next, bool TextTruncated = false);

public sealed record OrderCreatedDto(Guid Id, long Number, OrderStatus Status);

public sealed record AttributeDefinitionDto(string Name, string Label, string Type, bool Required, IReadOnlyList<string> AllowedValues, long Version);

/// <summary>
/// A bulk import of a CSV file (docs/import.md). Rows count data rows; an order of several rows is accepted or
/// rejected whole. Skipped rows belong to orders that already exist (same channel and external reference): importing
/// a file again adds nothing. Progress is ProcessedRows of TotalRows while Status is Queued or Running.
/// </summary>
public sealed record OrderImportDto(
    Guid Id, string FileName, string Status, int TotalRows, int ProcessedRows, int AcceptedOrders, int AcceptedRows, int RejectedRows,
    int SkippedRows, string? Error, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    public bool Finished => Status is "Completed" or "Failed";

    public int Percent => TotalRows == 0 ? (Finished ? 100 : 0) : (int)Math.Min(100, ProcessedRows * 100L / TotalRows);
}

/// <summary>A rejected row of an import: its number among the data rows (1 is the first row after the header) and why.</summary>
public sealed record ImportRejectionDto(int Row, string? ExternalRef, string Reason);

public sealed record ImportRejectionPageDto(IReadOnlyList<ImportRejectionDto> Items, int? Next);

/// <summary>
/// The CSV format of order imports (docs/import.md): the columns a file must have, may have for the order and for each
/// line, the prefix of extension attribute columns (attr.&lt;name&gt;), the channel of rows that name none, the size limit.
/// </summary>
public sealed record OrderImportFormatDto(
    IReadOnlyList<string> RequiredColumns,
    IReadOnlyList<string> OrderColumns,
    IReadOnlyList<string> LineColumns,
    string AttributePrefix,
    string DefaultChannel,
    long MaxFileBytes);

public sealed record MoneyDto(string Currency, decimal Amount);

/// <summary>One business day (in the tenant's time zone): orders placed, and revenue of those not cancelled or rejected.</summary>
public sealed record DailyOrdersDto(DateOnly Date, int Orders, IReadOnlyList<MoneyDto> Revenue);

public sealed record OrderedLine(int LineNo, string Sku, decimal Quantity);

/// <summary>
/// A line as the orders service priced it (see OrderLineDto): Net = LineTotal − TaxAmount is what the customer is
/// charged for the line before tax, after its own discount and its share of the order's discounts.
/// </summary>
public sealed record PricedOrderLine(int LineNo, string Sku, decimal Quantity, decimal UnitPrice, decimal Discount, decimal AllocatedDiscount, decimal TaxRate,
    decimal TaxAmount, decimal LineTotal);

/// <summary>
/// An order's prices, for finance to invoice deliveries from (it never reprices) and for reporting, which needs the
/// money of an order without asking the orders API for each one. Shipping is not taxed; the subtotal (before discounts,
/// tax and shipping) is GrandTotal − TaxTotal − ShippingFee + DiscountTotal.
/// </summary>
public sealed record OrderPricingDto(string Currency, IReadOnlyList<PricedOrderLine> Lines, decimal ShippingFee, decimal DiscountTotal, decimal TaxTotal,
    decimal GrandTotal);

/// <summary>
/// A customer placed an order; inventory reserves it. Carries no personal data: CustomerReference is the customer's id
/// in another system (not personal data, like the order's own), Province the region of the shipping address only.
/// Pricing carries its prices. An older event has none of the three.
/// </summary>
public sealed record OrderPlaced(
    Guid OrderId, long Number, string Channel, IReadOnlyList<OrderedLine> Lines, DateTimeOffset PlacedAt, string? PreferredWarehouse = null,
    OrderPricingDto? Pricing = null, string? CustomerReference = null, string? Province = null);

/// <summary>Every line of the order is reserved.</summary>
public sealed record OrderConfirmed(Guid OrderId, long Number);

/// <summary>The order could not be reserved.</summary>
public sealed record OrderRejected(Guid OrderId, long Number, string Reason);

/// <summary>The order was cancelled; whatever was reserved or started for it must be undone.</summary>
public sealed record OrderCancelled(Guid OrderId, long Number, string Reason, OrderStatus PreviousStatus);

public sealed record LineChangeDto(Guid ChangeId, IReadOnlyList<OrderedLine> Lines);

/// <summary>
/// The order was edited (Fields names what changed, never personal values). With LineChange, new lines wait for
/// inventory: it adjusts the reservation by the difference and answers ReservationAdjusted or ReservationAdjustmentFailed.
/// </summary>
public sealed record OrderChanged(Guid OrderId, long Number, long Version, IReadOnlyList<string> Fields, LineChangeDto? LineChange);

/// <summary>A proposed line change was applied: the order's lines are now these, and its prices these.</summary>
public sealed record OrderLinesChanged(Guid OrderId, long Number, Guid ChangeId, IReadOnlyList<OrderedLine> Lines, OrderPricingDto? Pricing = null);

/// <summary>A proposed line change was refused (not enough stock); the order's lines stayed as they were.</summary>
public sealed record OrderLineChangeRejected(Guid OrderId, long Number, Guid ChangeId, string Reason);

/// <summary>
/// An order was imported as history: it reached its final status (Completed, Cancelled, Returned…) in another system
/// at ClosedAt. Nothing is reserved or shipped for it; search and reports count it. Carries no personal data.
/// </summary>
public sealed record HistoricOrderImported(
    Guid OrderId, long Number, string Channel, OrderStatus Status, DateTimeOffset PlacedAt, DateTimeOffset ClosedAt, string Currency, decimal Total,
    IReadOnlyList<OrderedLine> Lines, IReadOnlyList<PaymentRecordDto> Payments);

/// <summary>The order left the warehouse.</summary>
public sealed record OrderDispatched(Guid OrderId, long Number);

/// <summary>How many orders (live and archived) each personal data key version still protects.</summary>
public sealed record KeyUsageDto(int KeyVersion, int Orders, int ArchivedOrders);

/// <summary>The current personal data key, and whether every order is re-encrypted under it yet.</summary>
public sealed record PersonalDataStatusDto(int CurrentKeyVersion, IReadOnlyList<KeyUsageDto> Usage, bool ReencryptionDone);

/// <summary>The lines of one shipment to make: what leaves one warehouse for the order.</summary>
public sealed record RequestedShipmentDto(string Warehouse, IReadOnlyList<OrderedLine> Lines);

/// <summary>
/// The fulfilment process asks logistics for the order's shipments, one per warehouse the stock is reserved in.
/// RequestId identifies this request: a later request for the same order (its lines changed before dispatch)
/// supersedes it, and logistics cancels the shipments of the older request that have not left. DispatchDueAt is when
/// the order should have left by its service level (the first request's deadline; a later request keeps it).
/// </summary>
public sealed record ShipmentsRequested(
    Guid OrderId, long Number, Guid RequestId, IReadOnlyList<RequestedShipmentDto> Shipments, string? ServiceLevel, DateOnly? RequestedDeliveryDate,
    DateTimeOffset RequestedAt, DateTimeOffset? DispatchDueAt = null);

/// <summary>Every shipment of the order was delivered: the order is Completed.</summary>
public sealed record OrderCompleted(Guid OrderId, long Number, DateTimeOffset CompletedAt);

/// <summary>Goods of the order came back: Fully when every shipped unit did (status Returned), else PartiallyReturned.</summary>
public sealed record OrderReturned(Guid OrderId, long Number, bool Fully, DateTimeOffset ReturnedAt);

/// <summary>An entry of a customer's address book.</summary>
public sealed record CustomerAddressDto(string? Label, string? Consignee, string? Phone, AddressDto Address);

/// <summary>
/// What a customer's orders add up to (merged duplicates included, archived orders too): how many, the lifetime value
/// per currency (orders neither cancelled nor rejected), the first and the last.
/// </summary>
public sealed record CustomerStatsDto(int Orders, IReadOnlyList<MoneyDto> LifetimeValue, DateTimeOffset? FirstOrderAt, DateTimeOffset? LastOrderAt);

/// <summary>
/// A customer of the master. MergedInto names the customer this one was merged into (a duplicate); Stats are filled
/// on the customer's own page and in lists.
/// </summary>
public sealed record CustomerDetailsDto(
    Guid Id, long Number, string Name, string? Phone, string? Email, string? Reference, string? Notes, IReadOnlyList<CustomerAddressDto> Addresses,
    Guid? MergedInto, DateTimeOffset CreatedAt, long Version, CustomerStatsDto? Stats = null);

/// <summary>The outcome of one item of a bulk action: done, or the problem that refused it (title and detail).</summary>
public sealed record BulkItemResultDto(Guid Id, bool Succeeded, string? Title = null, string? Detail = null, long? Number = null);

public sealed record BulkResultDto(IReadOnlyList<BulkItemResultDto> Items)
{
    // A loop rather than LINQ: contracts reference nothing but the base library.
    public int Succeeded
    {
        get
        {
            var succeeded = 0;
            foreach (var item in Items)
                if (item.Succeeded)
                    succeeded++;
            return succeeded;
        }
    }

    public int Failed => Items.Count - Succeeded;
}
