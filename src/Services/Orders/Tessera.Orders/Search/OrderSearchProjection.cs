using Microsoft.EntityFrameworkCore;
using Tessera.Messaging;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.Orders.Domain;

namespace Tessera.Orders.Search;

/// <summary>
/// Keeps the search read model in the transaction that changes the order: whenever a save publishes one of the events
/// that change what the search shows, the order's search rows are rewritten from its current state right after it, in
/// the same transaction (docs/adr/0033). It used to follow the service's own events through its inbox, a moment later
/// and at two more inbox messages per order.
/// </summary>
public static class OrderSearchProjection
{
    /// <summary>The events after which an order's search rows are rewritten (the ones the search once subscribed to).</summary>
    public static readonly IReadOnlySet<string> Types = new HashSet<string>(new[]
    {
        typeof(OrderPlaced), typeof(OrderConfirmed), typeof(OrderRejected), typeof(OrderCancelled), typeof(OrderChanged),
        typeof(OrderLinesChanged), typeof(OrderDispatched), typeof(OrderCompleted), typeof(OrderReturned), typeof(HistoricOrderImported),
    }.Select(t => EventTypes.Of(t).Name), StringComparer.Ordinal);

    /// <summary>An order a save changes, the instance the context tracks (if it does), and whether the save inserts it.</summary>
    public sealed record Changed(Guid OrderId, Order? Tracked, bool IsNew);

    /// <summary>
    /// The orders whose search rows the coming save must rewrite: those named by the search's events it adds to the
    /// outbox. Reads the change tracker without detecting changes (the save does that; events and orders are added
    /// or tracked explicitly, so they are there already).
    /// </summary>
    public static List<Changed> Collect(OrdersDbContext db)
    {
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            var ids = db.ChangeTracker.Entries<OutboxMessage>()
                .Where(e => e.State == EntityState.Added && Types.Contains(e.Entity.Type))
                .Select(e => Guid.Parse(e.Entity.AggregateId))
                .Distinct()
                .ToList();
            if (ids.Count == 0)
                return [];
            // An order the save deletes is read as stored afterwards: not found, so its rows are removed.
            var tracked = db.ChangeTracker.Entries<Order>().Where(e => ids.Contains(e.Entity.Id) && e.State != EntityState.Deleted)
                .ToDictionary(e => e.Entity.Id);
            return ids.Select(id => tracked.TryGetValue(id, out var entry)
                    ? new Changed(id, entry.Entity, entry.State == EntityState.Added)
                    : new Changed(id, null, false))
                .ToList();
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    /// <summary>
    /// Rewrites the search rows of the orders a save just wrote, in its transaction. The tracked order is used when it
    /// holds all of its lines (a new order, or one loaded with them); otherwise the order is read as stored.
    /// </summary>
    public static async Task ProjectAsync(OrdersDbContext db, IReadOnlyList<Changed> changed, CancellationToken cancellationToken)
    {
        foreach (var (id, tracked, isNew) in changed)
        {
            var order = tracked is not null && (isNew || db.Entry(tracked).Collection(o => o.Lines).IsLoaded)
                ? tracked
                : await db.Orders.IgnoreQueryFilters().AsNoTracking().Include(o => o.Lines).FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
            if (order is null)
                await OrderSearchIndex.RemoveAsync(db, id, cancellationToken);
            else
                await OrderSearchIndex.UpsertAsync(db, order, cancellationToken, isNew);
        }
    }
}
