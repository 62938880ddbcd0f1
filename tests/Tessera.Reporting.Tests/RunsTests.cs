using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Reporting.Contracts;
using Tessera.Reporting.Warehouse;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Reporting.Tests;

/// <summary>Runs: re-runs are idempotent, a one-day re-run touches only its day, failures retry then skip what depends on them.</summary>
public sealed class RunsTests(ReportingFactory factory) : IClassFixture<ReportingFactory>
{
    private static readonly DateOnly Day1 = new(2026, 4, 6);
    private static readonly DateOnly Day2 = new(2026, 4, 7);
    private static readonly DateOnly Day3 = new(2026, 4, 8);

    /// <summary>Three days of business: orders shipped and returned, cancelled, stock received.</summary>
    private async Task<Shop> ThreeDaysAsync()
    {
        var shop = new Shop(factory);
        await shop.ProductAsync("TEA", "Green tea", "Beverages", Shop.At(Day1, 0));
        await shop.ReceiveAsync("HCM", "TEA", 500m, 50000m, Shop.At(Day1, 6));
        foreach (var (day, i) in new[] { Day1, Day2, Day3 }.Select((d, i) => (d, i)))
        {
            var kept = await shop.PlaceAsync(Shop.At(day, 9), "web", [new("TEA", 2m + i, 90000m)], shippingFee: 15000m, customer: "C-" + i);
            await shop.ConfirmAsync(kept, "HCM", Shop.At(day, 9, 1));
            await shop.ShipAsync(kept, "HCM", Shop.At(day, 14), Shop.At(day, 20));
            var dropped = await shop.PlaceAsync(Shop.At(day, 10), "pos", [new("TEA", 1m, 90000m)]);
            await shop.ConfirmAsync(dropped, "HCM", Shop.At(day, 10, 1));
            await shop.CancelAsync(dropped, Shop.At(day, 11));
        }
        await factory.WaitForOdsAsync();
        return shop;
    }

    [Fact]
    public async Task Rerunning_a_range_gives_identical_tables_and_a_one_day_rerun_touches_only_that_days_partitions()
    {
        var shop = await ThreeDaysAsync();
        var first = await shop.RunAsync(factory, new { from = Day1, to = Day3 });
        var partitioned = first.Tasks.Where(t => t.Date is not null).Select(t => t.Model).Distinct().ToList();
        var before = new Dictionary<string, List<PartitionDto>>();
        foreach (var model in partitioned)
            before[model] = await shop.PartitionsAsync(model);
        var tables = first.Tasks.Where(t => t.Date is null && t.Checksum is not null).ToDictionary(t => t.Model, t => t.Checksum);

        // Again, two tasks at a time this time: the same tables.
        var again = await shop.RunAsync(factory, new { from = Day1, to = Day3, parallelism = 2 });
        foreach (var model in partitioned)
            (await shop.PartitionsAsync(model)).Select(p => (p.Date, p.Rows, p.Checksum)).ShouldBe(before[model].Select(p => (p.Date, p.Rows, p.Checksum)), model);
        again.Tasks.Where(t => t.Date is null && t.Checksum is not null).ToDictionary(t => t.Model, t => t.Checksum).ShouldBe(tables);
        before["ads_sales_daily"].Single(p => p.Date == Day2).Rows.ShouldBeGreaterThan(0);

        // One day again: its partitions are rewritten by this run, every other partition keeps the run that wrote it.
        var oneDay = await shop.RunAsync(factory, new { models = new[] { "dwd_order_events" }, from = Day2, to = Day2, includeDownstream = true });
        oneDay.Tasks.Where(t => t.Date is not null).ShouldAllBe(t => t.Date == Day2 && t.DateTo == Day2);
        foreach (var model in oneDay.Tasks.Where(t => t.Date is not null).Select(t => t.Model).Distinct())
        {
            var now = await shop.PartitionsAsync(model);
            now.Where(p => p.Date == Day2).ShouldAllBe(p => p.RunId == oneDay.Id, model);
            now.Where(p => p.Date != Day2).ShouldAllBe(p => p.RunId == again.Id, model);
            now.Select(p => (p.Date, p.Checksum)).ShouldBe(before[model].Select(p => (p.Date, p.Checksum)), model);
        }
    }

