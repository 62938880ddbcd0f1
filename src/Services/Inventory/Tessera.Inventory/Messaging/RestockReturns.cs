using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.Inventory.Ledger;
using Tessera.Logistics.Contracts;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Outbox;

namespace Tessera.Inventory.Messaging;

/// <summary>
/// A failed delivery came back to its warehouse: the shipment's lines return as customer-return-in at the cost they
/// left with (that shipment's sales-out), never more than the shipment took out of stock (StockReturned).
/// </summary>
public sealed class RestockReturnToOrigin(InventoryDbContext db, StockLedger ledger, IOutbox outbox, TimeProvider clock) : IEventHandler<ReturnToOriginReceived>
{
    public async Task HandleAsync(ReturnToOriginReceived message, MessageContext context, CancellationToken cancellationToken)
    {
        var shipment = message.ShipmentId.ToString();
        const string sourceType = IssueDispatchedShipment.SourceType;
        if (await SourceDocuments.PostedAsync(db, sourceType, shipment, MovementType.CustomerReturnIn, cancellationToken))
            return;
        var warehouse = await SourceDocuments.WarehouseAsync(db, message.Warehouse, $"Shipment {shipment} returned to origin", cancellationToken);
        var issued = SourceDocuments.Issued(await db.Movements.AsNoTracking()
            .Where(m => m.SourceType == sourceType && m.SourceId == shipment && m.Type == MovementType.SalesOut).ToListAsync(cancellationToken));

        var lines = new List<LedgerLine>();
        foreach (var (sku, returned) in message.Lines.GroupBy(l => l.Sku).Select(g => (g.Key, g.Sum(l => l.Quantity))))
        {
            if (!issued.TryGetValue(sku, out var left) || left.Quantity <= 0 || returned <= 0)
                continue; // the shipment never took this out of stock: there is nothing to put back
            var quantity = Math.Min(returned, left.Quantity);
            var unitCost = MovingAverage.Cost(left.Value / left.Quantity);
            lines.Add(new LedgerLine(sku, quantity, UnitCost: unitCost, ExactValue: quantity == left.Quantity ? left.Value : MovingAverage.Money(quantity * unitCost)));
        }
        var posting = lines.Count == 0 ? new Posting([], [])
            : await ledger.PostAsync(warehouse, MovementType.CustomerReturnIn, new LedgerSource(sourceType, shipment, message.OrderId, "Returned to origin"),
                lines, context.Producer, cancellationToken);
        outbox.Publish(new StockReturned("customer-return-in", sourceType, shipment, warehouse, message.OrderId, posting.Lines, clock.GetUtcNow()),
            message.OrderId.ToString());
    }
}

/// <summary>
/// A customer return arrived: restockable lines come back as customer-return-in at the cost the order's goods went out
/// at (its sales-out of that SKU; the current average if the order never went out through this ledger); damaged lines
/// are recorded by logistics and not stocked (StockReturned).
/// </summary>
public sealed class RestockCustomerReturn(InventoryDbContext db, StockLedger ledger, IOutbox outbox, TimeProvider clock) : IEventHandler<ReturnReceived>
{
    public const string SourceType = "customer-return";

    public async Task HandleAsync(ReturnReceived message, MessageContext context, CancellationToken cancellationToken)
    {
        var source = message.ReturnId.ToString();
        if (await SourceDocuments.PostedAsync(db, SourceType, source, MovementType.CustomerReturnIn, cancellationToken))
            return;
        var warehouse = await SourceDocuments.WarehouseAsync(db, message.Warehouse, $"Customer return {message.Number}", cancellationToken);
        var restock = message.Lines.Where(l => string.Equals(l.Condition, "restock", StringComparison.OrdinalIgnoreCase) && l.Quantity > 0)
            .GroupBy(l => l.Sku).Select(g => (Sku: g.Key, Quantity: g.Sum(l => l.Quantity))).ToList();
        var skus = restock.Select(l => l.Sku).ToList();
        var issued = SourceDocuments.Issued(await db.Movements.AsNoTracking()
            .Where(m => m.OrderId == message.OrderId && m.Type == MovementType.SalesOut && skus.Contains(m.Sku)).ToListAsync(cancellationToken));

        var lines = restock.Select(l => issued.TryGetValue(l.Sku, out var sold) && sold.Quantity > 0
            ? new LedgerLine(l.Sku, l.Quantity, UnitCost: MovingAverage.Cost(sold.Value / sold.Quantity))
            : new LedgerLine(l.Sku, l.Quantity)).ToList();
        var posting = lines.Count == 0 ? new Posting([], [])
            : await ledger.PostAsync(warehouse, MovementType.CustomerReturnIn, new LedgerSource(SourceType, source, message.OrderId, $"Customer return {message.Number}"),
                lines, context.Producer, cancellationToken);
        outbox.Publish(new StockReturned("customer-return-in", SourceType, source, warehouse, message.OrderId, posting.Lines, clock.GetUtcNow()),
            message.OrderId.ToString());
    }
}
