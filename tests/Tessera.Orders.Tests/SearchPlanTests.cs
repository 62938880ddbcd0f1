using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Search;

namespace Tessera.Orders.Tests;

/// <summary>
/// Which index serves each kind of search, read from SQLite's own query plan (the same with ten orders or ten million:
/// the planner has no statistics). A search that walks every order by date to find a few rare ones answers in
/// milliseconds on a test database and in seconds at a million orders, so the plan is what is checked here; the
/// timings are in docs/benchmarks.md.
/// </summary>
public sealed class SearchPlanTests(OrdersFactory factory) : IClassFixture<OrdersFactory>
{
    private static SearchCriteria Criteria(long? number = null, string? phone = null, string? email = null, string? sku = null, string? tag = null,
        string? attribute = null, IReadOnlyList<string>? statuses = null, SearchSort sort = SearchSort.PlacedAtDescending) =>
        new("acme", null, number, statuses ?? [], null, null, null, sku, tag, attribute is null ? [] : [("source", attribute)], phone, email, sort, 50);

    private Task<string> PlanAsync(SearchCriteria criteria, SearchCursor? after = null) =>
        factory.QueryAsync(null, async db =>
        {
            var (sql, parameters) = OrderSearchQuery.Build(criteria, after, archived: false);
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync();
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "EXPLAIN QUERY PLAN " + sql;
                foreach (var (name, value) in parameters)
                {
                    var parameter = command.CreateParameter();
                    (parameter.ParameterName, parameter.Value) = (name, value);
                    command.Parameters.Add(parameter);
                }
                var steps = new List<string>();
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                    steps.Add(reader.GetString(3));
                return string.Join(" | ", steps);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        });

    public static TheoryData<string, string> ExactLookups() => new()
    {
        { "number", "ix_order_search_number" },
        { "phone", "ix_order_search_phone" },
        { "email", "ix_order_search_email" },
    };

    [Theory]
    [MemberData(nameof(ExactLookups))]
    public async Task An_exact_number_phone_or_email_is_looked_up_in_its_own_index_whatever_the_sort(string lookup, string index)
    {
        foreach (var sort in Enum.GetValues<SearchSort>())
        {
            var criteria = lookup switch
            {
                "number" => Criteria(number: 1234, sort: sort),
                "phone" => Criteria(phone: "hash-of-a-phone", sort: sort),
                _ => Criteria(email: "hash-of-an-email", statuses: ["Confirmed"], sort: sort),
            };

            var plan = await PlanAsync(criteria);

            plan.ShouldStartWith($"SEARCH s USING INDEX {index}", customMessage: $"{sort}: {plan}");
        }
    }

    public static TheoryData<string> DetailFilters() => new() { "sku", "tag", "attribute" };

    [Theory]
    [MemberData(nameof(DetailFilters))]
    public async Task A_sku_tag_or_attribute_drives_the_page_in_date_order_and_stops_after_it(string filter)
    {
        var criteria = filter switch
        {
            "sku" => Criteria(sku: "TEA-1", statuses: ["Confirmed"]),
            "tag" => Criteria(tag: "vip"),
            _ => Criteria(attribute: "tiktok"),
        };
        var nextPage = new SearchCursor(SearchSort.PlacedAtDescending, "638900000000000000", 42, Archived: false);

        foreach (var plan in new[] { await PlanAsync(criteria), await PlanAsync(criteria, nextPage) })
        {
            plan.ShouldStartWith("SEARCH d USING PRIMARY KEY", customMessage: plan);
            plan.ShouldNotContain("TEMP B-TREE", customMessage: plan);
            plan.ShouldNotContain("ix_order_search_placed", customMessage: plan);
        }
    }
}
