using System.Globalization;
using Tessera.Procurement.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Procurement.Domain;

public sealed class PurchaseOrderLine : ITenantOwned
{
    public Guid PurchaseOrderId { get; set; }
    public int LineNo { get; set; }
    public string TenantId { get; set; } = "";
    public string Sku { get; set; } = "";
    public decimal Quantity { get; set; }
    public decimal UnitPrice { get; set; }

    /// <summary>A fraction: 0.1 is 10 %.</summary>
    public decimal TaxRate { get; set; }

    public decimal Subtotal { get; set; }
    public decimal TaxAmount { get; set; }
    public decimal Total { get; set; }

    /// <summary>Accepted into stock by goods receipts so far.</summary>
    public decimal ReceivedQuantity { get; set; }

    /// <summary>Refused at the door by goods receipts so far (never stocked).</summary>
    public decimal RejectedQuantity { get; set; }

    public decimal Outstanding => Math.Max(0, Quantity - ReceivedQuantity);
}

public sealed class PurchaseOrderStatusChange : ITenantOwned
{
    public long Id { get; set; }
    public Guid PurchaseOrderId { get; set; }
    public string TenantId { get; set; } = "";
    public PurchaseOrderStatus Status { get; set; }
    public DateTimeOffset At { get; set; }
    public string By { get; set; } = "";
    public string? Reason { get; set; }
}

/// <summary>What a line of a draft purchase order becomes: the server computes its amounts.</summary>
public sealed record DraftLine(string Sku, decimal Quantity, decimal UnitPrice, decimal TaxRate);

/// <summary>A quantity received on one line of a purchase order by one goods receipt.</summary>
public sealed record LineReceipt(int LineNo, decimal Accepted, decimal Rejected);

public enum TransitionOutcome
{
    Done,

    /// <summary>The order is already in the status asked for: a retried request changes nothing.</summary>
    Unchanged,

    NotAllowed,
}

/// <summary>
/// A purchase order. Its lifecycle is explicit (<see cref="Allowed"/>): a Draft's lines can be edited; approving
/// freezes them; goods receipts move it to PartiallyReceived and Received on their own; purchasing closes it (also
/// short, when the rest will not come) or cancels it while nothing has been received. Every status change is in
/// <see cref="History"/> with who, when and why.
/// </summary>
public sealed class PurchaseOrder : ITenantOwned, IVersioned
{
    public const string ManualOrigin = "manual";
    public const string ReorderOrigin = "reorder";
    public const int MaxLines = 500;

    private static readonly IReadOnlyDictionary<PurchaseOrderStatus, PurchaseOrderStatus[]> Allowed = new Dictionary<PurchaseOrderStatus, PurchaseOrderStatus[]>
    {
        [PurchaseOrderStatus.Draft] = [PurchaseOrderStatus.Approved, PurchaseOrderStatus.Cancelled],
        [PurchaseOrderStatus.Approved] = [PurchaseOrderStatus.PartiallyReceived, PurchaseOrderStatus.Received, PurchaseOrderStatus.Cancelled],
        [PurchaseOrderStatus.PartiallyReceived] = [PurchaseOrderStatus.Received, PurchaseOrderStatus.Closed],
        [PurchaseOrderStatus.Received] = [PurchaseOrderStatus.Closed],
        [PurchaseOrderStatus.Closed] = [],
        [PurchaseOrderStatus.Cancelled] = [],
    };

    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public long Sequence { get; set; }
    public string Number { get; set; } = "";
    public Guid SupplierId { get; set; }
    public string Warehouse { get; set; } = "";
    public string Currency { get; set; } = "";
    public PurchaseOrderStatus Status { get; private set; }
    public string Origin { get; set; } = ManualOrigin;
    public string? Reference { get; set; }
    public DateOnly? ExpectedDate { get; set; }
    public decimal Subtotal { get; private set; }
    public decimal TaxTotal { get; private set; }
    public decimal Total { get; private set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; private set; }
    public long Version { get; set; }
    public List<PurchaseOrderLine> Lines { get; set; } = [];
    public List<PurchaseOrderStatusChange> History { get; set; } = [];

