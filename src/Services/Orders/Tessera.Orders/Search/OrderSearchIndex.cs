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
        var isNew = row is null;
        if (row is null)
        {
            row = new OrderSearchRow { OrderId = order.Id };
            rows.Add(row);
        }

        var details = DetailsOf(order);
        var unchanged = row.DetailsHash == details.Hash;
        Fill(row, order, details);
        await db.SaveChangesAsync(cancellationToken);
        // Most events change only the status: the detail rows and the text stay as they are.
        if (unchanged)
            return;

        if (!isNew)
            await RemoveDetailsAsync(db, row.SearchId, cancellationToken);
        AddDetails(db, order, row.SearchId, details);
        await db.SaveChangesAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("INSERT INTO order_search_text (rowid, body) VALUES ({0}, {1})", [row.SearchId, details.Text], cancellationToken);
    }

    /// <summary>
    /// For bulk loading: adds the search rows of an order not yet indexed, under a search id the caller chose, to be
    /// written with the rest of the batch; returns the text the caller writes to order_search_text under that id.
    /// </summary>
    public static string AddNew(DbContext db, Order order, long searchId)
    {
        var details = DetailsOf(order);
        var row = new OrderSearchRow { OrderId = order.Id, SearchId = searchId };
        Fill(row, order, details);
        db.Set<OrderSearchRow>().Add(row);
        AddDetails(db, order, searchId, details);
        return details.Text;
    }

    private sealed record Details(long PlacedAt, List<string> Skus, IReadOnlyList<string> Tags, IReadOnlyDictionary<string, string> Attributes, string Text)
    {
        public string Hash { get; } = DetailsHash(PlacedAt, Skus, Tags, Attributes, Text);
    }

    private static Details DetailsOf(Order order)
    {
        var tags = OrderComposer.ReadTags(order.Tags);
        return new Details(order.PlacedAt.UtcTicks, order.Lines.Select(l => l.Sku).Distinct().Order(StringComparer.Ordinal).ToList(), tags,
            OrderComposer.ReadAttributes(order.Attributes), Text(order, tags));
    }

    private static void Fill(OrderSearchRow row, Order order, Details details)
    {
        row.TenantId = order.TenantId;
        row.Number = order.Number;
        row.Status = order.Status.ToString();
        row.Channel = order.Channel;
        row.ExternalRef = order.ExternalRef;
        row.Currency = order.Currency;
        row.GrandTotal = order.Total;
        row.GrandTotalSort = (double)order.Total;
        row.LineCount = order.Lines.Count;
        row.PlacedAt = details.PlacedAt;
        row.PhoneIndex = order.Customer.PhoneIndex;
        row.EmailIndex = order.Customer.EmailIndex;
        row.Tags = order.Tags;
        row.CustomerId = order.CustomerId;
        row.DetailsHash = details.Hash;
    }

    private static void AddDetails(DbContext db, Order order, long searchId, Details details)
    {
        db.Set<OrderSearchSku>().AddRange(details.Skus
            .Select(sku => new OrderSearchSku { TenantId = order.TenantId, Sku = sku, PlacedAt = details.PlacedAt, SearchId = searchId }));
        db.Set<OrderSearchTag>().AddRange(details.Tags
            .Select(tag => new OrderSearchTag { TenantId = order.TenantId, Tag = tag, PlacedAt = details.PlacedAt, SearchId = searchId }));
        db.Set<OrderSearchAttribute>().AddRange(details.Attributes
            .Select(a => new OrderSearchAttribute { TenantId = order.TenantId, Name = a.Key, Value = a.Value, PlacedAt = details.PlacedAt, SearchId = searchId }));
    }

    private static string DetailsHash(long placedAt, IEnumerable<string> skus, IEnumerable<string> tags, IReadOnlyDictionary<string, string> attributes, string text)
    {
        var source = string.Join('\u001f', new[] { placedAt.ToString(CultureInfo.InvariantCulture), string.Join('\u001e', skus), string.Join('\u001e', tags) }
            .Concat(attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + a.Value))
            .Append(text));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(source)))[..32];
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