    [Fact]
    public async Task A_one_day_rerun_leaves_whole_tables_and_later_stock_positions_as_they_are_unless_what_they_read_changed()
    {
        var shop = await ThreeDaysAsync();
        await shop.RunAsync(factory, new { from = Day1, to = Day3 });
        (await ClosingAsync(shop)).ShouldBe([(Day1, 498m), (Day2, 495m), (Day3, 491m)]);

        // Nothing changed: the day's partitions are written again, the rest is up to date.
        var same = await shop.RunAsync(factory, new { from = Day2, to = Day2 });
        same.Tasks.Where(t => t.Date is not null && t.Date != Day2).ShouldAllBe(t => t.Model == "dws_stock_daily" && t.Status == "UpToDate");
        same.Tasks.Where(t => t.Date == Day2).ShouldAllBe(t => t.Status == "Succeeded");
        foreach (var table in new[] { "ads_customer_order_moving_avg", "ads_inventory_health", "ads_sales_monthly", "ads_stock_value_daily" })
            same.Tasks.Single(t => t.Model == table).Status.ShouldBe("UpToDate", table);

        // Ten more teas received late on day 2: day 3's position and the stock tables are rebuilt, the sales ones are not.
        await shop.ReceiveAsync("HCM", "TEA", 10m, 50000m, Shop.At(Day2, 18));
        await factory.WaitForOdsAsync();
        var late = await shop.RunAsync(factory, new { from = Day2, to = Day2 });
        late.Tasks.Single(t => t.Model == "dws_stock_daily" && t.Date == Day3).Status.ShouldBe("Succeeded");
        late.Tasks.Single(t => t.Model == "ads_inventory_health").Status.ShouldBe("Succeeded");
        late.Tasks.Single(t => t.Model == "ads_stock_value_daily").Status.ShouldBe("Succeeded");
        late.Tasks.Single(t => t.Model == "ads_customer_order_moving_avg").Status.ShouldBe("UpToDate");
        (await ClosingAsync(shop)).ShouldBe([(Day1, 498m), (Day2, 505m), (Day3, 501m)]);
        var health = await shop.MetricAsync("/api/reporting/metrics/inventory_health");
        health.GetProperty("rows").EnumerateArray().Single().GetProperty("onHand").GetDecimal().ShouldBe(501m);
    }

    [Fact]
    public async Task A_whole_table_that_reads_the_ods_is_rebuilt_when_its_source_grew_and_left_as_it_is_when_not_and_equals_a_full_rebuild()
    {
        var shop = await ThreeDaysAsync();
        var first = await shop.RunAsync(factory, new { from = Day1, to = Day3 });
        string[] readTheOds = ["dim_date", "dim_product", "dim_supplier"];

        // Nothing arrived: the tables read straight from the ODS, or through a view of it, are not written again.
        var same = await shop.RunAsync(factory, new { from = Day3, to = Day3 });
        foreach (var table in readTheOds.Append("dim_category").Append("ads_sales_vs_target_monthly"))
            same.Tasks.Single(t => t.Model == table).Status.ShouldBe("UpToDate", table);
        (await BuiltByAsync(shop)).Where(b => readTheOds.Contains(b.Key)).ShouldAllBe(b => b.Value == first.Id);

        // The tea renamed into another category after the last order, and a month's target entered by hand: the tables
        // reading the events are rebuilt (the ODS grew), so is the one reading the targets' view; those reading
        // only what did not change are not.
        await shop.ProductAsync("TEA", "Jasmine tea", "Tea", Shop.At(Day3, 23), version: 2);
        await factory.WaitForOdsAsync();
        (await shop.Client.PutAsJsonAsync("/api/reporting/targets/2026-04", new { amount = 900000m, currency = "VND" })).EnsureSuccessStatusCode();
        var changed = await shop.RunAsync(factory, new { from = Day3, to = Day3 });
        foreach (var table in readTheOds.Append("dim_category").Append("ads_sales_vs_target_monthly"))
            changed.Tasks.Single(t => t.Model == table).Status.ShouldBe("Succeeded", table);
        foreach (var table in new[] { "dim_channel", "ads_customer_order_moving_avg", "ads_sales_monthly" })
            changed.Tasks.Single(t => t.Model == table).Status.ShouldBe("UpToDate", table);
        using (var connection = factory.Services.GetRequiredService<TenantWarehouses>().Open(shop.Tenant))
            (await connection.ScalarAsync("SELECT string_agg(category, ',' ORDER BY version_no) FROM dim_product WHERE sku = 'TEA'", CancellationToken.None))
                .ShouldBe("Beverages,Tea");
        var target = (await shop.MetricAsync("/api/reporting/metrics/sales_vs_target_monthly?from=2026-04&to=2026-04")).GetProperty("rows").EnumerateArray().Single();
        target.GetProperty("target").GetDecimal().ShouldBe(900000m);

        // What the re-runs left is what a rebuild of every model over every date gives.
        var kept = await ChecksumsAsync(shop);
        var every = (await shop.Client.GetFromJsonAsync<List<ModelDto>>("/api/reporting/models", TesseraJson.Options))!.Select(m => m.Name).ToList();
        var full = await shop.RunAsync(factory, new { models = every, from = Day1, to = Day3 });
        full.Tasks.Where(t => t.Date is null).ShouldAllBe(t => t.Status == "Succeeded");
        (await ChecksumsAsync(shop)).ShouldBe(kept);
    }

