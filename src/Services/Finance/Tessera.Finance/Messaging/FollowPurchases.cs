using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;
using Tessera.Finance.Ledger;
using Tessera.Messaging.Handling;
using Tessera.Procurement.Contracts;

namespace Tessera.Finance.Messaging;

/// <summary>
/// Purchase orders and what was received on each line, for the three-way match of supplier bills. The goods
/// themselves are posted from inventory's StockReceived (the value inventory booked); here only quantities are kept.
/// A bill held because its goods had not arrived is matched again when they do.
/// </summary>
public sealed class FollowPurchases(FinanceDbContext db, LedgerBooks books, BillApproval bills)
    : IEventHandler<PurchaseOrderApproved>, IEventHandler<GoodsReceived>
{
    public async Task HandleAsync(PurchaseOrderApproved message, MessageContext context, CancellationToken cancellationToken)
    {
        // Held before the reads: a bill entered at the same time is matched against the order before or after, not between.
        await books.HoldAsync(cancellationToken);
        if (await db.PurchaseOrders.AnyAsync(p => p.PurchaseOrderId == message.PurchaseOrderId, cancellationToken))
            return;
        db.PurchaseOrders.Add(new PurchaseOrderRecord
        {
            PurchaseOrderId = message.PurchaseOrderId,
            Number = message.Number,
            SupplierId = message.SupplierId,
            Warehouse = message.Warehouse,
            Currency = message.Currency,
            ApprovedAt = message.ApprovedAt,
            Lines = message.Lines.Select(l => new PurchaseOrderLineRecord
            {
                PurchaseOrderId = message.PurchaseOrderId, LineNo = l.LineNo, Sku = l.Sku, Quantity = l.Quantity, UnitPrice = l.UnitPrice,
            }).ToList(),
        });
        await db.SaveChangesAsync(cancellationToken);
        await bills.RematchHeldAsync(message.PurchaseOrderId, context.Producer, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task HandleAsync(GoodsReceived message, MessageContext context, CancellationToken cancellationToken)
    {
        await books.HoldAsync(cancellationToken);
        if (await db.ReceivedGoods.AnyAsync(r => r.ReceiptId == message.ReceiptId, cancellationToken))
            return;
        // Procurement publishes a purchase order's approval before any receipt on it (one aggregate, in order).
        var order = await db.PurchaseOrders.Include(p => p.Lines).FirstOrDefaultAsync(p => p.PurchaseOrderId == message.PurchaseOrderId, cancellationToken)
                    ?? throw new InvalidOperationException($"Goods receipt {message.Number} is for purchase order {message.PurchaseOrderNumber}, whose approval finance has not seen.");
        foreach (var line in message.Lines)
        {
            var poLine = order.Lines.FirstOrDefault(l => l.LineNo == line.PurchaseOrderLineNo)
                         ?? throw new InvalidOperationException($"Purchase order {order.Number} has no line {line.PurchaseOrderLineNo} (goods receipt {message.Number}).");
            poLine.ReceivedQuantity += line.Quantity;
        }
        db.ReceivedGoods.Add(new ReceivedGoods
        {
            ReceiptId = message.ReceiptId, PurchaseOrderId = message.PurchaseOrderId, Number = message.Number, ReceivedAt = message.ReceivedAt,
        });
        await db.SaveChangesAsync(cancellationToken);
        await bills.RematchHeldAsync(message.PurchaseOrderId, context.Producer, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }
}
