using System.Buffers.Text;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Data;

namespace Tessera.Orders.Search;

public enum SearchSort
{
    PlacedAtDescending,
    PlacedAtAscending,
    NumberDescending,
    NumberAscending,
    TotalDescending,
    TotalAscending,
}

/// <summary>A search, as the endpoint validated it. Phone and e-mail arrive as their keyed hashes.</summary>
public sealed record SearchCriteria(
    string Tenant,
    string? Text,
    long? Number,
    IReadOnlyList<string> Statuses,
    string? Channel,
    DateTimeOffset? From,
    DateTimeOffset? To,
    string? Sku,
    string? Tag,
    IReadOnlyList<(string Name, string Value)> Attributes,
    string? PhoneIndex,
    string? EmailIndex,
    SearchSort Sort,
    int Limit,
    string? ReferencePrefix = null)
{
    /// <summary>Only orders of these customers (a customer and the duplicates merged into it).</summary>
    public IReadOnlyList<Guid>? Customers { get; init; }
}

/// <summary>
/// Where a page ended: the sort value and search id of its last order, which store it came from, and whether the search
/// text was taken as the beginning of external references (so that the next page is read the same way).
/// </summary>
public sealed record SearchCursor(SearchSort Sort, string Value, long Id, bool Archived, bool Reference = false)
{
    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this));

    public static SearchCursor? Decode(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        try
        {
            return JsonSerializer.Deserialize<SearchCursor>(Base64Url.DecodeFromChars(text));
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }
}

public sealed record SearchHit(long SearchId, OrderSummaryDto Order, string SortValue, bool Archived);

/// <summary>The index a page of a search is read in the order of; the other filters are checked on each row it yields.</summary>
public enum SearchDriver
{
    Orders,
    Text,
    Reference,
    Number,
    Phone,
    Email,
    Sku,
    Tag,
    Attribute,
    Status,
    Channel,
    Customer,
}

/// <summary>
/// The search query over one store (the live database or the archive). Each page is one query that a single index
/// serves, stopping after the page: an order number, phone or e-mail from its own index, a SKU, tag or attribute
/// filter from its own table (ordered by placed_at), free text from the trigram index (its newest
/// <see cref="TextHitLimit"/> matches), everything else from order_search.
/// Paging is keyset on (sort value, search id), so page 1,000 costs what page 1 costs.
/// </summary>
public static partial class OrderSearchQuery
{
    /// <summary>Free text considers at most this many matches (newest first); narrower words or filters find the rest.</summary>
    public const int TextHitLimit = 20_000;

    public static async Task<(List<SearchHit> Hits, bool TextTruncated)> RunAsync(DbContext db, SearchCriteria criteria, SearchCursor? after, bool archived,
        CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var driver = await ChooseDriverAsync(db, criteria, cancellationToken);
            var (sql, parameters) = Build(criteria, after, archived, driver);
            await using var command = Command(db, sql, parameters);
            var hits = new List<SearchHit>();
            var truncated = false;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                hits.Add(Read(reader, archived));
                truncated = reader.GetInt64(12) > TextHitLimit;
            }
            return (hits, truncated);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Rows a filter may match before its count stops mattering: beyond it, every candidate is "many".</summary>
    private const int SelectivityCap = 50_000;

    /// <summary>A reference prefix is used only while it names at most this many orders (they are sorted in memory).</summary>
    public const int ReferenceMatchLimit = 1_000;

    /// <summary>
    /// The driver that is certain (text, a reference, an order number, a phone, an e-mail), or — for a page sorted by
    /// date with several filters that each have an index in date order — the one matching the fewest orders, counted up
    /// to <see cref="SelectivityCap"/> on its own index. SQLite keeps no statistics of its own here, and without them a
    /// rare status combined with a common tag would be found by walking every order with the tag.
    /// </summary>
    public static async Task<SearchDriver> ChooseDriverAsync(DbContext db, SearchCriteria criteria, CancellationToken cancellationToken)
    {
        var candidates = Candidates(criteria);
        if (candidates.Count <= 1)
            return candidates.FirstOrDefault(SearchDriver.Orders);
        var best = (Driver: candidates[0], Rows: long.MaxValue);
        foreach (var candidate in candidates)
        {
            var (sql, parameters) = CountSql(criteria, candidate);
            await using var command = Command(db, sql, parameters);
            var rows = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            if (rows < best.Rows)
                best = (candidate, rows);
        }
        return best.Driver;
    }

