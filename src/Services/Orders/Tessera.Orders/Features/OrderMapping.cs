using System.Text.Json;
using Tessera.Orders.Contracts;
using Tessera.Orders.Domain;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Orders.Features;

public static class OrderMapping
{
    public static OrderDto ToDto(this Order order, OrderPrivacy privacy, bool archived = false)
    {
        var marketing = OrderMarketing.Parse(order.Marketing);
        var pending = OrderComposer.ReadPending(order.PendingChange);
        return new OrderDto(
            order.Id,
            order.Number,
            order.Status,
            order.Channel,
            order.ExternalRef,
            order.Currency,
            privacy.Reveal(order.Customer, order.TenantId),
            order.Lines.OrderBy(l => l.LineNo).Select(ToDto).ToList(),
            order.Total,
            order.PlacedAt,
            order.History.OrderBy(h => h.At).ThenBy(h => h.Id).Select(h => new StatusChangeDto(h.Status, h.At, h.Reason, h.By)).ToList(),
            order.ShortLines is null ? [] : JsonSerializer.Deserialize<List<ShortLineDto>>(order.ShortLines, TesseraJson.Options) ?? [],
            order.Version,
            privacy.Reveal(order.Shipping, order.TenantId),
            new MarketingDto(marketing.CouponCodes, marketing.PromotionCodes, marketing.Discounts.Select(d => new DiscountDto(d.Code, d.Amount)).ToList()),
            new TotalsDto(order.Subtotal, order.DiscountTotal, order.TaxTotal, order.ShippingFee, order.Total),
            new PaymentDto(order.PaymentMethod, order.PaymentStatus),
            new OperationalDto(order.PreferredWarehouse, privacy.RevealNotes(order.Notes, order.TenantId), OrderComposer.ReadTags(order.Tags)),
            OrderComposer.ReadAttributes(order.Attributes),
            order.Timeline.OrderBy(t => t.At).ThenBy(t => t.Id).Select(t => new TimelineEntryDto(t.At, t.Kind, t.By, t.Summary)).ToList(),
            pending is null ? null : new PendingChangeDto(pending.Id, pending.Lines.Select(ToDto).ToList(), pending.RequestedAt, pending.RequestedBy),
            archived);
    }

    public static OrderLineDto ToDto(OrderLine l) =>
        new(l.LineNo, l.Sku, l.Description, l.Quantity, l.UnitPrice, l.Discount, l.AllocatedDiscount, l.TaxRate, l.TaxAmount, l.LineTotal);
}
