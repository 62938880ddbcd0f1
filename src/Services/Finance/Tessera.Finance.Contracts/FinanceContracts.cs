namespace Tessera.Finance.Contracts;

// ---- Events (finance publishes; reporting and the orders service consume) ----

/// <summary>
/// A line of an invoice or credit note as issued. Kind "goods" (a SKU of the order) or "shipping" (the order's shipping
/// fee). Net is after discounts, Tax = Net × TaxRate rounded to the currency.
/// </summary>
public sealed record InvoicedLine(string Kind, string? Sku, decimal Quantity, decimal UnitPrice, decimal Net, decimal TaxRate, decimal Tax);

/// <summary>
/// A customer invoice was issued for a delivered shipment of an order (Dr receivable / Cr revenue, Cr output VAT).
/// CostOfSales is what finance posted to COGS (Dr 632 / Cr 157) for that delivery, when it was posted by the time the
/// invoice was issued; null when the cost came later (or in events published before the field existed).
/// </summary>
public sealed record InvoiceIssued(
    Guid InvoiceId, string Number, Guid OrderId, Guid? ShipmentId, DateOnly Date, string Currency, decimal Net, decimal Tax, decimal Total,
    IReadOnlyList<InvoicedLine> Lines, DateTimeOffset IssuedAt, decimal? CostOfSales = null);

/// <summary>
/// A credit note was issued against an invoice for goods the customer returned (Dr revenue deductions, Dr output VAT / Cr receivable).
/// CostOfSales is what finance took back off COGS (Dr 156 / Cr 632) for the return's restocked goods, when inventory's
/// restock was posted by the time the note was issued; null when it came later (or in events published before the field
/// existed). A return credited on several invoices carries its cost on the first note only.
/// </summary>
public sealed record CreditNoteIssued(
    Guid CreditNoteId, string Number, Guid InvoiceId, string InvoiceNumber, Guid OrderId, Guid? ReturnId, DateOnly Date, string Currency, decimal Net,
    decimal Tax, decimal Total, IReadOnlyList<InvoicedLine> Lines, DateTimeOffset IssuedAt, decimal? CostOfSales = null);

/// <summary>What part of a payment went to which document: an invoice (customer payments) or a bill (supplier payments).</summary>
public sealed record AllocatedLine(Guid DocumentId, string DocumentType, string DocumentNumber, Guid? OrderId, decimal Amount);

/// <summary>A customer payment (or a carrier's COD remittance) or a supplier payment was recorded. Unallocated stays on account.</summary>
public sealed record PaymentRecorded(
    Guid PaymentId, string Number, string Kind, DateOnly Date, string Method, string Currency, decimal Amount, decimal Fee, decimal Unallocated,
    IReadOnlyList<AllocatedLine> Allocations, DateTimeOffset RecordedAt);

/// <summary>A supplier bill passed the three-way match (or was corrected until it did) and is posted to payables.</summary>
public sealed record BillApproved(
    Guid BillId, string Number, Guid PurchaseOrderId, Guid SupplierId, string SupplierInvoiceNumber, DateOnly Date, string Currency, decimal Net,
    decimal Tax, decimal Total, DateTimeOffset ApprovedAt);

/// <summary>
/// A period was closed: Kind "month" (the lock date moved past its end) or "year" (revenue and expense closed to the
/// result). Nothing can be posted on or before LockDate any more.
/// </summary>
public sealed record PeriodClosed(string Kind, DateOnly Start, DateOnly End, DateOnly LockDate, string ClosedBy, DateTimeOffset ClosedAt);

// ---- The finance API (DTOs) ----

/// <summary>An account of the tenant's chart. Type: asset, liability, equity, revenue or expense.</summary>
public sealed record AccountDto(
    string Code, string Name, string NameVi, string Type, bool Active, string? Parent, string NormalSide, string? Statement, string? Role,
    bool HasPostings, long Version);

/// <summary>
/// One account of a trial balance: Debit and Credit are its closing balance on each side (one of them zero). With a
/// date range, Opening* are the balances before From and Period* the movements within it.
/// </summary>
public sealed record TrialBalanceLineDto(
    string Account, string Name, decimal Debit, decimal Credit, string NameVi, string Type, decimal OpeningDebit = 0, decimal OpeningCredit = 0,
    decimal PeriodDebit = 0, decimal PeriodCredit = 0);

public sealed record TrialBalanceDto(DateOnly AsOf, IReadOnlyList<TrialBalanceLineDto> Lines, decimal TotalDebit, decimal TotalCredit, DateOnly? From = null,
    string Currency = "VND");

/// <summary>A line of a journal entry. Warehouse and Document are dimensions (the warehouse of stock; the invoice, bill, payment or shipment).</summary>
public sealed record JournalLineDto(int LineNo, string Account, string AccountName, decimal Debit, decimal Credit, string? Warehouse, string? Document, string? Memo);

