using Tessera.Inventory.Contracts;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.Inventory.Ledger;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Outbox;
using Tessera.Procurement.Contracts;

namespace Tessera.Inventory.Messaging;

/// <summary>
/// A procurement goods receipt: every accepted quantity becomes a purchase-in at the PO price, and StockReceived tells
/// procurement that the receipt is in stock. Rejected quantities never reach the shelf.
/// </summary>
public sealed class PostGoodsReceipt(InventoryDbContext db, StockLedger ledger, IOutbox outbox) : IEventHandler<GoodsReceived>
{
    public const string SourceType = "goods-receipt";

    public async Task HandleAsync(GoodsReceived message, MessageContext context, CancellationToken cancellationToken)
    {
        var receipt = message.ReceiptId.ToString();
        if (await SourceDocuments.PostedAsync(db, SourceType, receipt, MovementType.PurchaseIn, cancellationToken))
            return;
        var warehouse = await SourceDocuments.WarehouseAsync(db, message.Warehouse, $"Goods receipt {message.Number}", cancellationToken);
        var lines = message.Lines.Where(l => l.Quantity > 0).ToList();
        var posting = lines.Count > 0
            ? await ledger.PostAsync(warehouse, MovementType.PurchaseIn, new LedgerSource(SourceType, receipt, Reason: $"{message.Number} on {message.PurchaseOrderNumber}"),
                lines.Select(l => new LedgerLine(l.Sku, l.Quantity, UnitCost: l.UnitCost)).ToList(), context.Producer, cancellationToken)
            : null;
        outbox.Publish(new StockReceived(message.ReceiptId, warehouse, lines.Select(l => new ReceiptLineDto(l.Sku, l.Quantity, l.UnitCost)).ToList(),
            SourceType, message.PurchaseOrderId, posting?.Lines ?? []), message.PurchaseOrderId.ToString());
    }
}
