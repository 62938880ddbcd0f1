using System.Net;
using System.Net.Http.Json;
using Tessera.Reporting.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Reporting.Tests;

/// <summary>A tenant's own models: added through the API without a restart, in the DAG and the catalogue, run; a cycle refused.</summary>
public sealed class TenantModelTests(ReportingFactory factory) : IClassFixture<ReportingFactory>
{
    private static readonly DateOnly Day = new(2026, 5, 4);

    private async Task<Shop> ShopWithSalesAsync()
    {
        var shop = new Shop(factory);
        await shop.ProductAsync("TEA", "Green tea", "Beverages", Shop.At(Day, 0));
        foreach (var channel in new[] { "web", "web", "pos" })
            await shop.PlaceAsync(Shop.At(Day, 10), channel, [new("TEA", 2m, 50000m)]);
        await factory.WaitForOdsAsync();
        await shop.RunAsync(factory, new { from = Day, to = Day });
        return shop;
    }

    [Fact]
    public async Task One_model_added_many_times_at_once_is_created_once()
    {
        var shop = new Shop(factory);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => shop.AddModelAsync("ads_once", "-- layer: ads\nselect 1 as x")));

        responses.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(7);
    }

    [Fact]
    public async Task A_model_added_through_the_api_is_in_the_dag_and_the_catalogue_and_runs()
    {
        var shop = await ShopWithSalesAsync();
        await shop.AddModelOkAsync("ads_channel_share", """
            -- layer: ads
            -- materialized: partitioned
            -- metric: channel_share_daily
            -- grain: business_date, channel
            -- description: Each channel's share of the day's gmv.
            -- test: not_null(channel)
            -- test: expression(share between 0 and 1)
            select business_date, channel, sum(gmv) as gmv,
                   CAST(round(sum(gmv) / sum(sum(gmv)) over (partition by business_date), 4) AS {{ type('decimal') }}) as share
            from {{ ref('dwd_order_lines') }}
            where {{ partition_filter('business_date') }}
            group by business_date, channel
            """);

        var lineage = (await shop.Client.GetFromJsonAsync<LineageDto>("/api/reporting/models/lineage", TesseraJson.Options))!;
        lineage.Nodes.ShouldContain(n => n.Name == "ads_channel_share" && n.Layer == "ads" && n.Owner == "tenant");
        lineage.Edges.ShouldContain(new LineageEdgeDto("dwd_order_lines", "ads_channel_share"));
        var catalogue = (await shop.Client.GetFromJsonAsync<List<MetricDto>>("/api/reporting/metrics", TesseraJson.Options))!;
        catalogue.ShouldContain(m => m.Name == "channel_share_daily" && m.Owner == "tenant");

        var run = await shop.RunAsync(factory, new { models = new[] { "ads_channel_share" }, from = Day, to = Day });
        run.Tasks.ShouldHaveSingleItem().Key.ShouldBe("ads_channel_share@2026-05-04");
        var rows = (await shop.MetricAsync("/api/reporting/metrics/channel_share_daily?from=2026-05-04&to=2026-05-04")).GetProperty("rows").EnumerateArray().ToList();
        rows.Select(r => (r.GetProperty("channel").GetString(), r.GetProperty("share").GetDecimal())).ShouldBe([("pos", 0.3333m), ("web", 0.6667m)], ignoreOrder: true);
        (await shop.Client.GetFromJsonAsync<List<MetricDto>>("/api/reporting/metrics", TesseraJson.Options))!
            .Single(m => m.Name == "channel_share_daily").Columns.Select(c => c.Name).ShouldBe(["date", "channel", "gmv", "share"]);

        // Another tenant does not see it.
        var other = new Shop(factory);
        (await other.Client.GetAsync("/api/reporting/models/ads_channel_share")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_cycle_a_missing_ref_and_a_broken_header_are_refused_naming_the_problem()
    {
        var shop = await ShopWithSalesAsync();
        await shop.AddModelOkAsync("first_step", "-- layer: dws\nselect channel, count(*) as orders from {{ ref('dwd_orders') }} group by channel");
        await shop.AddModelOkAsync("second_step", "-- layer: ads\nselect * from {{ ref('first_step') }}");

        var cycle = await shop.Client.PutAsJsonAsync("/api/reporting/models/first_step", new { sql = "-- layer: dws\nselect * from {{ ref('second_step') }}" });
        cycle.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await cycle.ProblemAsync()).GetProperty("errors").GetProperty("sql")[0].GetString().ShouldBe("the models form a cycle: first_step → second_step → first_step.");

        var missing = await shop.AddModelAsync("third_step", "-- layer: ads\nselect * from {{ ref('no_such_model') }}");
        (await missing.ProblemAsync()).GetProperty("errors").GetProperty("sql")[0].GetString()!.ShouldContain("{{ ref('no_such_model') }} names no model");

        var header = await shop.AddModelAsync("fourth_step", "-- layer: dwd\n-- materialized: sometimes\nselect 1 as x");
        (await header.ProblemAsync()).GetProperty("errors").GetProperty("sql")[0].GetString().ShouldBe("line 2: 'sometimes' is not a materialization (view, table, partitioned).");

        var shipped = await shop.AddModelAsync("dwd_orders", "-- layer: dwd\nselect 1 as x");
        (await shipped.ProblemAsync()).GetProperty("errors").GetProperty("sql")[0].GetString()!.ShouldContain("a model named 'dwd_orders' exists already");

        var binding = await shop.AddModelAsync("fifth_step", "-- layer: ads\nselect no_such_column from {{ ref('dwd_orders') }}");
        (await binding.ProblemAsync()).GetProperty("errors").GetProperty("sql")[0].GetString()!.ShouldContain("no_such_column");
    }
}
