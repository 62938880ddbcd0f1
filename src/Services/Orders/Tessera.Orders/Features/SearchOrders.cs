using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Tessera.Orders.Archive;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.Orders.Domain;
using Tessera.Orders.Search;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Orders.Features;

/// <summary>
/// Order search over the read model: filters on status, channel, placed-at range, SKU, tag and extension attributes
/// (attr.&lt;name&gt;=value); exact lookup by customer phone or e-mail (through their keyed hashes, never the values);
/// free text over number, external reference, product descriptions and tags; sorting and keyset paging. With
/// includeArchived the archive is searched too and both are merged into one order.
/// </summary>
public static partial class SearchOrders
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static void Map(RouteGroupBuilder orders) =>
        orders.MapGet("/search", Handle).WithName("SearchOrders")
            .WithSummary("Search orders: q, status (comma-separated), channel, from, to, sku, tag, attr.<name>, phone, email, sort " +
                         "(placedAt, -placedAt, number, -number, total, -total), limit, after (the cursor of the previous page), includeArchived. " +
                         "q without spaces that begins the external reference of up to 1,000 orders finds those orders; otherwise it is fuzzy text " +
                         "(at least three characters) over number, external reference, product descriptions and tags; #123 is an order number.");

    private static async Task<Results<Ok<OrderSearchPageDto>, ValidationProblem>> Handle(
        HttpRequest http, OrdersDbContext db, OrderArchive archive, ITenantContext tenant, OrderPrivacy privacy, OrderComposer composer,
        CancellationToken cancellationToken)
    {
        var parsed = await ParseAsync(http, db, archive, tenant, privacy, composer, cancellationToken);
        if (parsed.Errors is { } problems)
            return Problems.Validation(problems);
        return TypedResults.Ok(await RunAsync(db, archive, parsed.Criteria!, parsed.After, parsed.IncludeArchived, cancellationToken));
    }

    /// <summary>A search as its query string says it, validated: the criteria, or the errors naming each parameter.</summary>
    public sealed record ParsedSearch(SearchCriteria? Criteria, SearchCursor? After, bool IncludeArchived, Dictionary<string, string[]>? Errors);

    /// <summary>Reads the search parameters (shared by the search and the CSV export, so both filter alike).</summary>
    public static async Task<ParsedSearch> ParseAsync(
        HttpRequest http, OrdersDbContext db, OrderArchive archive, ITenantContext tenant, OrderPrivacy privacy, OrderComposer composer,
        CancellationToken cancellationToken, int? limitOverride = null)
    {
        var query = http.Query;
        var errors = new CompositionErrors();
        var tenantId = tenant.TenantId!;

        string? text = null;
        long? number = null;
        if (query["q"].ToString().Trim() is { Length: > 0 } q)
        {
            if (NumberPattern().Match(q) is { Success: true } m)
                number = long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            else if (q.Length < 3)
                errors.Add("q", "Search text needs at least three characters (or an order number).");
            else
                text = q;
        }

        var statuses = new List<string>();
        foreach (var status in query["status"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Enum.TryParse<OrderStatus>(status, ignoreCase: true, out var parsed))
                statuses.Add(parsed.ToString());
            else
                errors.Add("status", $"'{status}' is not a status; use {string.Join(", ", Enum.GetNames<OrderStatus>())}.");
        }

        DateTimeOffset? Date(string name)
        {
            var value = query[name].ToString();
            if (value.Length == 0)
                return null;
            if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
                return parsed;
            errors.Add(name, $"{name} is a date and time such as 2026-11-22T00:00:00+07:00.");
            return null;
        }
        var (from, to) = (Date("from"), Date("to"));

        var sort = query["sort"].ToString() switch
        {
            "" or "-placedAt" => SearchSort.PlacedAtDescending,
            "placedAt" => SearchSort.PlacedAtAscending,
            "-number" => SearchSort.NumberDescending,
            "number" => SearchSort.NumberAscending,
            "-total" => SearchSort.TotalDescending,
            "total" => SearchSort.TotalAscending,
            var other => Invalid(errors, "sort", $"'{other}' is not a sort; use placedAt, -placedAt, number, -number, total or -total."),
        };

        var limit = DefaultLimit;
        if (query["limit"].ToString() is { Length: > 0 } limitText && (!int.TryParse(limitText, out limit) || limit is < 1 or > MaxLimit))
            errors.Add("limit", $"limit is between 1 and {MaxLimit}.");

        var after = SearchCursor.Decode(query["after"]);
        if (query["after"].ToString().Length > 0 && (after is null || after.Sort != sort))
            errors.Add("after", "The cursor is not valid for this search; start again from the first page.");

        var definitions = await composer.AttributeDefinitionsAsync(cancellationToken);
        var attributes = new List<(string, string)>();
        foreach (var key in query.Keys.Where(k => k.StartsWith("attr.", StringComparison.Ordinal)))
        {
            var name = key["attr.".Length..];
            var definition = definitions.FirstOrDefault(d => d.Name == name);
            if (definition is null)
                errors.Add(key, $"No attribute '{name}' is defined for orders.");
            else
                attributes.Add((name, AttributeRules.Normalize(definition, query[key].ToString().Trim())));
        }

        if (errors.Any)
            return new ParsedSearch(null, null, false, errors.ToDictionary());

        var criteria = new SearchCriteria(
            tenantId, text, number, statuses, Blank(query["channel"]), from, to, Blank(query["sku"]),
            Blank(query["tag"]) is { } tag ? OrderRules.NormalizeTag(tag) : null,
            attributes,
            Blank(query["phone"]) is { } phone ? privacy.PhoneIndex(phone, tenantId) : null,
            Blank(query["email"]) is { } email ? privacy.EmailIndex(email, tenantId) : null,
            sort, limitOverride ?? limit);

        var includeArchived = bool.TryParse(query["includeArchived"], out var archivedToo) && archivedToo;
        if (await IsReferenceAsync(text, after, tenantId, includeArchived, db, archive, cancellationToken))
            criteria = criteria with { Text = null, ReferencePrefix = text };
        return new ParsedSearch(criteria, after, includeArchived, null);
    }

    /// <summary>One page of a search over the live store, and the archive too when asked, merged into one order.</summary>
    public static async Task<OrderSearchPageDto> RunAsync(OrdersDbContext db, OrderArchive archive, SearchCriteria criteria, SearchCursor? after,
        bool includeArchived, CancellationToken cancellationToken)
    {
        var sort = criteria.Sort;
        var limit = criteria.Limit;
        var live = await OrderSearchQuery.RunAsync(db, criteria, after, archived: false, cancellationToken);
        var old = includeArchived ? await archive.SearchAsync(criteria, after, cancellationToken) : ([], false);
        var merged = Distinct(Merge(live.Hits, old.Hits, sort)).Take(limit + 1).ToList();
        var page = merged.Take(limit).ToList();
        var next = merged.Count > limit
            ? new SearchCursor(sort, page[^1].Last.SortValue, page[^1].Last.SearchId, page[^1].Last.Archived, criteria.ReferencePrefix is not null).Encode()
            : null;
        return new OrderSearchPageDto(page.Select(h => h.Hit.Order).ToList(), next, live.TextTruncated || old.TextTruncated);
    }

    /// <summary>
    /// Text with no spaces that begins the external reference of at least one and at most
    /// <see cref="OrderSearchQuery.ReferenceMatchLimit"/> orders is a reference someone copied from a marketplace or a
    /// parcel: those orders are the answer, found in the reference index, instead of every order whose text contains it
    /// somewhere (which, for a code made of common letters and digits, means reading a large part of the text index).
    /// A cursor keeps the way its first page was read.
    /// </summary>
    private static async Task<bool> IsReferenceAsync(string? text, SearchCursor? after, string tenant, bool includeArchived, OrdersDbContext db,
        OrderArchive archive, CancellationToken cancellationToken)
    {
        if (text is null || text.Any(char.IsWhiteSpace))
            return false;
        if (after is not null)
            return after.Reference;
        var matches = await OrderSearchQuery.CountReferencesAsync(db, tenant, text, cancellationToken);
        if (includeArchived && matches <= OrderSearchQuery.ReferenceMatchLimit)
            matches += await archive.CountReferencesAsync(tenant, text, cancellationToken);
        return matches is > 0 and <= OrderSearchQuery.ReferenceMatchLimit;
    }

    /// <summary>
    /// Each order once. While the archive job moves an order, it is briefly in both stores: the live copy is shown (it
    /// sorts first), and the page ends after its archived twin, so the next page does not show it again.
    /// </summary>
    private static IEnumerable<(SearchHit Hit, SearchHit Last)> Distinct(IEnumerable<SearchHit> ordered)
    {
        (SearchHit Hit, SearchHit Last)? pending = null;
        var seen = new HashSet<Guid>();
        foreach (var hit in ordered)
        {
            if (!seen.Add(hit.Order.Id))
            {
                if (pending is { } twin && twin.Hit.Order.Id == hit.Order.Id)
                    pending = (twin.Hit, hit);
                continue;
            }
            if (pending is { } previous)
                yield return previous;
            pending = (hit, hit);
        }
        if (pending is { } last)
            yield return last;
    }

    /// <summary>Both stores' pages in one order: sort value, then live before archived, then search id.</summary>
    private static IEnumerable<SearchHit> Merge(IEnumerable<SearchHit> live, IEnumerable<SearchHit> archived, SearchSort sort)
    {
        var descending = sort is SearchSort.PlacedAtDescending or SearchSort.NumberDescending or SearchSort.TotalDescending;
        var all = live.Concat(archived);
        var ordered = descending
            ? all.OrderByDescending(h => SortKey(h)).ThenBy(h => h.Archived).ThenByDescending(h => h.SearchId)
            : all.OrderBy(h => SortKey(h)).ThenBy(h => h.Archived).ThenBy(h => h.SearchId);
        return ordered;
    }

    // Exact for placed-at ticks (beyond a double's precision) and for totals written round-trip.
    private static decimal SortKey(SearchHit hit) =>
        decimal.Parse(hit.SortValue, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);

    private static SearchSort Invalid(CompositionErrors errors, string field, string message)
    {
        errors.Add(field, message);
        return SearchSort.PlacedAtDescending;
    }

    private static string? Blank(Microsoft.Extensions.Primitives.StringValues value) =>
        value.ToString().Trim() is { Length: > 0 } text ? text : null;

    [GeneratedRegex(@"^#?(\d{1,18})$")]
    private static partial Regex NumberPattern();
}