    /// <summary>How many orders of the tenant have external references starting with <paramref name="prefix"/>, counted up to the limit + 1.</summary>
    public static async Task<int> CountReferencesAsync(DbContext db, string tenant, string prefix, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = Command(db,
                "SELECT count(*) FROM (SELECT 1 FROM order_search INDEXED BY ix_order_search_external_ref " +
                $"WHERE tenant_id = @tenant AND external_ref >= @low AND external_ref < @high LIMIT {ReferenceMatchLimit + 1})",
                [("@tenant", tenant), ("@low", prefix), ("@high", PrefixEnd(prefix))]);
            return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The drivers a search may be read by, the preferred first (used when counting cannot tell them apart).</summary>
    private static List<SearchDriver> Candidates(SearchCriteria criteria)
    {
        if (criteria.Text is not null)
            return [SearchDriver.Text];
        if (criteria.ReferencePrefix is not null)
            return [SearchDriver.Reference];
        if (criteria.Number is not null)
            return [SearchDriver.Number];
        if (criteria.PhoneIndex is not null)
            return [SearchDriver.Phone];
        if (criteria.EmailIndex is not null)
            return [SearchDriver.Email];
        if (criteria.Customers is not null)
            return [SearchDriver.Customer];
        if (criteria.Sort is not (SearchSort.PlacedAtDescending or SearchSort.PlacedAtAscending))
            return [];
        var candidates = new List<SearchDriver>();
        if (criteria.Sku is not null)
            candidates.Add(SearchDriver.Sku);
        if (criteria.Tag is not null)
            candidates.Add(SearchDriver.Tag);
        if (criteria.Attributes.Count > 0)
            candidates.Add(SearchDriver.Attribute);
        // Only a single status or channel is an equality its index can serve in date order.
        if (criteria.Statuses.Count == 1 && candidates.Count > 0)
            candidates.Add(SearchDriver.Status);
        if (criteria.Channel is not null && candidates.Count > 0)
            candidates.Add(SearchDriver.Channel);
        return candidates;
    }

    private static (string Sql, List<(string Name, object Value)> Parameters) CountSql(SearchCriteria criteria, SearchDriver driver)
    {
        var parameters = new List<(string Name, object Value)> { ("@tenant", criteria.Tenant), ("@value", "") };
        var (table, filter) = driver switch
        {
            SearchDriver.Sku => ("order_search_skus", "sku = @value"),
            SearchDriver.Tag => ("order_search_tags", "tag = @value"),
            SearchDriver.Attribute => ("order_search_attributes", "name = @name AND value = @value"),
            SearchDriver.Status => ("order_search INDEXED BY ix_order_search_status", "status = @value"),
            SearchDriver.Channel => ("order_search INDEXED BY ix_order_search_channel", "channel = @value"),
            _ => throw new ArgumentOutOfRangeException(nameof(driver), driver, "Only filters in date order are counted."),
        };
        parameters[1] = ("@value", driver switch
        {
            SearchDriver.Sku => criteria.Sku!,
            SearchDriver.Tag => criteria.Tag!,
            SearchDriver.Attribute => criteria.Attributes[0].Value,
            SearchDriver.Status => criteria.Statuses[0],
            _ => criteria.Channel!,
        });
        if (driver == SearchDriver.Attribute)
            parameters.Add(("@name", criteria.Attributes[0].Name));
        var range = "";
        if (criteria.From is { } from)
        {
            range += " AND placed_at >= @from";
            parameters.Add(("@from", from.UtcTicks));
        }
        if (criteria.To is { } to)
        {
            range += " AND placed_at < @to";
            parameters.Add(("@to", to.UtcTicks));
        }
        return ($"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE tenant_id = @tenant AND {filter}{range} LIMIT {SelectivityCap})", parameters);
    }

    private static DbCommand Command(DbContext db, string sql, IEnumerable<(string Name, object Value)> parameters)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        var postgres = db is ServiceDbContext { IsPostgres: true };
        command.CommandText = postgres ? Postgres(sql) : sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            // An id is a uuid in PostgreSQL and, as EF Core stores it in SQLite, upper-case text.
            parameter.Value = value is Guid id && !postgres ? id.ToString().ToUpperInvariant() : value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    /// <summary>
    /// The same statement for PostgreSQL: its planner keeps statistics, so index hints go; the text index is pg_trgm's
    /// (ILIKE, with the pattern characters of the text escaped); a derived table needs a name.
    /// </summary>
    internal static string Postgres(string sql)
    {
        sql = IndexHint().Replace(sql, "");
        sql = TextMatch().Replace(sql, @"body ILIKE '%' || replace(replace(replace($1, '\', '\\'), '%', '\%'), '_', '\_') || '%'");
        return CountedSubquery().Replace(sql, "$0 AS counted");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@" INDEXED BY \w+")]
    private static partial System.Text.RegularExpressions.Regex IndexHint();

