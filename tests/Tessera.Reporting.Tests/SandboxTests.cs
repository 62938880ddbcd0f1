using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Reporting.Contracts;
using Tessera.Reporting.Warehouse;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Reporting.Tests;

/// <summary>
/// A tenant's SQL sees only its own warehouse and can do nothing but read it: no other tenant's rows, no file, no
/// ATTACH, no COPY, no extension, no setting; a runaway query stops at its limit while other tenants' runs go on.
/// </summary>
public sealed class SandboxTests(ReportingFactory factory) : IClassFixture<ReportingFactory>
{
    private static readonly DateOnly Day = new(2026, 5, 11);

    private async Task<Shop> ShopAsync(int orders)
    {
        var shop = new Shop(factory);
        await shop.ProductAsync("TEA", "Green tea", "Beverages", Shop.At(Day, 0));
        for (var i = 0; i < orders; i++)
            await shop.PlaceAsync(Shop.At(Day, 9), "web", [new("TEA", 1m, 1000m)]);
        await factory.WaitForOdsAsync();
        return shop;
    }

    private static async Task<string> RefusalAsync(Shop shop, string name, string sql)
    {
        var response = await shop.AddModelAsync(name, sql);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        return (await response.ProblemAsync()).GetProperty("errors").GetProperty("sql")[0].GetString()!;
    }

    [Fact]
    public async Task A_tenants_model_sees_only_its_own_rows_and_cannot_name_another_warehouse()
    {
        var (mine, theirs) = (await ShopAsync(2), await ShopAsync(5));
        await mine.AddModelOkAsync("everything_i_can_see", "-- layer: ads\nselect tenant, count(*) as events from {{ ref('ods_events') }} group by tenant");
        await mine.RunAsync(factory, new { models = new[] { "everything_i_can_see" } });

        var rows = (await mine.MetricAsync("/api/reporting/metrics/everything_i_can_see")).GetProperty("rows").EnumerateArray().ToList();
        rows.Select(r => (r.GetProperty("tenant").GetString(), r.GetProperty("events").GetInt64())).ShouldBe([(mine.Tenant, (long)mine.Published)]);

        var file = TenantWarehouses.FileName(theirs.Tenant)[..^".duckdb".Length];
        (await RefusalAsync(mine, "their_events", $"-- layer: ads\nselect count(*) as n from \"{file}\".main.ods_events")).ShouldContain($"Catalog \"{file}\" does not exist");
        (await RefusalAsync(mine, "their_file", $"-- layer: ads\nselect * from '{factory.DataDir}/reporting/{TenantWarehouses.FileName(theirs.Tenant)}'"))
            .ShouldContain("Permission Error");
    }

    [Theory]
    [InlineData("read_csv", "-- layer: ads\nselect * from read_csv('/etc/passwd')", "Permission Error")]
    [InlineData("read_text", "-- layer: ads\nselect content from read_text('/etc/passwd')", "Permission Error")]
    [InlineData("glob", "-- layer: ads\nselect * from glob('/etc/*')", "Permission Error")]
    [InlineData("attach", "-- layer: ads\nATTACH '/tmp/other.duckdb' AS other", "Only one SELECT statement is allowed")]
    [InlineData("copy", "-- layer: ads\nCOPY (select 1) TO '/tmp/stolen.csv'", "Only one SELECT statement is allowed")]
    [InlineData("install", "-- layer: ads\nINSTALL httpfs", "Only one SELECT statement is allowed")]
    [InlineData("load", "-- layer: ads\nLOAD httpfs", "Only one SELECT statement is allowed")]
    [InlineData("set", "-- layer: ads\nSET threads = 64", "Only one SELECT statement is allowed")]
    [InlineData("pragma", "-- layer: ads\nPRAGMA memory_limit = '64GB'", "Only one SELECT statement is allowed")]
    [InlineData("two_statements", "-- layer: ads\nselect 1 as x; drop table ods_events", "Only one SELECT statement is allowed")]
    [InlineData("two_selects", "-- layer: ads\nselect 1 as x; select 2 as y", "Exactly one SELECT statement is allowed; this text holds 2")]
    [InlineData("query_function", "-- layer: ads\nselect * from query('SET threads = 64')", "")]
    [InlineData("in_a_test", "-- layer: ads\n-- test: expression(1 = 1)); ATTACH '/tmp/x.duckdb' AS x; select ((1)\nselect 1 as x", "")]
    public async Task Sql_that_reaches_outside_the_warehouse_or_is_not_one_select_is_refused(string name, string sql, string reason)
    {
        var shop = await ShopAsync(1);

        var refusal = await RefusalAsync(shop, "escape_" + name, sql);

        refusal.ShouldContain(reason);
        (await shop.Client.GetFromJsonAsync<List<ModelDto>>("/api/reporting/models", TesseraJson.Options))!.ShouldNotContain(m => m.Name == "escape_" + name);
    }