/// <summary>
/// A posted journal entry (immutable). Kind: event (posted from another service's event by a posting rule), manual,
/// reversal, closing or allocation. SourceType/SourceId name the document it comes from and SourceLink where to see it.
/// OriginalDate is set when the entry's own date fell in a locked period and it was posted on the first open date.
/// </summary>
public sealed record JournalEntryDto(
    Guid Id, long Number, DateOnly Date, DateOnly? OriginalDate, string Kind, string Description, string? SourceType, string? SourceId,
    string? SourceLink, string? Rule, int? RuleVersion, Guid? Reverses, Guid? ReversedBy, IReadOnlyList<JournalLineDto> Lines, decimal Total,
    DateTimeOffset PostedAt, string PostedBy, string Hash, string? Note);

/// <summary>One page of entries, newest first; Next is the cursor (before=) of the next older page.</summary>
public sealed record JournalEntryPageDto(IReadOnlyList<JournalEntryDto> Items, string? Next);

/// <summary>A movement on an account with the running balance (debit positive) after it.</summary>
public sealed record StatementLineDto(Guid EntryId, long EntryNumber, DateOnly Date, string Description, string? SourceType, string? SourceId,
    string? SourceLink, decimal Debit, decimal Credit, decimal Balance, string? Warehouse, string? Document);

/// <summary>An account statement (general ledger of one account) over [From, To]: opening balance, movements, closing balance.</summary>
public sealed record AccountStatementDto(string Account, string Name, DateOnly From, DateOnly To, decimal Opening, decimal TotalDebit, decimal TotalCredit,
    decimal Closing, IReadOnlyList<StatementLineDto> Lines, string? Next);

public sealed record InvoiceLineDto(int LineNo, string Kind, string? Sku, string Description, decimal Quantity, decimal UnitPrice, decimal Discount, decimal Net,
    decimal TaxRate, decimal Tax, decimal Total);

/// <summary>A customer invoice. Outstanding = Total − Credited − Paid. Status: Open, PartiallyPaid, Paid, Credited (fully credited).</summary>
public sealed record InvoiceDto(
    Guid Id, string Number, Guid OrderId, long? OrderNumber, Guid? ShipmentId, DateOnly Date, DateOnly DueDate, string Currency, decimal Net, decimal Tax,
    decimal Total, decimal Credited, decimal Paid, decimal Outstanding, string Status, IReadOnlyList<InvoiceLineDto> Lines, Guid EntryId);

public sealed record CreditNoteDto(
    Guid Id, string Number, Guid InvoiceId, string InvoiceNumber, Guid OrderId, Guid? ReturnId, DateOnly Date, string Currency, decimal Net, decimal Tax,
    decimal Total, IReadOnlyList<InvoiceLineDto> Lines, Guid EntryId);

public sealed record PaymentAllocationDto(Guid DocumentId, string DocumentType, string DocumentNumber, decimal Amount, DateOnly Date);

/// <summary>A payment: Kind customer (received, Method bank, cash or cod) or supplier (paid). Fee: what a carrier kept from a COD remittance.</summary>
public sealed record PaymentDto(
    Guid Id, string Number, string Kind, DateOnly Date, string Method, string Currency, decimal Amount, decimal Fee, decimal Allocated, decimal Unallocated,
    string? Reference, IReadOnlyList<PaymentAllocationDto> Allocations, Guid EntryId, DateTimeOffset RecordedAt, string RecordedBy);

/// <summary>
/// A line of a supplier bill against a purchase order line, with what the match compared: the PO price, what was
/// received and what earlier bills already billed.
/// </summary>
public sealed record BillLineDto(int LineNo, string Sku, decimal Quantity, decimal UnitPrice, decimal TaxRate, decimal Net, decimal Tax,
    decimal PurchaseOrderUnitPrice, decimal ReceivedQuantity, decimal PreviouslyBilled);

