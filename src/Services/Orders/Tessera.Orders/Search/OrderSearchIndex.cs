using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Domain;
using Tessera.Orders.Features;

namespace Tessera.Orders.Search;

/// <summary>
/// Writes one order's search rows: the row itself, one row per SKU, tag and attribute value, and its text. Runs in the
/// caller's transaction, in the live database (projection) or in the archive (archiving).
/// </summary>
public static class OrderSearchIndex
{
    public static async Task UpsertAsync(DbContext db, Order order, CancellationToken cancellationToken)
    {
        var rows = db.Set<OrderSearchRow>();
        var row = await rows.FirstOrDefaultAsync(r => r.OrderId == order.Id, cancellationToken);
        if (row is null)
        {
            row = new OrderSearchRow { OrderId = order.Id };
            rows.Add(row);
        }

        var tags = OrderComposer.ReadTags(order.Tags);
        var placedAt = order.PlacedAt.UtcTicks;
        row.TenantId = order.TenantId;
        row.Number = order.Number;
        row.Status = order.Status.ToString();
        row.Channel = order.Channel;
        row.ExternalRef = order.ExternalRef;
        row.Currency = order.Currency;
        row.GrandTotal = order.Total;
        row.GrandTotalSort = (double)order.Total;
        row.LineCount = order.Lines.Count;
        row.PlacedAt = placedAt;
        row.PhoneIndex = order.Customer.PhoneIndex;
        row.EmailIndex = order.Customer.EmailIndex;
        row.Tags = order.Tags;
        await db.SaveChangesAsync(cancellationToken);

        await RemoveDetailsAsync(db, row.SearchId, cancellationToken);
        db.Set<OrderSearchSku>().AddRange(order.Lines.Select(l => l.Sku).Distinct()
            .Select(sku => new OrderSearchSku { TenantId = order.TenantId, Sku = sku, PlacedAt = placedAt, SearchId = row.SearchId }));
        db.Set<OrderSearchTag>().AddRange(tags
            .Select(tag => new OrderSearchTag { TenantId = order.TenantId, Tag = tag, PlacedAt = placedAt, SearchId = row.SearchId }));
        db.Set<OrderSearchAttribute>().AddRange(OrderComposer.ReadAttributes(order.Attributes)
            .Select(a => new OrderSearchAttribute { TenantId = order.TenantId, Name = a.Key, Value = a.Value, PlacedAt = placedAt, SearchId = row.SearchId }));
        await db.SaveChangesAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("INSERT INTO order_search_text (rowid, body) VALUES ({0}, {1})",
            [row.SearchId, Text(order, tags)], cancellationToken);
    }

    public static async Task RemoveAsync(DbContext db, Guid orderId, CancellationToken cancellationToken)
    {
        var searchId = await db.Set<OrderSearchRow>().Where(r => r.OrderId == orderId).Select(r => (long?)r.SearchId).FirstOrDefaultAsync(cancellationToken);
        if (searchId is not long id)
            return;
        await RemoveDetailsAsync(db, id, cancellationToken);
        await db.Set<OrderSearchRow>().Where(r => r.SearchId == id).ExecuteDeleteAsync(cancellationToken);
    }

    private static async Task RemoveDetailsAsync(DbContext db, long searchId, CancellationToken cancellationToken)
    {
        await db.Set<OrderSearchSku>().Where(r => r.SearchId == searchId).ExecuteDeleteAsync(cancellationToken);
        await db.Set<OrderSearchTag>().Where(r => r.SearchId == searchId).ExecuteDeleteAsync(cancellationToken);
        await db.Set<OrderSearchAttribute>().Where(r => r.SearchId == searchId).ExecuteDeleteAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("DELETE FROM order_search_text WHERE rowid = {0}", [searchId], cancellationToken);
    }

    /// <summary>What free text finds an order by: its number, external reference, SKUs, product descriptions and tags.</summary>
    private static string Text(Order order, IEnumerable<string> tags) =>
        string.Join(' ', new[] { "#" + order.Number.ToString(CultureInfo.InvariantCulture), order.ExternalRef ?? "" }
            .Concat(order.Lines.SelectMany(l => new[] { l.Sku, l.Description ?? "" }))
            .Concat(tags)
            .Where(t => t.Length > 0));
}
