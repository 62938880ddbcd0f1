using Microsoft.EntityFrameworkCore;
using Tessera.Logistics.Contracts;
using Tessera.Logistics.Data;
using Tessera.Logistics.Domain;

namespace Tessera.Logistics.Features;

/// <summary>What of an order may still come back: per SKU, delivered minus what its returns already count.</summary>
public static class ReturnableGoods
{
    public static async Task<ReturnableDto> ForOrderAsync(LogisticsDbContext db, Guid orderId, CancellationToken cancellationToken)
    {
        var delivered = await db.Shipments.AsNoTracking()
            .Where(s => s.OrderId == orderId && s.Status == ShipmentStatus.Delivered)
            .Select(s => new { s.OrderNumber, Lines = s.Lines.Select(l => new { l.Sku, l.Quantity }).ToList() })
            .ToListAsync(cancellationToken);
        var returns = await db.Returns.AsNoTracking().Include(r => r.Lines).Where(r => r.OrderId == orderId).ToListAsync(cancellationToken);

        var returned = returns.SelectMany(r => r.Lines.Select(l => (l.Sku, Quantity: r.Counts(l))))
            .GroupBy(x => x.Sku).ToDictionary(g => g.Key, g => g.Sum(x => x.Quantity), StringComparer.Ordinal);
        var lines = delivered.SelectMany(s => s.Lines)
            .GroupBy(l => l.Sku, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var quantity = g.Sum(l => l.Quantity);
                var back = returned.GetValueOrDefault(g.Key);
                return new ReturnableLineDto(g.Key, quantity, back, Math.Max(0, quantity - back));
            })
            .ToList();
        return new ReturnableDto(orderId, delivered.FirstOrDefault()?.OrderNumber, lines);
    }
}