    /// <summary>The run that last built each model, from the warehouse's book.</summary>
    private async Task<Dictionary<string, Guid>> BuiltByAsync(Shop shop)
    {
        using var connection = factory.Services.GetRequiredService<TenantWarehouses>().Open(shop.Tenant);
        return (await connection.RowsAsync("SELECT model, run_id FROM _models", CancellationToken.None))
            .ToDictionary(r => (string)r["model"]!, r => (Guid)r["run_id"]!);
    }

    /// <summary>Every table's checksum and every partition's, from the warehouse's book, in one sorted list.</summary>
    private async Task<List<string>> ChecksumsAsync(Shop shop)
    {
        using var connection = factory.Services.GetRequiredService<TenantWarehouses>().Open(shop.Tenant);
        return (await connection.RowsAsync("""
            SELECT model || ' ' || checksum AS entry FROM _models WHERE checksum IS NOT NULL
            UNION ALL SELECT model || '@' || CAST(business_date AS VARCHAR) || ' ' || checksum FROM _partitions
            ORDER BY entry
            """, CancellationToken.None)).Select(r => (string)r["entry"]!).ToList();
    }

    /// <summary>The tea's closing position in HCM at the end of each day, from dws_stock_daily.</summary>
    private async Task<List<(DateOnly, decimal)>> ClosingAsync(Shop shop)
    {
        using var connection = factory.Services.GetRequiredService<TenantWarehouses>().Open(shop.Tenant);
        var rows = await connection.RowsAsync(
            "SELECT business_date, closing_quantity FROM dws_stock_daily WHERE sku = 'TEA' AND warehouse = 'HCM' ORDER BY business_date", CancellationToken.None);
        return rows.Select(r => ((DateOnly)r["business_date"]!, Convert.ToDecimal(r["closing_quantity"], CultureInfo.InvariantCulture))).ToList();
    }

    [Fact]
    public async Task A_late_event_reopens_the_day_it_belongs_to_at_the_next_run()
    {
        var shop = await ThreeDaysAsync();
        await shop.RunAsync(factory, new { from = Day1, to = Day3 });
        var late = shop.Orders.Values.Single(o => o.Channel == "web" && o.PlacedAt == Shop.At(Day1, 9));
        await shop.CancelAsync(late, Shop.At(Day3, 23));
        await factory.WaitForOdsAsync();

        var next = await shop.RunAsync(factory, new { });

        next.Tasks.ShouldContain(t => t.Model == "ads_sales_daily" && t.Date == Day1);
        var day1 = (await shop.SalesAsync(Day1, Day1)).Single();
        (day1.CancelledOrders, day1.Gmv).ShouldBe((2L, 0m));
        day1.Gmv.ShouldBe(shop.Daily(Day1).Revenue.Single().Amount);
    }