    [Fact]
    public async Task The_warehouse_itself_refuses_files_attach_copy_extensions_and_settings_whatever_asks()
    {
        var shop = await ShopAsync(1);
        using var connection = factory.Services.GetRequiredService<TenantWarehouses>().Open(shop.Tenant);
        foreach (var sql in new[]
                 {
                     "SELECT * FROM read_csv('/etc/passwd')", $"ATTACH '{factory.DataDir}/other.duckdb' AS other", "COPY ods_events TO '/tmp/stolen.csv'",
                     "INSTALL httpfs", "LOAD httpfs", "SET memory_limit = '64GB'", "SET enable_external_access = true", "RESET lock_configuration",
                 })
        {
            var error = await Should.ThrowAsync<DuckDB.NET.Data.DuckDBException>(() => connection.ExecuteAsync(sql, CancellationToken.None), sql);
            error.Message.ShouldMatch("Permission Error|configuration has been locked|disabled", sql);
        }
        File.Exists("/tmp/stolen.csv").ShouldBeFalse();
    }

    [Fact]
    public async Task A_runaway_query_is_stopped_at_its_limit_while_another_tenants_run_goes_on()
    {
        var (runaway, neighbour) = (await ShopAsync(1), await ShopAsync(3));
        await runaway.AddModelOkAsync("forever", "-- layer: ads\nselect count(*) as n from range(1000000000000) t(i) where i % 7 = 3");
        var started = Stopwatch.StartNew();
        var stuck = await (await runaway.Client.PostJsonAsync("/api/reporting/runs", new { models = new[] { "forever" } })).ReadAsync<RunDto>();

        var other = await neighbour.RunAsync(factory, new { from = Day, to = Day });

        var neighbourTook = started.Elapsed;
        other.Status.ShouldBe("Succeeded");
        var stopped = await ReportingFactory.FinishedAsync(runaway.Client, stuck.Id, TimeSpan.FromSeconds(90));
        var task = stopped.Tasks.Single(t => t.Model == "forever");
        (stopped.Status, task.Status, task.Attempts).ShouldBe(("Failed", "Failed", 3));
        task.Error.ShouldBe("Stopped at its time limit of 0:00:04.");
        // The limit is a timer and the duration two readings of the wall clock: the timer may fire a millisecond or two
        // before the clock says 4 s have passed (one CI run measured 3,999 ms), so the lower bound allows for it.
        task.DurationMs!.Value.ShouldBeInRange(3950, 10000);
        (stopped.FinishedAt!.Value - other.FinishedAt!.Value).ShouldBeGreaterThan(TimeSpan.Zero, $"the neighbour's run took {neighbourTook}");
    }

    [Fact]
    public async Task A_query_beyond_the_memory_limit_fails_on_its_own_warehouse()
    {
        var shop = await ShopAsync(1);
        await shop.AddModelOkAsync("hungry", "-- layer: ads\nselect list(i) as everything from range(200000000) t(i)");

        var run = await shop.RunAsync(factory, new { models = new[] { "hungry" } }, expect: "Failed");

        run.Tasks.Single(t => t.Model == "hungry").Error.ShouldNotBeNull().ShouldContain("Out of Memory");
    }
}
