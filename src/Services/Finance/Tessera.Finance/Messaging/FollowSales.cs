using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;
using Tessera.Finance.Ledger;
using Tessera.Logistics.Contracts;
using Tessera.Messaging.Handling;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Finance.Messaging;

/// <summary>
/// Keeps what the orders service priced — every line's net after discounts, its VAT rate and tax, the shipping fee —
/// so that deliveries can be invoiced from the order's own arithmetic. Orders whose events carry no prices (published
/// by an orders service older than finance) cannot be invoiced and say so on the shipments report.
/// </summary>
public sealed class RememberOrderPrices(FinanceDbContext db, LedgerBooks books, Settlement settlement, TimeProvider clock)
    : IEventHandler<OrderPlaced>, IEventHandler<OrderLinesChanged>
{
    public Task HandleAsync(OrderPlaced message, MessageContext context, CancellationToken cancellationToken) =>
        RememberAsync(message.OrderId, message.Number, message.Pricing, context, cancellationToken);

    public Task HandleAsync(OrderLinesChanged message, MessageContext context, CancellationToken cancellationToken) =>
        RememberAsync(message.OrderId, message.Number, message.Pricing, context, cancellationToken);

    private async Task RememberAsync(Guid orderId, long number, OrderPricingDto? pricing, MessageContext context, CancellationToken cancellationToken)
    {
        if (pricing is null)
            return;
        // Held before the read: a delivery being invoiced from these lines at the same time runs before or after, not between.
        await books.HoldAsync(cancellationToken);
        var order = await db.OrderPrices.Include(o => o.Lines).FirstOrDefaultAsync(o => o.OrderId == orderId, cancellationToken);
        if (order is null)
        {
            order = new OrderPrices { OrderId = orderId };
            db.OrderPrices.Add(order);
        }
        else if (order.Lines.Any(l => l.InvoicedQuantity > 0))
            return; // lines change only before dispatch; a late repeat of an older event must not undo what was invoiced

        (order.Number, order.Currency, order.ShippingFee, order.UpdatedAt) = (number, pricing.Currency, pricing.ShippingFee, clock.GetUtcNow());
        db.OrderPriceLines.RemoveRange(order.Lines.Where(l => pricing.Lines.All(p => p.LineNo != l.LineNo)));
        foreach (var priced in pricing.Lines)
        {
            var line = order.Lines.FirstOrDefault(l => l.LineNo == priced.LineNo);
            if (line is null)
                order.Lines.Add(line = new OrderPriceLine { OrderId = orderId, LineNo = priced.LineNo });
            (line.Sku, line.Quantity, line.UnitPrice, line.Discount, line.AllocatedDiscount, line.TaxRate, line.TaxAmount, line.LineTotal) =
                (priced.Sku, priced.Quantity, priced.UnitPrice, priced.Discount, priced.AllocatedDiscount, priced.TaxRate, priced.TaxAmount, priced.LineTotal);
        }
        await settlement.SettleOrderAsync(orderId, context.Producer, cancellationToken);
    }
}

/// <summary>
/// A delivered shipment: its cost goes to COGS and the customer is invoiced for what it carried; a customer return is
/// credited at what it was invoiced at. Both wait, inside <see cref="Settlement"/>, for whatever has not arrived yet.
/// </summary>
public sealed class FollowDeliveries(FinanceDbContext db, LedgerBooks books, Settlement settlement, TimeProvider clock)
    : IEventHandler<ShipmentDelivered>, IEventHandler<ReturnReceived>
{
    public async Task HandleAsync(ShipmentDelivered message, MessageContext context, CancellationToken cancellationToken)
    {
        // The books before the shipment's row, in the order the shipment's cost (StockIssued) takes them.
        await books.HoldAsync(cancellationToken);
        await Shipments.DeliveredAsync(db, message.ShipmentId, message.OrderId, message.Warehouse, message.DeliveredAt,
            JsonSerializer.Serialize(message.Lines.Select(l => new ReturnedGoods(l.Sku, l.Quantity, "delivered")), TesseraJson.Options), clock.GetUtcNow(),
            cancellationToken);
        await settlement.SettleShipmentAsync(message.ShipmentId, context.Producer, cancellationToken);
    }

    public async Task HandleAsync(ReturnReceived message, MessageContext context, CancellationToken cancellationToken)
    {
        await books.HoldAsync(cancellationToken);
        if (await db.CustomerReturns.AnyAsync(r => r.ReturnId == message.ReturnId, cancellationToken))
            return;
        db.CustomerReturns.Add(new CustomerReturnRecord
        {
            ReturnId = message.ReturnId,
            OrderId = message.OrderId,
            Number = message.Number,
            Lines = JsonSerializer.Serialize(message.Lines.Where(l => l.Quantity > 0).Select(l => new ReturnedGoods(l.Sku, l.Quantity, l.Condition)), TesseraJson.Options),
            ReceivedAt = message.ReceivedAt,
        });
        await db.SaveChangesAsync(cancellationToken);
        await settlement.SettleOrderAsync(message.OrderId, context.Producer, cancellationToken);
    }
}