    public static bool CanMove(PurchaseOrderStatus from, PurchaseOrderStatus to) => Allowed[from].Contains(to);

    public static PurchaseOrder Draft(Guid id, long sequence, Supplier supplier, string warehouse, string origin, string by, DateTimeOffset now, string? reason = null)
    {
        var order = new PurchaseOrder
        {
            Id = id,
            Sequence = sequence,
            Number = Numbering.Format(Numbering.PurchaseOrder, sequence),
            SupplierId = supplier.Id,
            Warehouse = warehouse,
            Currency = supplier.Currency,
            Origin = origin,
            CreatedAt = now,
            CreatedBy = by,
            Version = 1,
        };
        order.Transition(PurchaseOrderStatus.Draft, reason, by, now);
        return order;
    }

    public bool IsDraft => Status == PurchaseOrderStatus.Draft;

    public bool IsReceivable => Status is PurchaseOrderStatus.Approved or PurchaseOrderStatus.PartiallyReceived;

    public string? WhyNotEditable() => IsDraft
        ? null
        : $"Purchase order {Number} is {Status}; only a Draft can be changed. An approved order can only be cancelled (while nothing is received) or closed.";

    public string? WhyNotReceivable() => IsReceivable
        ? null
        : Status switch
        {
            PurchaseOrderStatus.Draft => $"Purchase order {Number} is a Draft; approve it before receiving goods against it.",
            PurchaseOrderStatus.Received => $"Purchase order {Number} is already fully Received.",
            _ => $"Purchase order {Number} is {Status}; nothing more can be received on it.",
        };

    /// <summary>Makes the draft's lines these, numbered 1…n, with amounts rounded to the currency's minor unit.</summary>
    public void SetLines(IReadOnlyList<DraftLine> lines, DateTimeOffset now)
    {
        if (!IsDraft)
            throw new InvalidOperationException(WhyNotEditable());
        var existing = Lines.ToDictionary(l => l.LineNo);
        for (var i = 0; i < lines.Count; i++)
        {
            var lineNo = i + 1;
            if (!existing.Remove(lineNo, out var line))
            {
                line = new PurchaseOrderLine { PurchaseOrderId = Id, LineNo = lineNo };
                Lines.Add(line);
            }
            var draft = lines[i];
            (line.Sku, line.Quantity, line.UnitPrice, line.TaxRate) = (draft.Sku, draft.Quantity, draft.UnitPrice, draft.TaxRate);
            line.Subtotal = Currencies.Round(draft.Quantity * draft.UnitPrice, Currency);
            line.TaxAmount = Currencies.Round(line.Subtotal * draft.TaxRate, Currency);
            line.Total = line.Subtotal + line.TaxAmount;
        }
        foreach (var removed in existing.Values)
            Lines.Remove(removed);
        Subtotal = Lines.Sum(l => l.Subtotal);
        TaxTotal = Lines.Sum(l => l.TaxAmount);
        Total = Lines.Sum(l => l.Total);
        UpdatedAt = now;
    }

    public IReadOnlyList<DraftLine> DraftLines() => Lines.OrderBy(l => l.LineNo).Select(l => new DraftLine(l.Sku, l.Quantity, l.UnitPrice, l.TaxRate)).ToList();

    public (TransitionOutcome Outcome, string? Why) Approve(string by, DateTimeOffset now)
    {
        if (Status == PurchaseOrderStatus.Approved)
            return (TransitionOutcome.Unchanged, null);
        if (!CanMove(Status, PurchaseOrderStatus.Approved))
            return (TransitionOutcome.NotAllowed, $"Purchase order {Number} is {Status}; only a Draft can be approved.");
        if (Lines.Count == 0)
            return (TransitionOutcome.NotAllowed, $"Purchase order {Number} has no lines; add at least one before approving it.");
        Transition(PurchaseOrderStatus.Approved, null, by, now);
        return (TransitionOutcome.Done, null);
    }

