using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Messaging.Handling;
using Tessera.Procurement.Data;
using Tessera.Procurement.Features;

namespace Tessera.Procurement.Messaging;

/// <summary>
/// Inventory posted a goods receipt's accepted quantities as purchase-in: the receipt is "posted to inventory" from
/// then on (and counted by I8). Receipts of other kinds (manual inventory receipts) are not procurement's.
/// </summary>
public sealed class MarkReceiptPosted(ProcurementDbContext db, TimeProvider clock, ILogger<MarkReceiptPosted> logger) : IEventHandler<StockReceived>
{
    public const string SourceType = "goods-receipt";

    public async Task HandleAsync(StockReceived message, MessageContext context, CancellationToken cancellationToken)
    {
        if (message.SourceType != SourceType)
            return;
        var receipt = await db.Receipts.FirstOrDefaultAsync(r => r.Id == message.ReceiptId, cancellationToken);
        if (receipt is null)
        {
            // Only procurement makes goods receipts; one it does not know is another installation's or a bug to look at, not to retry.
            logger.LogWarning("StockReceived names goods receipt {ReceiptId}, which procurement does not know", message.ReceiptId);
            return;
        }
        receipt.MarkPosted(clock.GetUtcNow());
    }
}

/// <summary>
/// Inventory's answer to a shipped supplier return: the goods left (StockIssued, supplier-return-out) and the return is
/// Completed; or they could not be issued (StockIssueFailed: stock short, unknown warehouse) and the return is Refused
/// with inventory's reason — its quantities count as not returned again (the compensation).
/// </summary>
public sealed class SettleSupplierReturn(ProcurementDbContext db, TimeProvider clock, ILogger<SettleSupplierReturn> logger)
    : IEventHandler<StockIssued>, IEventHandler<StockIssueFailed>
{
    public const string MovementType = "supplier-return-out";
    public const string SourceType = "supplier-return";

    public async Task HandleAsync(StockIssued message, MessageContext context, CancellationToken cancellationToken)
    {
        if (message.MovementType != MovementType || message.SourceType != SourceType)
            return;
        var r = await FindAsync(message.SourceId, cancellationToken);
        if (r is not null && !r.Complete(clock.GetUtcNow()) && r.Status != Contracts.SupplierReturnStatus.Completed)
            logger.LogWarning("Inventory issued supplier return {Number} while it was {Status}; left as it is", r.Number, r.Status);
    }

    public async Task HandleAsync(StockIssueFailed message, MessageContext context, CancellationToken cancellationToken)
    {
        if (message.MovementType != MovementType || message.SourceType != SourceType)
            return;
        var r = await FindAsync(message.SourceId, cancellationToken);
        if (r is null)
            return;
        var shortages = string.Join("; ", message.ShortLines.Select(s =>
            string.Create(CultureInfo.InvariantCulture, $"{s.Sku} (to return {s.Requested:0.####}, in stock {s.Available:0.####})")));
        var reason = shortages.Length > 0 ? $"{message.Reason}: {shortages}" : message.Reason;
        if (r.Refuse(reason.Length > 1000 ? reason[..1000] : reason, clock.GetUtcNow()))
            r.ReleaseAllocations(await SupplierReturns.AllocatedLinesAsync(db, r, cancellationToken));
        else if (r.Status != Contracts.SupplierReturnStatus.Refused)
            logger.LogWarning("Inventory refused supplier return {Number} while it was {Status}; left as it is", r.Number, r.Status);
    }

    private async Task<Domain.SupplierReturn?> FindAsync(string sourceId, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(sourceId, out var id))
        {
            logger.LogWarning("Inventory answered supplier return '{SourceId}', which is not a return id", sourceId);
            return null;
        }
        var r = await SupplierReturns.Load(db).FirstOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (r is null)
            logger.LogWarning("Inventory answered supplier return {ReturnId}, which procurement does not know", id);
        return r;
    }
}