    [Fact]
    public async Task A_failing_task_retries_with_backoff_then_fails_its_run_skipping_what_depends_on_it_and_keeping_what_it_depends_on()
    {
        var shop = await ThreeDaysAsync();
        await shop.AddModelOkAsync("flaky_sales", """
            -- layer: dws
            -- materialized: partitioned
            select business_date, sum(gmv) as gmv,
                   case when business_date = DATE '2026-04-07' then error('the upstream file is not there yet') end as boom
            from {{ ref('dwd_order_lines') }} where {{ partition_filter('business_date') }} group by business_date
            """);
        await shop.AddModelOkAsync("flaky_report", """
            -- layer: ads
            -- materialized: table
            select count(*) as days from {{ ref('flaky_sales') }}
            """);

        var run = await shop.RunAsync(factory, new { models = new[] { "dwd_order_lines", "flaky_sales", "flaky_report" }, from = Day2, to = Day2 }, expect: "Failed");

        var failed = run.Tasks.Single(t => t.Model == "flaky_sales" && t.Date == Day2);
        (failed.Status, failed.Attempts).ShouldBe(("Failed", 3), string.Join("\n", run.Tasks.Select(t => $"{t.Key} {t.Status} {t.Error}")));
        failed.Error.ShouldNotBeNull().ShouldContain("the upstream file is not there yet");
        run.Error.ShouldNotBeNull().ShouldContain("flaky_sales@2026-04-07");
        run.Tasks.Single(t => t.Model == "flaky_report").Status.ShouldBe("Skipped");
        run.Tasks.Where(t => t.Model == "flaky_sales" && t.Date != Day2).ShouldAllBe(t => t.Status == "Succeeded");
        run.Tasks.Single(t => t.Model == "dwd_order_lines" && t.Date == Day2).Status.ShouldBe("Succeeded");
        (await shop.PartitionsAsync("dwd_order_lines")).Single(p => p.Date == Day2).RunId.ShouldBe(run.Id);

        // The attempts were spaced out by the backoff: at least half of 0.4 s, then of 0.8 s.
        var duration = failed.FinishedAt!.Value - run.StartedAt!.Value;
        duration.ShouldBeGreaterThanOrEqualTo(Runs.Backoff.Minimum(1, TimeSpan.FromMilliseconds(400), TimeSpan.FromMinutes(5))
                                              + Runs.Backoff.Minimum(2, TimeSpan.FromMilliseconds(400), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task A_blocking_test_that_fails_keeps_yesterdays_ads_and_says_why()
    {
        var shop = await ThreeDaysAsync();
        await shop.RunAsync(factory, new { from = Day1, to = Day3 });
        var good = await shop.SalesAsync(Day1, Day3);
        var adsBefore = await shop.PartitionsAsync("ads_sales_daily");

        // An order line of no quantity reaches the ODS for day 3: dwd_order_lines' test expression(quantity > 0) blocks.
        await shop.PlaceAsync(Shop.At(Day3, 12), "web", [new("TEA", 0m, 90000m)]);
        await factory.WaitForOdsAsync();
        var run = await shop.RunAsync(factory, new { from = Day3, to = Day3 }, expect: "Failed");

        run.Tasks.Single(t => t.Model == "dwd_order_lines").Status.ShouldBe("Blocked");
        run.Tasks.Single(t => t.Model == "dwd_order_lines").Error.ShouldNotBeNull().ShouldContain("expression(quantity > 0)");
        run.Tasks.Single(t => t.Model == "ads_sales_daily").Status.ShouldBe("Skipped");
        (await shop.SalesAsync(Day1, Day3)).ShouldBe(good);
        (await shop.PartitionsAsync("ads_sales_daily")).ShouldBe(adsBefore);
        var metric = await shop.MetricAsync($"/api/reporting/metrics/sales_daily?from={Day3:yyyy-MM-dd}&to={Day3:yyyy-MM-dd}");
        metric.GetProperty("warnings").EnumerateArray().Single().GetString().ShouldNotBeNull().ShouldContain("last good version");
        var tests = (await shop.Client.GetFromJsonAsync<List<TestResultDto>>($"/api/reporting/tests?runId={run.Id}", TesseraJson.Options))!;
        tests.ShouldContain(t => t.Model == "dwd_order_lines" && t.Test == "expression(quantity > 0)" && t.Status == "error" && t.Failures == 1);
    }
}
