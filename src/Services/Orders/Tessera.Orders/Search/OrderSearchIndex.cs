using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Tessera.Orders.Domain;
using Tessera.Orders.Features;
using Tessera.ServiceDefaults.Data;

namespace Tessera.Orders.Search;

/// <summary>
/// Writes one order's search rows: the row itself, one row per SKU, tag and attribute value, and its text. Runs in the
/// caller's transaction, in the live database (projection) or in the archive (archiving).
/// </summary>
public static class OrderSearchIndex
{
    /// <summary>
    /// Rewrites the order's search rows from its current state, in the caller's transaction. <paramref name="isNew"/>
    /// says the order was only just added, so it has no rows yet. Leaves nothing tracked: a later upsert in the same
    /// context reads what is stored, not what an earlier one left in the change tracker.
    /// </summary>
    public static async Task UpsertAsync(DbContext db, Order order, CancellationToken cancellationToken, bool isNew = false)
    {
        var details = DetailsOf(order);
        // Most changes leave the details as they were: one UPDATE of the row, which matches nothing when the row is
        // missing or its details changed — then the rows are written whole.
        if (!isNew && await UpdateRowAsync(db, order, details, cancellationToken) == 1)
            return;

        var rows = db.Set<OrderSearchRow>();
        var row = isNew ? null : await rows.FirstOrDefaultAsync(r => r.OrderId == order.Id, cancellationToken);
        var existed = row is not null;
        if (row is null)
        {
            row = new OrderSearchRow { OrderId = order.Id };
            rows.Add(row);
        }
        Fill(row, order, details);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(row).State = EntityState.Detached;

        if (existed)
            await RemoveDetailsAsync(db, row.SearchId, cancellationToken);
        var added = AddDetails(db, order, row.SearchId, details);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var entity in added)
            db.Entry(entity).State = EntityState.Detached;
        await db.Database.ExecuteSqlRawAsync("INSERT INTO order_search_text (rowid, body) VALUES ({0}, {1})", [row.SearchId, details.Text], cancellationToken);
    }

    /// <summary>Rewrites the row of an order whose stored details are these; 0 when there is no such row.</summary>
    private static Task<int> UpdateRowAsync(DbContext db, Order order, Details details, CancellationToken cancellationToken)
    {
        var (status, total, sort, lines) = (order.Status.ToString(), order.Total, (double)order.Total, order.Lines.Count);
        var (phone, email, customer) = (order.Customer.PhoneIndex, order.Customer.EmailIndex, order.CustomerId);
        return db.Set<OrderSearchRow>()
            .Where(r => r.OrderId == order.Id && r.DetailsHash == details.Hash)
            .ExecuteUpdateAsync(u => u
                .SetProperty(r => r.TenantId, order.TenantId)
                .SetProperty(r => r.Number, order.Number)
                .SetProperty(r => r.Status, status)
                .SetProperty(r => r.Channel, order.Channel)
                .SetProperty(r => r.ExternalRef, order.ExternalRef)
                .SetProperty(r => r.Currency, order.Currency)
                .SetProperty(r => r.GrandTotal, total)
                .SetProperty(r => r.GrandTotalSort, sort)
                .SetProperty(r => r.LineCount, lines)
                .SetProperty(r => r.PhoneIndex, phone)
                .SetProperty(r => r.EmailIndex, email)
                .SetProperty(r => r.Tags, order.Tags)
                .SetProperty(r => r.CustomerId, customer), cancellationToken);
    }

    /// <summary>
    /// For bulk writes: adds the search rows of orders not yet indexed, under search ids after the highest one stored,
    /// to be written by the caller's bulk insert (call inside its write transaction); returns the texts to write with
    /// <see cref="WriteTextsAsync"/> once the rows are in.
    /// </summary>
    public static async Task<List<(long SearchId, string Text)>> AddNewAsync(DbContext db, IEnumerable<Order> orders, CancellationToken cancellationToken)
    {
        var list = orders as IReadOnlyList<Order> ?? orders.ToList();
        if (db is ServiceDbContext { IsPostgres: true })
        {
            // Ids from the column's own sequence: writers of other transactions take theirs from it too, and an id above
            // the sequence would be handed out again later (SQLite's AUTOINCREMENT follows the largest id instead).
            var ids = await db.Database.SqlQuery<long>(
                    $"SELECT nextval(pg_get_serial_sequence('order_search', 'search_id')) AS \"Value\" FROM generate_series(1, {list.Count})")
                .ToListAsync(cancellationToken);
            return list.Select((order, i) => (ids[i], AddNew(db, order, ids[i]))).ToList();
        }
        var searchId = (await db.Set<OrderSearchRow>().MaxAsync(r => (long?)r.SearchId, cancellationToken) ?? 0) + 1;
        return list.Select(order => (searchId, AddNew(db, order, searchId++))).ToList();
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

    /// <summary>Writes the texts of bulk-added search rows with one prepared INSERT, in the caller's write transaction.</summary>
    public static async Task WriteTextsAsync(DbContext db, IReadOnlyList<(long SearchId, string Text)> texts, CancellationToken cancellationToken)
    {
        if (texts.Count == 0)
            return;
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = "INSERT INTO order_search_text (rowid, body) VALUES (@id, @body)";
        var (id, body) = (command.CreateParameter(), command.CreateParameter());
        (id.ParameterName, body.ParameterName) = ("@id", "@body");
        command.Parameters.Add(id);
        command.Parameters.Add(body);
        foreach (var (searchId, text) in texts)
        {
            (id.Value, body.Value) = (searchId, text);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
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

    private static List<object> AddDetails(DbContext db, Order order, long searchId, Details details)
    {
        var skus = details.Skus
            .Select(sku => new OrderSearchSku { TenantId = order.TenantId, Sku = sku, PlacedAt = details.PlacedAt, SearchId = searchId }).ToList();
        var tags = details.Tags
            .Select(tag => new OrderSearchTag { TenantId = order.TenantId, Tag = tag, PlacedAt = details.PlacedAt, SearchId = searchId }).ToList();
        var attributes = details.Attributes
            .Select(a => new OrderSearchAttribute { TenantId = order.TenantId, Name = a.Key, Value = a.Value, PlacedAt = details.PlacedAt, SearchId = searchId }).ToList();
        db.Set<OrderSearchSku>().AddRange(skus);
        db.Set<OrderSearchTag>().AddRange(tags);
        db.Set<OrderSearchAttribute>().AddRange(attributes);
        return [.. skus, .. tags, .. attributes];
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
