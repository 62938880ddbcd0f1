using System.Text.Json;
using Tessera.Orders.Contracts;
using Tessera.Orders.Domain;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Orders.Features;

public static class OrderMapping
{
    public static OrderDto ToDto(this Order order, CustomerProtection customers) => new(
        order.Id,
        order.Number,
        order.Status,
        order.Channel,
        order.ExternalRef,
        order.Currency,
        customers.Reveal(order.Customer, order.TenantId),
        order.Lines.OrderBy(l => l.LineNo).Select(l => new OrderLineDto(l.LineNo, l.Sku, l.Description, l.Quantity, l.UnitPrice, l.LineTotal)).ToList(),
        order.Total,
        order.PlacedAt,
        order.History.OrderBy(h => h.Id).Select(h => new StatusChangeDto(h.Status, h.At, h.Reason, h.By)).ToList(),
        order.ShortLines is null ? [] : JsonSerializer.Deserialize<List<ShortLineDto>>(order.ShortLines, TesseraJson.Options) ?? [],
        order.Version);
}
