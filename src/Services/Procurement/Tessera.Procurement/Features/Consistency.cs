using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tessera.Procurement.Contracts;
using Tessera.Procurement.Data;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;

namespace Tessera.Procurement.Features;

/// <summary>
/// I8: for every purchase order line, the quantity received (accepted) equals the purchase-in movements inventory's
/// ledger holds for its goods receipts. Receipts inventory has not posted yet are in flight — left out and counted, not
/// violations. The ledger's side comes from inventory's source totals, 200 receipts per call; if inventory cannot be
/// asked, the answer is 503, never a "holds" that was not checked.
/// </summary>
public static class Consistency
{
    public const string Invariant = "I8";
    public const string PurchaseIn = "purchase-in";
    private const int MaxViolations = 100;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/consistency", Check).WithTags("Consistency").WithName("ProcurementConsistency")
            .WithSummary("Checks I8 (received quantity per purchase order line = Σ purchase-in movements of its receipts in inventory).")
            .Produces<ConsistencyReportDto>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> Check(ProcurementDbContext db, InventoryLedger inventory, TimeProvider clock, CancellationToken cancellationToken)
    {
        var receipts = await db.Receipts.AsNoTracking()
            .Where(r => r.Posting != ReceiptPostingStatus.NothingToPost)
            .Select(r => new { r.Id, r.Number, r.PurchaseOrderId, r.Posting })
            .ToListAsync(cancellationToken);
        var receiptLines = await db.ReceiptLines.AsNoTracking()
            .Where(l => db.Receipts.Any(r => r.Id == l.ReceiptId && r.Posting != ReceiptPostingStatus.NothingToPost))
            .Select(l => new { l.ReceiptId, l.PurchaseOrderLineNo, l.Sku, l.AcceptedQuantity })
            .ToListAsync(cancellationToken);
        var receivedStatuses = new[] { PurchaseOrderStatus.PartiallyReceived, PurchaseOrderStatus.Received, PurchaseOrderStatus.Closed };
        var orders = await db.PurchaseOrders.AsNoTracking()
            .Where(o => receivedStatuses.Contains(o.Status) || db.Receipts.Any(r => r.PurchaseOrderId == o.Id))
            .Select(o => new { o.Id, o.Number, Lines = o.Lines.Select(l => new { l.LineNo, l.Sku, l.ReceivedQuantity }).ToList() })
            .ToListAsync(cancellationToken);

        var posted = receipts.Where(r => r.Posting == ReceiptPostingStatus.Posted).ToDictionary(r => r.Id);
        IReadOnlyList<Inventory.Contracts.SourceTotalDto> totals;
        try
        {
            totals = await inventory.SourceTotalsAsync(MarkReceiptPostedSource, posted.Keys.Select(id => id.ToString()), cancellationToken);
        }
        catch (DependencyUnavailableException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Inventory is unavailable",
                detail: "I8 compares received quantities with inventory's ledger, and inventory is not answering: nothing was checked. Try again shortly.");
        }

        // The ledger's purchase-in per (receipt, SKU); a purchase order has one line per SKU, so this is per PO line.
        var ledger = totals.Where(t => t.MovementType == PurchaseIn && Guid.TryParse(t.SourceId, out _))
            .GroupBy(t => (Receipt: Guid.Parse(t.SourceId), t.Sku))
            .ToDictionary(g => g.Key, g => g.Sum(t => t.Quantity));
        var linesOfReceipt = receiptLines.GroupBy(l => l.ReceiptId).ToDictionary(g => g.Key, g => g.ToList());
        var violations = new List<InvariantViolationDto>();
        var violationCount = 0;
        var inFlight = receipts.Count(r => r.Posting == ReceiptPostingStatus.Pending);
        var checkedLines = 0;
        void Violation(string key, string detail)
        {
            violationCount++;
            if (violations.Count < MaxViolations)
                violations.Add(new InvariantViolationDto(key, detail));
        }

        var receiptsOfOrder = receipts.GroupBy(r => r.PurchaseOrderId).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var order in orders)
        {
            var ofOrder = receiptsOfOrder.GetValueOrDefault(order.Id) ?? [];
            foreach (var line in order.Lines)
            {
                checkedLines++;
                var lines = ofOrder.SelectMany(r => linesOfReceipt.GetValueOrDefault(r.Id) ?? []).Where(l => l.PurchaseOrderLineNo == line.LineNo).ToList();
                var pending = lines.Where(l => !posted.ContainsKey(l.ReceiptId)).Sum(l => l.AcceptedQuantity);
                var expected = line.ReceivedQuantity - pending;
                var inLedger = ofOrder.Where(r => posted.ContainsKey(r.Id)).Sum(r => ledger.GetValueOrDefault((r.Id, line.Sku)));
                if (expected != inLedger)
                {
                    var numbers = string.Join(", ", ofOrder.Where(r => posted.ContainsKey(r.Id)).Select(r => r.Number));
                    Violation($"{order.Number}/{line.LineNo} ({line.Sku})", string.Create(CultureInfo.InvariantCulture,
                        $"received {expected:0.####} (posted receipts: {(numbers.Length > 0 ? numbers : "none")}), purchase-in in inventory {inLedger:0.####}, difference {expected - inLedger:0.####}"));
                }
            }
        }
        // Purchase-in of a receipt for a SKU the receipt's order does not have is unexplained stock.
        foreach (var ((receiptId, sku), quantity) in ledger)
        {
            if (posted.TryGetValue(receiptId, out var receipt) && !(linesOfReceipt.GetValueOrDefault(receiptId) ?? []).Any(l => l.Sku == sku))
                Violation($"{receipt.Number} ({sku})", string.Create(CultureInfo.InvariantCulture,
                    $"inventory has purchase-in of {quantity:0.####} for a SKU goods receipt {receipt.Number} did not receive"));
        }

        var description = "Received quantity per purchase order line = Σ purchase-in movements of its goods receipts in inventory" +
                          (inFlight > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({inFlight} receipt(s) in flight, not yet posted by inventory, left out)") : "");
        var result = new InvariantResultDto(Invariant, description, violationCount == 0, checkedLines, violationCount, violations);
        return TypedResults.Ok(new ConsistencyReportDto("procurement", clock.GetUtcNow(), result.Holds, [result]));
    }

    private const string MarkReceiptPostedSource = Messaging.MarkReceiptPosted.SourceType;
}
