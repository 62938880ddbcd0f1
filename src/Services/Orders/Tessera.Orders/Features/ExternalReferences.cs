using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Data;

namespace Tessera.Orders.Features;

public sealed record ExistingOrder(Guid Id, long Number);

/// <summary>
/// An external reference names one order per channel, for as long as the order exists: in the live tables or in the
/// archive. Placing or importing an order whose reference is taken finds the order that holds it here.
/// </summary>
public sealed class ExternalReferences(OrdersDbContext db, OrdersArchiveDbContext archive)
{
    private const int Chunk = 500;

    public async Task<ExistingOrder?> FindAsync(string channel, string externalRef, CancellationToken cancellationToken) =>
        (await FindAsync(channel, [externalRef], cancellationToken)).GetValueOrDefault(externalRef);

    /// <summary>The orders of a channel holding any of these references, by reference.</summary>
    public async Task<Dictionary<string, ExistingOrder>> FindAsync(string channel, IReadOnlyCollection<string> externalRefs, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, ExistingOrder>(StringComparer.Ordinal);
        var tenant = db.CurrentTenantId;
        foreach (var chunk in externalRefs.Distinct().Chunk(Chunk))
        {
            var live = await db.Orders.AsNoTracking()
                .Where(o => o.Channel == channel && o.ExternalRef != null && chunk.Contains(o.ExternalRef))
                .Select(o => new { o.ExternalRef, o.Id, o.Number })
                .ToListAsync(cancellationToken);
            foreach (var order in live)
                found[order.ExternalRef!] = new ExistingOrder(order.Id, order.Number);

            var rest = chunk.Where(r => !found.ContainsKey(r)).ToList();
            if (rest.Count == 0)
                continue;
            var archived = await archive.Set<Domain.OrderSearchRow>().AsNoTracking()
                .Where(o => o.TenantId == tenant && o.Channel == channel && o.ExternalRef != null && rest.Contains(o.ExternalRef))
                .Select(o => new { o.ExternalRef, o.OrderId, o.Number })
                .ToListAsync(cancellationToken);
            foreach (var order in archived)
                found.TryAdd(order.ExternalRef!, new ExistingOrder(order.OrderId, order.Number));
        }
        return found;
    }
}
