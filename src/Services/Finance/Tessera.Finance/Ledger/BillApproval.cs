using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Contracts;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Api;

namespace Tessera.Finance.Ledger;

/// <summary>
/// Matches a supplier bill with its purchase order and what was received (three-way match) and, when it matches,
/// approves it: the received goods leave the goods-received-not-invoiced account at the PO price, a price difference
/// within tolerance is a variance, the input VAT is recoverable and the supplier is owed the total. A bill that does
/// not match is held with the reasons; correcting it, or goods arriving later, matches it again.
/// </summary>
public sealed class BillApproval(FinanceDbContext db, LedgerBooks books, RulePoster rules, IOutbox outbox, TimeProvider clock)
{
    /// <summary>Prices the bill's lines (net and tax, rounded to the currency) from what the supplier billed.</summary>
    public static void Price(Bill bill)
    {
        foreach (var line in bill.Lines)
        {
            line.Net = Currencies.Round(line.Quantity * line.UnitPrice, bill.Currency);
            line.Tax = Currencies.Round(line.Net * line.TaxRate, bill.Currency);
        }
        (bill.Net, bill.Tax) = (bill.Lines.Sum(l => l.Net), bill.Lines.Sum(l => l.Tax));
        bill.Total = bill.Net + bill.Tax;
    }

    public async Task MatchAsync(Bill bill, string actor, CancellationToken cancellationToken)
    {
        if (bill.Status == BillStatuses.Approved)
            return;
        var order = await db.PurchaseOrders.Include(p => p.Lines).FirstOrDefaultAsync(p => p.PurchaseOrderId == bill.PurchaseOrderId, cancellationToken);
        var tolerance = (await books.SnapshotAsync(cancellationToken)).BillTolerancePercent;
        var reasons = ThreeWayMatch.Check(order, bill.Lines.Select(l => new BillLineInput(l.PurchaseOrderLineNo, l.Quantity, l.UnitPrice, l.TaxRate)).ToList(),
            tolerance);
        if (reasons.Count > 0)
        {
            (bill.Status, bill.HoldReasons) = (BillStatuses.Held, string.Join('\n', reasons));
            return;
        }

        foreach (var line in bill.Lines)
        {
            var poLine = order!.Lines.Single(l => l.LineNo == line.PurchaseOrderLineNo);
            (line.Sku, line.PurchaseOrderUnitPrice) = (poLine.Sku, poLine.UnitPrice);
            poLine.BilledQuantity += line.Quantity;
        }
        bill.SupplierId = order!.SupplierId;
        var goods = bill.Lines.Sum(l => JournalRules.Round(l.Quantity * l.PurchaseOrderUnitPrice));
        bill.Variance = bill.Net - goods;
        var now = clock.GetUtcNow();
        var posted = await rules.PostAsync(new PostingRequest(PostingEvents.BillApproved, now, "bill", bill.Id.ToString(),
                $"Bill {bill.SupplierInvoiceNumber} ({bill.Number}) for purchase order {order.Number}",
                new Dictionary<string, decimal> { ["goods"] = goods, ["variance"] = bill.Variance, ["tax"] = bill.Tax },
                new Dictionary<string, Dimensions> { [PostingEvents.DefaultDimension] = new(order.Warehouse, bill.Id.ToString()) },
                Date: bill.Date),
            actor, cancellationToken) ?? throw new InvalidOperationException($"Bill {bill.Number} was already posted.");
        (bill.Status, bill.HoldReasons, bill.EntryId, bill.ApprovedAt) = (BillStatuses.Approved, null, posted.Id, now);
        outbox.Publish(new BillApproved(bill.Id, bill.Number, bill.PurchaseOrderId, order.SupplierId, bill.SupplierInvoiceNumber, posted.Date, bill.Currency,
            bill.Net, bill.Tax, bill.Total, now), bill.PurchaseOrderId.ToString());
    }

    /// <summary>Held bills of a purchase order, matched again (goods arrived since they were entered).</summary>
    public async Task RematchHeldAsync(Guid purchaseOrderId, string actor, CancellationToken cancellationToken)
    {
        var held = await db.Bills.Include(b => b.Lines).Where(b => b.PurchaseOrderId == purchaseOrderId && b.Status == BillStatuses.Held)
            .OrderBy(b => b.Sequence).ToListAsync(cancellationToken);
        foreach (var bill in held)
            await MatchAsync(bill, actor, cancellationToken);
    }

}
