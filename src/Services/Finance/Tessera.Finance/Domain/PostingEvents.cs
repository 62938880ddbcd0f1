namespace Tessera.Finance.Domain;

/// <summary>
/// A business event the ledger posts, in the ledger's own words (several integration events map onto one, e.g.
/// StockIssued of a shipment is "shipment-dispatched"). Fields are the amounts its rule lines may use; Derived fields
/// are defined by the others (an invoice's total is goods + shipping + tax), which is what lets a rule be proved to
/// balance. Dimensions are the warehouse sets a line may pick (only transfers have two). SplitField is the amount that
/// is spread over documents on the receivable or payable account (a payment's allocations).
/// </summary>
public sealed record PostingEvent(
    string Key,
    string Description,
    IReadOnlyList<string> Fields,
    IReadOnlyDictionary<string, AmountExpression> Derived,
    IReadOnlyList<string> Dimensions,
    string? SplitField = null)
{
    public IEnumerable<string> AllFields => Fields.Concat(Derived.Keys);
}

public static class PostingEvents
{
    public const string DefaultDimension = "default";

    public const string GoodsReceived = "goods-received";
    public const string StockReceived = "stock-received";
    public const string SupplierReturnShipped = "supplier-return-shipped";
    public const string ManualIssue = "manual-issue";
    public const string ManualSupplierReturn = "manual-supplier-return";
    public const string ShipmentDispatched = "shipment-dispatched";
    public const string ShipmentDelivered = "shipment-delivered";
    public const string DeliveryReturned = "delivery-returned";
    public const string CustomerReturnRestocked = "customer-return-restocked";
    public const string CountGain = "count-gain";
    public const string CountLoss = "count-loss";
    public const string TransferShipped = "transfer-shipped";
    public const string InvoiceIssued = "invoice-issued";
    public const string CreditNoteIssued = "credit-note-issued";
    public const string BillApproved = "bill-approved";
    public const string CustomerPayment = "customer-payment";
    public const string CustomerPaymentCash = "customer-payment-cash";
    public const string SupplierPayment = "supplier-payment";
    public const string SupplierPaymentCash = "supplier-payment-cash";

    private static readonly IReadOnlyDictionary<string, AmountExpression> None = new Dictionary<string, AmountExpression>();
    private static readonly string[] Default = [DefaultDimension];

    private static PostingEvent Stock(string key, string description) => new(key, description, ["value"], None, Default);

    private static AmountExpression Sum(params string[] fields) => AmountExpression.Of(fields.ToDictionary(f => f, _ => 1m));

    private static readonly IReadOnlyDictionary<string, AmountExpression> SalesTotal =
        new Dictionary<string, AmountExpression> { ["total"] = Sum("goods", "shipping", "tax") };

    private static readonly IReadOnlyDictionary<string, AmountExpression> Received =
        new Dictionary<string, AmountExpression> { ["received"] = AmountExpression.Of(new Dictionary<string, decimal> { ["amount"] = 1m, ["fee"] = -1m }) };

    public static readonly IReadOnlyList<PostingEvent> All =
    [
        Stock(GoodsReceived, "Goods received on a purchase order (inventory's purchase-in at the PO price)"),
        Stock(StockReceived, "Goods received without a purchase order (a manual receipt in inventory)"),
        Stock(SupplierReturnShipped, "Goods sent back to a supplier (supplier-return-out at the moving average)"),
        Stock(ManualIssue, "Goods issued by hand as sales-out, without a shipment"),
        Stock(ManualSupplierReturn, "Goods issued by hand as supplier-return-out, without a supplier return"),
        Stock(ShipmentDispatched, "A shipment handed to the carrier (sales-out at the moving average)"),
        new(ShipmentDelivered, "A shipment delivered: its cost leaves goods in transit", ["cost"], None, Default),
        Stock(DeliveryReturned, "A failed delivery back in the warehouse (return to origin, at the cost it left at)"),
        Stock(CustomerReturnRestocked, "Goods a customer returned after delivery, back in stock at the cost they left at"),
        Stock(CountGain, "A count found more than the book (count-adjust-in)"),
        Stock(CountLoss, "A count found less than the book (count-adjust-out)"),
        new(TransferShipped, "Goods sent from one warehouse to another (they stay inventory while in transit)", ["value"], None, ["from", "to"]),
        new(InvoiceIssued, "A customer invoice for a delivered shipment", ["goods", "shipping", "tax"], SalesTotal, Default),
        new(CreditNoteIssued, "A credit note for goods a customer returned", ["goods", "shipping", "tax"], SalesTotal, Default),
        new(BillApproved, "A supplier bill that passed the three-way match", ["goods", "variance", "tax"],
            new Dictionary<string, AmountExpression> { ["total"] = Sum("goods", "variance", "tax") }, Default),
        new(CustomerPayment, "A customer payment or COD remittance into the bank (a carrier's fee kept back)", ["amount", "fee"], Received, Default, "amount"),
        new(CustomerPaymentCash, "A customer payment in cash", ["amount", "fee"], Received, Default, "amount"),
        new(SupplierPayment, "A payment to a supplier from the bank", ["amount"], None, Default, "amount"),
        new(SupplierPaymentCash, "A payment to a supplier in cash", ["amount"], None, Default, "amount"),
    ];

    private static readonly Dictionary<string, PostingEvent> ByKey = All.ToDictionary(e => e.Key, StringComparer.Ordinal);

    public static PostingEvent? Find(string key) => ByKey.GetValueOrDefault(key);

    public static PostingEvent Get(string key) => ByKey.TryGetValue(key, out var e) ? e : throw new ArgumentException($"No posting event '{key}'.", nameof(key));
}
