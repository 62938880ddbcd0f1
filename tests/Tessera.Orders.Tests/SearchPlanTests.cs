using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Search;

namespace Tessera.Orders.Tests;

/// <summary>
/// Which index serves each kind of search, read from SQLite's own query plan (the same with ten orders or ten million:
/// the planner has no statistics). A search that walks every order by date to find a few rare ones answers in
/// milliseconds on a test database and in seconds at a million orders, so the plan is what is checked here; the
/// timings are in docs/benchmarks.md. The plans are SQLite's, so this class runs on SQLite in either test profile;
/// PostgreSQL's planner keeps statistics and chooses by them (the statement drops the index hints there, ADR 0024).
/// </summary>
public sealed class SearchPlanTests(SqliteOrdersFactory factory) : IClassFixture<SqliteOrdersFactory>
{
    private static SearchCriteria Criteria(long? number = null, string? phone = null, string? email = null, string? sku = null, string? tag = null,
        string? attribute = null, IReadOnlyList<string>? statuses = null, SearchSort sort = SearchSort.PlacedAtDescending) =>
        new("acme", null, number, statuses ?? [], null, null, null, sku, tag, attribute is null ? [] : [("source", attribute)], phone, email, sort, 50);

    private Task<string> PlanAsync(SearchCriteria criteria, SearchCursor? after = null, SearchDriver? driver = null) =>
        factory.QueryAsync(null, async db =>
        {
            var (sql, parameters) = OrderSearchQuery.Build(criteria, after, archived: false, driver);
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

    [Fact]
    public async Task Of_several_filters_in_date_order_the_one_matching_the_fewest_orders_drives()
    {
        // 400 orders of one tenant with the tag "vip" and the channel "web"; 4 of them Rejected, 2 of them tagged "rare".
        const string tenant = "plan-choice";
        await factory.QueryAsync(null, async db =>
        {
            for (var i = 0; i < 400; i++)
            {
                var status = i % 100 == 0 ? "Rejected" : "Confirmed";
                await db.Database.ExecuteSqlRawAsync(
                    "INSERT INTO order_search (order_id, tenant_id, number, status, channel, currency, grand_total, grand_total_sort, line_count, placed_at, tags) " +
                    "VALUES ({0}, {1}, {2}, {3}, 'web', 'VND', '1', 1, 1, {2}, '[]')", Guid.NewGuid().ToString(), tenant, i + 1, status);
                var tags = i % 200 == 0 ? new[] { "vip", "rare" } : ["vip"];
                foreach (var tag in tags)
                    await db.Database.ExecuteSqlRawAsync(
                        "INSERT INTO order_search_tags (tenant_id, tag, placed_at, search_id) VALUES ({0}, {1}, {2}, (SELECT max(search_id) FROM order_search))",
                        tenant, tag, i + 1);
            }
            return 0;
        });
        SearchCriteria With(string tag, string status) =>
            new(tenant, null, null, [status], "web", null, null, null, tag, [], null, null, SearchSort.PlacedAtDescending, 50);

        var rareStatus = await ChooseAsync(With("vip", "Rejected"));
        var rareTag = await ChooseAsync(With("rare", "Confirmed"));

        rareStatus.ShouldBe(SearchDriver.Status);
        rareTag.ShouldBe(SearchDriver.Tag);
        var plan = await PlanAsync(With("vip", "Rejected"), driver: SearchDriver.Status);
        plan.ShouldStartWith("SEARCH s USING INDEX ix_order_search_status", customMessage: plan);
        plan.ShouldNotContain("TEMP B-TREE", customMessage: plan);
    }

    private Task<SearchDriver> ChooseAsync(SearchCriteria criteria) =>
        factory.QueryAsync(null, async db =>
        {
            await db.Database.OpenConnectionAsync();
            try
            {
                return await OrderSearchQuery.ChooseDriverAsync(db, criteria, CancellationToken.None);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        });
}
