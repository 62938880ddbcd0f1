using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Messaging.Handling;
using Tessera.Procurement.Contracts;
using Tessera.Procurement.Data;
using Tessera.Procurement.Domain;

namespace Tessera.Procurement.Messaging;

/// <summary>
/// Stock of a SKU fell under its reorder point: suggest ordering max(reorder quantity, reorder point − available) from
/// the supplier its prices prefer, gathered into one draft purchase order per (supplier, warehouse) — created, or
/// extended. A SKU no supplier sells becomes a "no supplier" suggestion. At most one suggestion per (SKU, warehouse) is
/// live: a later report updates it instead of ordering twice (and the inbox drops a redelivered report).
/// </summary>
public sealed class SuggestReorder(ProcurementDbContext db, TimeProvider clock, ILogger<SuggestReorder> logger) : IEventHandler<StockBelowReorderPoint>
{
    public const string Actor = "reorder";

    public async Task HandleAsync(StockBelowReorderPoint message, MessageContext context, CancellationToken cancellationToken)
    {
        var quantity = ReorderSuggestion.Quantity(message.Available, message.ReorderPoint, message.ReorderQuantity);
        if (quantity <= 0)
        {
            logger.LogWarning("StockBelowReorderPoint for {Sku} in {Warehouse} asks for nothing (available {Available}, point {Point}, quantity {Quantity})",
                message.Sku, message.Warehouse, message.Available, message.ReorderPoint, message.ReorderQuantity);
            return;
        }
        var now = clock.GetUtcNow();
        var suggestion = await db.ReorderSuggestions.FirstOrDefaultAsync(s => s.Sku == message.Sku && s.Warehouse == message.Warehouse
            && (s.Status == ReorderSuggestionStatus.Open || s.Status == ReorderSuggestionStatus.NoSupplier), cancellationToken);
        if (suggestion is null)
        {
            suggestion = new ReorderSuggestion { Id = Guid.CreateVersion7(), Sku = message.Sku, Warehouse = message.Warehouse, CreatedAt = now };
            db.ReorderSuggestions.Add(suggestion);
        }
        (suggestion.SuggestedQuantity, suggestion.Available, suggestion.ReorderPoint, suggestion.ReorderQuantity, suggestion.UpdatedAt) =
            (quantity, message.Available, message.ReorderPoint, message.ReorderQuantity, now);

        if (suggestion.Status == ReorderSuggestionStatus.Open && suggestion.PurchaseOrderId is { } existing)
        {
            var draft = await Features.PurchaseOrders.Load(db).FirstAsync(o => o.Id == existing, cancellationToken);
            var prices = await db.SupplierPrices.AsNoTracking().Where(p => p.SupplierId == draft.SupplierId && p.Sku == message.Sku).ToListAsync(cancellationToken);
            AddOrRaise(draft, suggestion, prices, now);
            return;
        }

        var price = await ChoosePriceAsync(message.Sku, DateOnly.FromDateTime(now.UtcDateTime), cancellationToken);
        if (price is null)
        {
            (suggestion.Status, suggestion.SupplierId, suggestion.UnitPrice, suggestion.Currency) = (ReorderSuggestionStatus.NoSupplier, null, null, null);
            return;
        }
        var (supplier, prices2) = price.Value;
        var order = await db.PurchaseOrders.AsSplitQuery().Include(o => o.Lines).Include(o => o.History)
            .Where(o => o.Status == PurchaseOrderStatus.Draft && o.Origin == PurchaseOrder.ReorderOrigin && o.SupplierId == supplier.Id && o.Warehouse == message.Warehouse)
            .OrderByDescending(o => o.Sequence)
            .FirstOrDefaultAsync(cancellationToken);
        if (order is null)
        {
            order = PurchaseOrder.Draft(Guid.CreateVersion7(), await Numbering.NextAsync(db, Numbering.PurchaseOrder, cancellationToken), supplier,
                message.Warehouse, PurchaseOrder.ReorderOrigin, Actor, now, $"Reorder suggestions for {message.Warehouse}");
            db.PurchaseOrders.Add(order);
        }
        (suggestion.Status, suggestion.SupplierId, suggestion.PurchaseOrderId) = (ReorderSuggestionStatus.Open, supplier.Id, order.Id);
        AddOrRaise(order, suggestion, prices2, now);
    }

    /// <summary>The SKU's line on the draft gets at least the suggested quantity, priced at the supplier's price for it.</summary>
    private static void AddOrRaise(PurchaseOrder order, ReorderSuggestion suggestion, IReadOnlyList<SupplierPrice> prices, DateTimeOffset now)
    {
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        var lines = order.DraftLines().ToList();
        var index = lines.FindIndex(l => l.Sku == suggestion.Sku);
        var quantity = index < 0 ? suggestion.SuggestedQuantity : Math.Max(lines[index].Quantity, suggestion.SuggestedQuantity);
        // Below the smallest quantity break the lowest break's price is the best guess; the buyer reviews the draft anyway.
        var price = SupplierPricing.ForQuantity(prices, order.SupplierId, suggestion.Sku, quantity, day)
                    ?? prices.Where(p => p.IsValidOn(day)).OrderBy(p => p.MinQuantity).FirstOrDefault();
        var unitPrice = price?.UnitPrice ?? (index < 0 ? 0 : lines[index].UnitPrice);
        var line = new DraftLine(suggestion.Sku, quantity, unitPrice, index < 0 ? 0 : lines[index].TaxRate);
        if (index < 0)
            lines.Add(line);
        else
            lines[index] = line;
        order.SetLines(lines, now);
        (suggestion.UnitPrice, suggestion.Currency) = (unitPrice, order.Currency);
    }

    private async Task<(Supplier Supplier, IReadOnlyList<SupplierPrice> Prices)?> ChoosePriceAsync(string sku, DateOnly day, CancellationToken cancellationToken)
    {
        var prices = await db.SupplierPrices.AsNoTracking().Where(p => p.Sku == sku).ToListAsync(cancellationToken);
        var supplierIds = prices.Select(p => p.SupplierId).Distinct().ToList();
        var active = await db.Suppliers.AsNoTracking().Where(s => supplierIds.Contains(s.Id) && s.IsActive).ToDictionaryAsync(s => s.Id, cancellationToken);
        // A price in a currency the supplier no longer bills in cannot go on its purchase orders.
        var usable = prices.Where(p => active.TryGetValue(p.SupplierId, out var s) && s.Currency == p.Currency).ToList();
        var chosen = SupplierPricing.ToReorder(usable, active, sku, day);
        return chosen is null ? null : (active[chosen.SupplierId], usable.Where(p => p.SupplierId == chosen.SupplierId).ToList());
    }
}