    [System.Text.RegularExpressions.GeneratedRegex(@"order_search_text MATCH '""' \|\| replace\((@p\d+), '""', '""""'\) \|\| '""'")]
    private static partial System.Text.RegularExpressions.Regex TextMatch();

    [System.Text.RegularExpressions.GeneratedRegex(@"LIMIT \d+\)$")]
    private static partial System.Text.RegularExpressions.Regex CountedSubquery();

    /// <summary>Just past every text that starts with <paramref name="prefix"/> (SQLite compares text byte by byte, as UTF-8).</summary>
    private static string PrefixEnd(string prefix) => prefix + "\U0010FFFF";

    /// <summary>
    /// The statement of one page of a search over one store, and its parameters. Without a <paramref name="driver"/> the
    /// preferred candidate drives (as <see cref="ChooseDriverAsync"/> would choose when counting cannot tell).
    /// </summary>
    public static (string Sql, IReadOnlyList<(string Name, object Value)> Parameters) Build(SearchCriteria criteria, SearchCursor? after, bool archived,
        SearchDriver? driver = null)
    {
        var drives = driver ?? Candidates(criteria).FirstOrDefault(SearchDriver.Orders);
        var parameters = new List<(string Name, object Value)> { ("@tenant", criteria.Tenant) };
        string Parameter(object value)
        {
            var name = "@p" + parameters.Count.ToString(CultureInfo.InvariantCulture);
            parameters.Add((name, value));
            return name;
        }

        var (sortColumn, descending) = criteria.Sort switch
        {
            SearchSort.PlacedAtDescending => ("placed_at", true),
            SearchSort.PlacedAtAscending => ("placed_at", false),
            SearchSort.NumberDescending => ("number", true),
            SearchSort.NumberAscending => ("number", false),
            SearchSort.TotalDescending => ("grand_total_sort", true),
            _ => ("grand_total_sort", false),
        };

        var sql = new StringBuilder();
        var where = new List<string> { "s.tenant_id = @tenant" };
        string driving;
        switch (drives)
        {
            case SearchDriver.Text:
                // Materialized once: it drives the page and tells whether the match limit was reached.
                sql.Append("WITH hits(id) AS MATERIALIZED (SELECT rowid FROM order_search_text WHERE order_search_text MATCH ")
                    .Append(Phrase(Parameter(criteria.Text!))).Append(" ORDER BY rowid DESC LIMIT ").Append(TextHitLimit + 1).Append(") ");
                driving = "hits JOIN order_search s ON s.search_id = hits.id";
                break;
            // An exact order number, phone, e-mail or a reference prefix matches a handful of rows: its own index
            // drives, and the few rows are sorted. Left to itself the planner walks the sort index instead (no LIMIT
            // stops early when only rare rows match), which at a million orders reads the whole table.
            case SearchDriver.Reference:
                driving = "order_search s INDEXED BY ix_order_search_external_ref";
                where.Add($"s.external_ref >= {Parameter(criteria.ReferencePrefix!)} AND s.external_ref < {Parameter(PrefixEnd(criteria.ReferencePrefix!))}");
                break;
            case SearchDriver.Number:
                driving = "order_search s INDEXED BY ix_order_search_number";
                break;
            case SearchDriver.Phone:
                driving = "order_search s INDEXED BY ix_order_search_phone";
                break;
            case SearchDriver.Email:
                driving = "order_search s INDEXED BY ix_order_search_email";
                break;
            case SearchDriver.Sku:
                driving = "order_search_skus d JOIN order_search s ON s.search_id = d.search_id";
                where.Add($"d.tenant_id = @tenant AND d.sku = {Parameter(criteria.Sku!)}");
                break;
            case SearchDriver.Tag:
                driving = "order_search_tags d JOIN order_search s ON s.search_id = d.search_id";
                where.Add($"d.tenant_id = @tenant AND d.tag = {Parameter(criteria.Tag!)}");
                break;
            case SearchDriver.Attribute:
                driving = "order_search_attributes d JOIN order_search s ON s.search_id = d.search_id";
                where.Add($"d.tenant_id = @tenant AND d.name = {Parameter(criteria.Attributes[0].Name)} AND d.value = {Parameter(criteria.Attributes[0].Value)}");
                break;
            case SearchDriver.Status:
                driving = "order_search s INDEXED BY ix_order_search_status";
                break;
            case SearchDriver.Customer:
                driving = "order_search s INDEXED BY ix_order_search_customer";
                break;
            case SearchDriver.Channel:
                driving = "order_search s INDEXED BY ix_order_search_channel";
                break;
            default:
                driving = "order_search s";
                break;
        }

        // Filters not driving the query are checked on each row it yields, looked up by the row's search id (an IN list
        // would first gather every order with that tag or SKU: a hundred thousand rows for a common tag).
        if (criteria.Sku is not null && drives != SearchDriver.Sku)
            where.Add($"EXISTS (SELECT 1 FROM order_search_skus x WHERE x.search_id = s.search_id AND x.tenant_id = @tenant AND x.sku = {Parameter(criteria.Sku)})");
        if (criteria.Tag is not null && drives != SearchDriver.Tag)
            where.Add($"EXISTS (SELECT 1 FROM order_search_tags x WHERE x.search_id = s.search_id AND x.tenant_id = @tenant AND x.tag = {Parameter(criteria.Tag)})");
        foreach (var (name, value) in criteria.Attributes.Skip(drives == SearchDriver.Attribute ? 1 : 0))
            where.Add($"EXISTS (SELECT 1 FROM order_search_attributes x WHERE x.search_id = s.search_id AND x.tenant_id = @tenant " +
                      $"AND x.name = {Parameter(name)} AND x.value = {Parameter(value)})");
        if (criteria.Number is long number)
            where.Add($"s.number = {Parameter(number)}");
        if (criteria.Statuses.Count == 1)
            where.Add($"s.status = {Parameter(criteria.Statuses[0])}");
        else if (criteria.Statuses.Count > 1)
            where.Add($"s.status IN ({string.Join(", ", criteria.Statuses.Select(st => Parameter(st)))})");
        if (criteria.Channel is not null)
            where.Add($"s.channel = {Parameter(criteria.Channel)}");
        if (criteria.From is { } from)
            where.Add($"s.placed_at >= {Parameter(from.UtcTicks)}");
        if (criteria.To is { } to)
            where.Add($"s.placed_at < {Parameter(to.UtcTicks)}");
        if (criteria.PhoneIndex is not null)
            where.Add($"s.phone_index = {Parameter(criteria.PhoneIndex)}");
        if (criteria.EmailIndex is not null)
            where.Add($"s.email_index = {Parameter(criteria.EmailIndex)}");
        if (criteria.Customers is not null)
        {
            var customers = criteria.Customers.Count == 0 ? "NULL" : string.Join(", ", criteria.Customers.Select(c => Parameter(c)));
            where.Add($"s.customer_id IS NOT NULL AND s.customer_id IN ({customers})");
        }
        // A SKU, tag or attribute table drives in its own (placed_at, search_id) order, which equals the order's: sorting
        // and paging on its columns lets SQLite stop after the page instead of walking every order by date.
        var key = drives is SearchDriver.Sku or SearchDriver.Tag or SearchDriver.Attribute ? "d" : "s";
        if (after is not null && KeysetCondition(after, archived, key, sortColumn, descending, Parameter) is { } keyset)
            where.Add(keyset);

        var direction = descending ? "DESC" : "ASC";
        sql.Append("SELECT s.search_id, s.order_id, s.number, s.status, s.channel, s.external_ref, s.currency, s.grand_total, s.line_count, s.placed_at, s.tags, s.")
            .Append(sortColumn)
            .Append(criteria.Text is null ? ", 0" : ", (SELECT count(*) FROM hits)")
            .Append(" FROM ").Append(driving)
            .Append(" WHERE ").Append(string.Join(" AND ", where))
            .Append(" ORDER BY ").Append(key).Append('.').Append(sortColumn).Append(' ').Append(direction)
            .Append(", ").Append(key).Append(".search_id ").Append(direction)
            .Append(" LIMIT ").Append(criteria.Limit + 1);
        return (sql.ToString(), parameters);
    }

    /// <summary>
    /// Rows after the cursor in the merged order of both stores: by sort value, then live before archive, then search id.
    /// </summary>
    private static string? KeysetCondition(SearchCursor after, bool archived, string table, string column, bool descending, Func<object, string> parameter)
    {
        // Boxed one by one: a conditional expression of double and long would make both a double, and ticks beyond a
        // double's 53 bits would be rounded, moving the cursor onto a neighbouring order.
        var value = column == "grand_total_sort"
            ? (object)double.Parse(after.Value, CultureInfo.InvariantCulture)
            : (object)long.Parse(after.Value, CultureInfo.InvariantCulture);
        var (beyond, notBeyond) = descending ? ("<", "<=") : (">", ">=");
        var v = parameter(value);
        if (after.Archived == archived)
            return $"({table}.{column}, {table}.search_id) {beyond} ({v}, {parameter(after.Id)})";
        // The cursor sits in the other store. Live rows come before archived ones among equal sort values.
        return archived ? $"{table}.{column} {notBeyond} {v}" : $"{table}.{column} {beyond} {v}";
    }

    private static SearchHit Read(DbDataReader reader, bool archived)
    {
        var sortValue = reader.GetValue(11) is double d ? d.ToString("R", CultureInfo.InvariantCulture) : Convert.ToInt64(reader.GetValue(11), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        var order = new OrderSummaryDto(
            reader.GetGuid(1),
            reader.GetInt64(2),
            Enum.Parse<OrderStatus>(reader.GetString(3)),
            reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.GetString(6),
            reader.GetValue(7) is string total ? decimal.Parse(total, CultureInfo.InvariantCulture) : reader.GetDecimal(7),
            reader.GetInt32(8),
            new DateTimeOffset(reader.GetInt64(9), TimeSpan.Zero),
            JsonSerializer.Deserialize<List<string>>(reader.GetString(10)) ?? [],
            archived);
        return new SearchHit(reader.GetInt64(0), order, sortValue, archived);
    }

    /// <summary>Free text as one FTS5 phrase: trigrams match it anywhere, case-insensitively; quotes cannot break out.</summary>
    private static string Phrase(string parameter) => $"'\"' || replace({parameter}, '\"', '\"\"') || '\"'";
}
