using Tessera.Inventory.Contracts;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.Inventory.Features;
using Tessera.Inventory.Ledger;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Outbox;
using Tessera.Procurement.Contracts;

namespace Tessera.Inventory.Messaging;

/// <summary>
/// Goods sent back to a supplier leave as supplier-return-out at the moving average (StockIssued), all lines or none:
/// when the stock is not there and negative stock is forbidden, nothing moves and StockIssueFailed lets procurement
/// refuse the return.
/// </summary>
public sealed class IssueSupplierReturn(InventoryDbContext db, StockLedger ledger, IOutbox outbox, TimeProvider clock) : IEventHandler<SupplierReturnShipped>
{
    public const string SourceType = "supplier-return";
    private const string Type = "supplier-return-out";

    public async Task HandleAsync(SupplierReturnShipped message, MessageContext context, CancellationToken cancellationToken)
    {
        var source = message.ReturnId.ToString();
        if (await SourceDocuments.PostedAsync(db, SourceType, source, MovementType.SupplierReturnOut, cancellationToken))
            return;
        var aggregate = (message.PurchaseOrderId ?? message.ReturnId).ToString();
        var warehouse = Warehouses.Normalize(message.Warehouse);
        if (!await Checks.WarehouseExistsAsync(db, warehouse, cancellationToken))
        {
            outbox.Publish(new StockIssueFailed(Type, SourceType, source, warehouse, [], $"Inventory has no warehouse '{warehouse}'."), aggregate);
            return;
        }
        var posting = await ledger.PostAsync(warehouse, MovementType.SupplierReturnOut,
            new LedgerSource(SourceType, source, Reason: $"{message.Number}: {message.Reason}"),
            message.Lines.Select(l => new LedgerLine(l.Sku, l.Quantity)).ToList(), context.Producer, cancellationToken);
        if (!posting.Succeeded)
        {
            outbox.Publish(new StockIssueFailed(Type, SourceType, source, warehouse, posting.ShortLines,
                $"Not enough stock in {warehouse} to return {string.Join(", ", posting.Shortages.Select(s => s.Sku))}; negative stock is not allowed."), aggregate);
            return;
        }
        outbox.Publish(new StockIssued(Type, SourceType, source, warehouse, null, posting.Lines, clock.GetUtcNow()), aggregate);
    }
}