/// <summary>
/// A supplier bill. Status Held (the three-way match failed: HoldReasons says why; correct it and it is matched again)
/// or Approved (posted). Variance is the billed net minus the PO value of the billed quantities (within tolerance).
/// </summary>
public sealed record BillDto(
    Guid Id, string Number, Guid PurchaseOrderId, string? PurchaseOrderNumber, Guid? SupplierId, string SupplierInvoiceNumber, DateOnly Date, DateOnly DueDate,
    string Currency, string Status, IReadOnlyList<string> HoldReasons, decimal Net, decimal Tax, decimal Total, decimal Variance, decimal Paid,
    decimal Outstanding, IReadOnlyList<BillLineDto> Lines, Guid? EntryId, long Version, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>A line of a posting rule: post Amount (an expression over the event's fields) to Account on Side; Dimension picks a dimension set (transfers: from, to).</summary>
public sealed record PostingRuleLineDto(string Side, string Account, string Amount, string? Dimension = null);

/// <summary>
/// The version of a posting rule in force (or a past one): which entry lines a posting event makes. Fields are what
/// its amount expressions may use; EffectiveFrom is when the version took over (events that happened earlier keep the
/// version in force then).
/// </summary>
public sealed record PostingRuleDto(string Event, string Description, int Version, DateTimeOffset EffectiveFrom, IReadOnlyList<PostingRuleLineDto> Lines,
    IReadOnlyList<string> Fields, IReadOnlyList<string> Dimensions, string ChangedBy, string? Note);

/// <summary>
/// The tenant's books: its chart of accounts, currency, time zone (business dates are dates there), bill match
/// tolerance (percent), payment terms (days from invoice or bill to due date) and lock date.
/// </summary>
public sealed record LedgerSettingsDto(string Chart, string Currency, string TimeZone, decimal BillTolerancePercent, int CustomerTermsDays,
    int SupplierTermsDays, DateOnly? LockDate, long Entries, long Version);

public sealed record PeriodDto(int Year, int Month, DateOnly Start, DateOnly End, bool Locked);

/// <summary>A fiscal year (calendar year): Open, or Closed with the entry that closed revenue and expense to the result.</summary>
public sealed record FiscalYearDto(int Year, DateOnly Start, DateOnly End, string Status, Guid? ClosingEntryId, DateTimeOffset? ClosedAt, string? ClosedBy);

/// <summary>An audited change of the books' periods: lock, close-year, reopen-year, unlock.</summary>
public sealed record PeriodChangeDto(string Action, DateOnly? LockDateBefore, DateOnly? LockDateAfter, int? Year, string By, string? Reason, DateTimeOffset At);

public sealed record PeriodsDto(DateOnly? LockDate, IReadOnlyList<FiscalYearDto> FiscalYears, IReadOnlyList<PeriodDto> Periods, IReadOnlyList<PeriodChangeDto> Changes);

/// <summary>A line of a financial statement (B01-DN / B02-DN for the Vietnamese chart): its code, names, amount, and the accounts it sums.</summary>
public sealed record FinancialStatementLineDto(string Code, string Name, string NameVi, int Level, decimal Amount, IReadOnlyList<string> Accounts, bool Total);

public sealed record BalanceSheetDto(DateOnly AsOf, string Chart, string Form, IReadOnlyList<FinancialStatementLineDto> Lines, decimal TotalAssets,
    decimal TotalLiabilitiesAndEquity, string Currency);

public sealed record IncomeStatementDto(DateOnly From, DateOnly To, string Chart, string Form, IReadOnlyList<FinancialStatementLineDto> Lines, decimal NetRevenue,
    decimal GrossProfit, decimal NetProfit, string Currency);

/// <summary>An open document in an ageing report: DaysOverdue past its due date (negative: not due yet), in Bucket.</summary>
public sealed record AgeingLineDto(Guid DocumentId, string DocumentType, string Number, DateOnly Date, DateOnly DueDate, decimal Total, decimal Outstanding,
    int DaysOverdue, string Bucket, Guid? OrderId, Guid? SupplierId);

public sealed record AgeingBucketDto(string Bucket, decimal Amount, int Documents);

/// <summary>Receivables (Kind "ar") or payables ("ap") as of a date, by how far past due; Ledger is the control account's balance then.</summary>
public sealed record AgeingDto(string Kind, DateOnly AsOf, IReadOnlyList<AgeingBucketDto> Buckets, IReadOnlyList<AgeingLineDto> Lines, decimal Total, decimal Ledger);

/// <summary>Inventory value per warehouse as inventory reports it (on hand + transfers in transit towards it) against the ledger's inventory account.</summary>
public sealed record WarehouseValuationDto(string Warehouse, decimal InventoryValue, decimal Ledger, decimal Difference);

/// <summary>Goods with carriers: the ledger's goods-in-transit account per shipment against what inventory issued for it (less what came back).</summary>
public sealed record ShipmentValuationDto(Guid ShipmentId, Guid? OrderId, string Warehouse, decimal Ledger, decimal InventoryIssued, decimal Difference, string State);

public sealed record InventoryValuationReportDto(
    DateTimeOffset At, IReadOnlyList<WarehouseValuationDto> Warehouses, IReadOnlyList<ShipmentValuationDto> InTransit, decimal InventoryValue,
    decimal InventoryAccount, decimal GoodsInTransitValue, decimal GoodsInTransitAccount, bool Agrees);

/// <summary>Where the hash chain first breaks: the entry, the hash it has and the hash its content and predecessor give.</summary>
public sealed record BrokenEntryDto(Guid EntryId, long Number, string Stored, string Computed, string Reason);

/// <summary>The result of recomputing the tenant's hash chain from the first entry: Ok, how many entries, the head hash.</summary>
public sealed record AuditVerificationDto(bool Ok, long Entries, string Head, BrokenEntryDto? FirstBroken, DateTimeOffset VerifiedAt);

/// <summary>One check of GET /api/finance/consistency: I4–I7, each with its first offending record in Detail when it fails.</summary>
public sealed record ConsistencyCheckDto(string Name, bool Ok, string Detail);

/// <summary>A shipment as finance knows it: what left at cost, whether it was delivered and invoiced, or came back.</summary>
public sealed record ShipmentLedgerDto(Guid ShipmentId, Guid OrderId, string Warehouse, string State, decimal? IssuedValue, decimal? ReturnedValue,
    DateTimeOffset? DeliveredAt, Guid? InvoiceId, string? InvoiceNumber, string? Waiting);