    /// <summary>Cancels a Draft, or an Approved order on which nothing has been accepted yet (rejected deliveries do not count).</summary>
    public (TransitionOutcome Outcome, string? Why) Cancel(string reason, string by, DateTimeOffset now)
    {
        if (Status == PurchaseOrderStatus.Cancelled)
            return (TransitionOutcome.Unchanged, null);
        if (!CanMove(Status, PurchaseOrderStatus.Cancelled) || Lines.Any(l => l.ReceivedQuantity > 0))
            return (TransitionOutcome.NotAllowed,
                $"Purchase order {Number} is {Status}; only a Draft or an Approved order with nothing received can be cancelled." +
                (Status is PurchaseOrderStatus.PartiallyReceived or PurchaseOrderStatus.Received ? " Close it instead." : ""));
        Transition(PurchaseOrderStatus.Cancelled, reason, by, now);
        return (TransitionOutcome.Done, null);
    }

    /// <summary>Closes a Received order, or short-closes a PartiallyReceived one (a reason is then required: the rest will not come).</summary>
    public (TransitionOutcome Outcome, string? Why) Close(string? reason, string by, DateTimeOffset now)
    {
        if (Status == PurchaseOrderStatus.Closed)
            return (TransitionOutcome.Unchanged, null);
        if (!CanMove(Status, PurchaseOrderStatus.Closed))
            return (TransitionOutcome.NotAllowed,
                $"Purchase order {Number} is {Status}; only a Received or PartiallyReceived order can be closed." +
                (Status is PurchaseOrderStatus.Draft or PurchaseOrderStatus.Approved ? " Cancel it instead." : ""));
        if (Status == PurchaseOrderStatus.PartiallyReceived && string.IsNullOrWhiteSpace(reason))
            return (TransitionOutcome.NotAllowed, $"Purchase order {Number} is only partly received; say why the rest will not come to close it short.");
        Transition(PurchaseOrderStatus.Closed, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), by, now);
        return (TransitionOutcome.Done, null);
    }

    /// <summary>
    /// The most a line may have received in all: what was ordered plus the tenant's over-receipt tolerance.
    /// </summary>
    public static decimal Allowance(PurchaseOrderLine line, decimal tolerancePercent) => line.Quantity + line.Quantity * tolerancePercent / 100m;

    /// <summary>Why accepting <paramref name="accepted"/> more on the line would receive too much, or null.</summary>
    public static string? OverReceipt(PurchaseOrderLine line, decimal accepted, decimal tolerancePercent)
    {
        var allowed = Allowance(line, tolerancePercent);
        var after = line.ReceivedQuantity + accepted;
        return after <= allowed
            ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"Line {line.LineNo} ({line.Sku}): ordered {line.Quantity:0.####}, already received {line.ReceivedQuantity:0.####}; receiving {accepted:0.####} more would make {after:0.####}, over the {allowed:0.####} allowed (over-receipt tolerance {tolerancePercent:0.##} %).");
    }

    /// <summary>
    /// Books a goods receipt's quantities on the lines; the order becomes Received when every line has received what was
    /// ordered, PartiallyReceived when some has arrived.
    /// </summary>
    public void Receive(IReadOnlyList<LineReceipt> receipt, string receiptNumber, string by, DateTimeOffset now)
    {
        if (!IsReceivable)
            throw new InvalidOperationException(WhyNotReceivable());
        var lines = Lines.ToDictionary(l => l.LineNo);
        foreach (var line in receipt)
        {
            lines[line.LineNo].ReceivedQuantity += line.Accepted;
            lines[line.LineNo].RejectedQuantity += line.Rejected;
        }
        var target = Lines.All(l => l.ReceivedQuantity >= l.Quantity) ? PurchaseOrderStatus.Received
            : Lines.Any(l => l.ReceivedQuantity > 0) ? PurchaseOrderStatus.PartiallyReceived
            : Status;
        if (target != Status)
            Transition(target, $"Goods receipt {receiptNumber}", by, now);
        else
            UpdatedAt = now;
    }

    private void Transition(PurchaseOrderStatus status, string? reason, string by, DateTimeOffset now)
    {
        Status = status;
        UpdatedAt = now;
        History.Add(new PurchaseOrderStatusChange { PurchaseOrderId = Id, Status = status, At = now, By = by, Reason = reason });
    }
}
