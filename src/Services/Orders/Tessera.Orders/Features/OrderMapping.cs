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
            new PaymentDto(order.PaymentMethod, order.PaymentStatus, OrderPayments.Read(order.Payments) is { Count: > 0 } payments ? payments : null),
            new OperationalDto(order.PreferredWarehouse, privacy.RevealNotes(order.Notes, order.TenantId), OrderComposer.ReadTags(order.Tags)),
            OrderComposer.ReadAttributes(order.Attributes),
            order.Timeline.OrderBy(t => t.At).ThenBy(t => t.Id).Select(t => new TimelineEntryDto(t.At, t.Kind, t.By, t.Summary)).ToList(),
            pending is null ? null : new PendingChangeDto(pending.Id, pending.Lines.Select(ToDto).ToList(), pending.RequestedAt, pending.RequestedBy),
            archived,
            order.Fulfilment?.ToDto(),
            order.CustomerId,
            order.Historic);
    }

    public static FulfilmentDto ToDto(this OrderFulfilment fulfilment)
    {
        var issued = fulfilment.Movements.Where(m => m.MovementType == "sales-out" && m.SourceType == "shipment")
            .GroupBy(m => m.SourceId).ToDictionary(g => g.Key, g => g.Min(m => m.OccurredAt));
        return new FulfilmentDto(
            fulfilment.State,
            fulfilment.RequestId,
            fulfilment.RequestedAt,
            fulfilment.ServiceLevel,
            fulfilment.DispatchDueAt,
            fulfilment.Shipments
                .OrderBy(s => fulfilment.IsSuperseded(s) || s.Status == FulfilmentShipmentStatus.Cancelled ? 1 : 0)
                .ThenBy(s => s.CreatedAt ?? s.DispatchedAt ?? DateTimeOffset.MaxValue).ThenBy(s => s.Warehouse, StringComparer.Ordinal)
                .Select(s => new FulfilmentShipmentDto(s.ShipmentId, s.Number, s.Warehouse, s.Status, s.LineList, s.Carrier, s.WaybillNumber, s.Packages,
                    fulfilment.IsSuperseded(s), s.CreatedAt, s.PickedAt, s.PackedAt, s.DispatchedAt, s.InTransitAt, s.DeliveredAt, s.DeliveryFailedAt,
                    s.FailureReason, s.ReturnedAt, s.CancelledAt, s.CancelReason, s.DeliveryDueAt,
                    issued.TryGetValue(s.ShipmentId.ToString(), out var at) ? at : null))
                .ToList(),
            fulfilment.Allocation.OrderBy(a => a.Warehouse, StringComparer.Ordinal).ThenBy(a => a.Sku, StringComparer.Ordinal)
                .Select(a => new AllocationDto(a.Sku, a.Warehouse, a.Quantity)).ToList(),
            fulfilment.Compensations.OrderBy(c => c.RequestedAt).ThenBy(c => c.Id)
                .Select(c => new CompensationDto(c.Kind, c.Subject, c.Service, c.Description, c.Status, c.RequestedAt, c.SettledAt, c.Note)).ToList(),
            fulfilment.Alerts.OrderByDescending(a => a.RaisedAt).ThenByDescending(a => a.Id).Select(ToDto).ToList(),
            fulfilment.Returns.OrderBy(r => r.AuthorizedAt ?? r.ReceivedAt).Select(r => new FulfilmentReturnDto(r.ReturnId, r.Number, r.Reason, r.AuthorizedList,
                r.ReceivedList, r.Warehouse, r.AuthorizedAt, r.ReceivedAt)).ToList(),
            fulfilment.UpdatedAt);
    }

    public static FulfilmentAlertDto ToDto(FulfilmentAlert a) =>
        new(a.Id, a.OrderId, a.OrderNumber, a.Kind, a.ShipmentId, a.Message, a.RaisedAt, a.ClearedAt, a.ClearedBy, a.ClearedBecause);

    public static OrderLineDto ToDto(OrderLine l) =>
        new(l.LineNo, l.Sku, l.Description, l.Quantity, l.UnitPrice, l.Discount, l.AllocatedDiscount, l.TaxRate, l.TaxAmount, l.LineTotal);
}
