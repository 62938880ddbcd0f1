using System.Buffers.Text;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Contracts;

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
    int Limit);

/// <summary>Where a page ended: the sort value and search id of its last order, and which store it came from.</summary>
public sealed record SearchCursor(SearchSort Sort, string Value, long Id, bool Archived)
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

/// <summary>
/// The search query over one store (the live database or the archive). Each page is one query that a single index
/// serves, stopping after the page: an order number, phone or e-mail from its own index, a SKU, tag or attribute
/// filter from its own table (ordered by placed_at), free text from the trigram index (its newest
/// <see cref="TextHitLimit"/> matches), everything else from order_search.
/// Paging is keyset on (sort value, search id), so page 1,000 costs what page 1 costs.
/// </summary>
public static class OrderSearchQuery
{
    /// <summary>Free text considers at most this many matches (newest first); narrower words or filters find the rest.</summary>
    public const int TextHitLimit = 20_000;

    public static async Task<(List<SearchHit> Hits, bool TextTruncated)> RunAsync(DbContext db, SearchCriteria criteria, SearchCursor? after, bool archived,
        CancellationToken cancellationToken)
    {
        var (sql, parameters) = Build(criteria, after, archived);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                command.Parameters.Add(parameter);
            }
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

    /// <summary>The statement of one page of a search over one store, and its parameters.</summary>
    public static (string Sql, IReadOnlyList<(string Name, object Value)> Parameters) Build(SearchCriteria criteria, SearchCursor? after, bool archived)
    {
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
        var byPlacedAt = sortColumn == "placed_at";

        var sql = new StringBuilder();
        var where = new List<string> { "s.tenant_id = @tenant" };
        string? driving = null;
        if (criteria.Text is not null)
        {
            // Materialized once: it drives the page and tells whether the match limit was reached.
            sql.Append("WITH hits(id) AS MATERIALIZED (SELECT rowid FROM order_search_text WHERE order_search_text MATCH ")
                .Append(Parameter(Phrase(criteria.Text))).Append(" ORDER BY rowid DESC LIMIT ").Append(TextHitLimit + 1).Append(") ");
            driving = "hits JOIN order_search s ON s.search_id = hits.id";
        }
        // An exact order number, phone or e-mail matches a handful of rows: its own index drives, and the few rows are
        // sorted. Left to itself the planner walks the sort index instead (no LIMIT stops early when only rare rows
        // match), which at a million orders reads the whole table.
        else if (criteria.Number is not null)
            driving = "order_search s INDEXED BY ix_order_search_number";
        else if (criteria.PhoneIndex is not null)
            driving = "order_search s INDEXED BY ix_order_search_phone";
        else if (criteria.EmailIndex is not null)
            driving = "order_search s INDEXED BY ix_order_search_email";
        else if (criteria.Sku is not null && byPlacedAt)
        {
            driving = "order_search_skus d JOIN order_search s ON s.search_id = d.search_id";
            where.Add($"d.tenant_id = @tenant AND d.sku = {Parameter(criteria.Sku)}");
        }
        else if (criteria.Tag is not null && byPlacedAt)
        {
            driving = "order_search_tags d JOIN order_search s ON s.search_id = d.search_id";
            where.Add($"d.tenant_id = @tenant AND d.tag = {Parameter(criteria.Tag)}");
        }
        else if (criteria.Attributes.Count > 0 && byPlacedAt)
        {
            driving = "order_search_attributes d JOIN order_search s ON s.search_id = d.search_id";
            where.Add($"d.tenant_id = @tenant AND d.name = {Parameter(criteria.Attributes[0].Name)} AND d.value = {Parameter(criteria.Attributes[0].Value)}");
        }

        // Filters not driving the query are checked on each candidate.
        var drivenBy = driving?.Split(' ')[0];
        if (criteria.Sku is not null && drivenBy != "order_search_skus")
            where.Add($"s.search_id IN (SELECT search_id FROM order_search_skus WHERE tenant_id = @tenant AND sku = {Parameter(criteria.Sku)})");
        if (criteria.Tag is not null && drivenBy != "order_search_tags")
            where.Add($"s.search_id IN (SELECT search_id FROM order_search_tags WHERE tenant_id = @tenant AND tag = {Parameter(criteria.Tag)})");
        foreach (var (name, value) in criteria.Attributes.Skip(drivenBy == "order_search_attributes" ? 1 : 0))
            where.Add($"s.search_id IN (SELECT search_id FROM order_search_attributes WHERE tenant_id = @tenant AND name = {Parameter(name)} AND value = {Parameter(value)})");
        if (criteria.Number is long number)
            where.Add($"s.number = {Parameter(number)}");
        if (criteria.Statuses.Count > 0)
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
        // A SKU, tag or attribute table drives in its own (placed_at, search_id) order, which equals the order's: sorting
        // and paging on its columns lets SQLite stop after the page instead of walking every order by date.
        var key = drivenBy is "order_search_skus" or "order_search_tags" or "order_search_attributes" ? "d" : "s";
        if (after is not null && KeysetCondition(after, archived, key, sortColumn, descending, Parameter) is { } keyset)
            where.Add(keyset);

        var direction = descending ? "DESC" : "ASC";
        sql.Append("SELECT s.search_id, s.order_id, s.number, s.status, s.channel, s.external_ref, s.currency, s.grand_total, s.line_count, s.placed_at, s.tags, s.")
            .Append(sortColumn)
            .Append(criteria.Text is null ? ", 0" : ", (SELECT count(*) FROM hits)")
            .Append(" FROM ").Append(driving ?? "order_search s")
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
            decimal.Parse(reader.GetString(7), CultureInfo.InvariantCulture),
            reader.GetInt32(8),
            new DateTimeOffset(reader.GetInt64(9), TimeSpan.Zero),
            JsonSerializer.Deserialize<List<string>>(reader.GetString(10)) ?? [],
            archived);
        return new SearchHit(reader.GetInt64(0), order, sortValue, archived);
    }

    /// <summary>Free text as one FTS5 phrase: trigrams match it anywhere, case-insensitively; quotes cannot break out.</summary>
    private static string Phrase(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
