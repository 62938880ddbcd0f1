using Tessera.Reporting.Modeling;
using Tessera.Reporting.Runs;
using Tessera.Reporting.Warehouse;

namespace Tessera.Reporting.Tests;

/// <summary>The model language (header, refs, macros), the DAG, the planner and the dialects, without a warehouse.</summary>
public sealed class ModelLanguageTests
{
    private static string ModelsFolder => Path.Combine(AppContext.BaseDirectory, "Models");

    private static IReadOnlyList<ModelDefinition> Shipped() =>
        Directory.EnumerateFiles(ModelsFolder, "*.sql", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(ModelsFolder, f).StartsWith("tests", StringComparison.Ordinal))
            .Select(f => ModelParser.Parse(File.ReadAllText(f), f, Path.GetFileNameWithoutExtension(f), ModelDefinition.Shipped, f)).ToList();

    [Fact]
    public void The_shipped_models_cover_every_layer_and_the_models_the_warehouse_promises()
    {
        var graph = ModelGraph.Build(Shipped());

        string[] promised = [
            "dwd_order_lines", "dwd_stock_movements", "dwd_shipments", "dwd_returns", "dwd_purchase_receipts",
            "dim_date", "dim_product", "dim_category", "dim_channel", "dim_warehouse", "dim_supplier", "dim_customer_region",
            "dws_sales_daily", "dws_stock_daily", "dws_fulfilment_lead_times",
            "ads_sales_daily", "ads_sales_monthly", "ads_gross_margin_daily", "ads_inventory_health", "ads_returns_daily", "ads_return_rate_monthly",
            "ads_fulfilment_daily", "ads_customer_order_moving_avg", "ads_stock_value_daily"];
        promised.Except(graph.Models.Keys).ShouldBeEmpty();
        graph.Models.Values.Select(m => m.Layer).Distinct().Order().ShouldBe(["ads", "dim", "dwd", "dws", "ods"]);
        graph.Order.ToList().IndexOf("dwd_orders").ShouldBeLessThan(graph.Order.ToList().IndexOf("dwd_order_lines"));
        graph.Order.ToList().IndexOf("dim_product").ShouldBeLessThan(graph.Order.ToList().IndexOf("dwd_order_lines"));
        graph["dim_product"].Materialization.ShouldBe(Materialization.Table);
        graph["ads_sales_daily"].MetricName.ShouldBe("sales_daily");
    }

    [Fact]
    public void Every_shipped_model_renders_for_postgres_with_no_macro_or_duckdb_function_left()
    {
        foreach (var model in Shipped())
        {
            var context = new RenderContext(PostgresDialect.Instance, "Asia/Ho_Chi_Minh", new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31));
            var sql = ModelRenderer.Render(model.Body, model.Name, context, model.File!);

            sql.ShouldNotContain("{{", customMessage: model.Name);
            foreach (var duckdbOnly in new[] { "->>'$", "from_json", "unnest(", "strftime", "timezone(", "DECIMAL(", "VARCHAR", "date_diff", "QUALIFY" })
                sql.ShouldNotContain(duckdbOnly, Case.Insensitive, model.Name);
        }
    }

    [Fact]
    public void A_broken_header_is_reported_with_the_file_and_the_line()
    {
        var error = Should.Throw<ModelException>(() =>
            ModelParser.Parse("-- layer: dwd\n-- materialized: partitioned\n-- test: unique order_id\nselect 1", "Models/dwd/x.sql", "x", ModelDefinition.Shipped, null));
        error.Message.ShouldBe("Models/dwd/x.sql, line 3: 'unique order_id' is not a test: write kind(arguments), e.g. unique(order_id) or not_null(sku) warn.");

        Should.Throw<ModelException>(() => ModelParser.Parse("-- layer: mart\nselect 1", "Models/y.sql", "y", ModelDefinition.Shipped, null))
            .Message.ShouldBe("Models/y.sql, line 1: 'mart' is not a layer (ods, dwd, dim, dws, ads).");
        Should.Throw<ModelException>(() => ModelParser.Parse("-- layer: ads\n-- owner: me\nselect 1", "Models/z.sql", "z", ModelDefinition.Shipped, null))
            .Message.ShouldStartWith("Models/z.sql, line 2: 'owner' is not a header key");
        Should.Throw<ModelException>(() => ModelRenderer.Render("select {{ now() }}", "z", new RenderContext(DuckDbDialect.Instance, "UTC"), "Models/z.sql"))
            .Message.ShouldBe("Models/z.sql: {{ now }} is not a macro of the model language.");
    }

    [Fact]
    public void Tests_thresholds_and_severity_are_read_from_the_header()
    {
        var model = ModelParser.Parse("""
            -- layer: dwd
            -- test: unique(a, b)
            -- test: not_null(c) warn
            -- test: accepted_values(status: open, closed) warn_if > 0 error_if > 10
            -- test: relationships(sku -> dim_product.sku)
            select 1
            """, "m", "m", ModelDefinition.Shipped, null);

        model.Tests.Select(t => (t.Name, t.Severity, t.WarnAbove, t.ErrorAbove)).ShouldBe([
            ("unique(a, b)", "error", (long?)null, (long?)0),
            ("not_null(c)", "warn", 0, null),
            ("accepted_values(status: open, closed)", "error", 0, 10),
            ("relationships(sku -> dim_product.sku)", "error", null, 0),
        ]);
        model.Refs.ShouldBe(["dim_product"]);
    }

    [Fact]
    public void A_cycle_is_refused_naming_it()
    {
        ModelDefinition Model(string name, string refs) => ModelParser.Parse($"-- layer: dws\nselect * from {refs}", name, name, ModelDefinition.TenantOwned, null);

        Should.Throw<ModelException>(() => ModelGraph.Build([Model("a", "{{ ref('b') }}"), Model("b", "{{ ref('c') }}"), Model("c", "{{ ref('a') }}")]))
            .Reason.ShouldBe("the models form a cycle: a → b → c → a.");
    }

    [Fact]
    public void A_backfill_is_planned_in_batches_that_wait_for_the_same_dates_upstream()
    {
        var graph = ModelGraph.Build(Shipped());
        var dates = Enumerable.Range(0, 40).Select(i => new DateOnly(2026, 1, 1).AddDays(i)).ToList();

        var tasks = RunPlanner.Plan(graph, ["dwd_order_events", "dwd_orders", "dim_channel", "ads_returns_daily", "dwd_returns", "dwd_order_lines", "dim_product"],
            _ => dates, batchDays: 31);

        tasks.Where(t => t.Model == "dwd_orders").Select(t => t.Key).ShouldBe(["dwd_orders@2026-01-01..2026-01-31", "dwd_orders@2026-02-01..2026-02-09"]);
        tasks.Single(t => t.Key == "dwd_orders@2026-02-01..2026-02-09").DependsOn.ShouldBe(["dwd_order_events@2026-02-01..2026-02-09"]);
        tasks.Single(t => t.Model == "dim_channel").DependsOn.ShouldBe(["dwd_orders@2026-01-01..2026-01-31", "dwd_orders@2026-02-01..2026-02-09"]);
        // ads_returns_daily reads every date of dwd_returns (a return arrives after the day the order was placed).
        tasks.First(t => t.Model == "ads_returns_daily").DependsOn.Count(d => d.StartsWith("dwd_returns@", StringComparison.Ordinal)).ShouldBe(2);
    }

    [Fact]
    public void The_critical_path_is_the_longest_chain_of_dependent_tasks()
    {
        var (path, ms) = CriticalPath.Of([
            new("a", 100, []), new("b", 500, []), new("c", 50, ["a", "b"]), new("d", 400, ["a"]), new("e", 10, ["c", "d"]),
        ]);

        path.ShouldBe(["b", "c", "e"]);
        ms.ShouldBe(560L);
    }

    [Theory]
    [InlineData("daily 01:00", "2026-03-07T17:30:00Z", "2026-03-07T18:00:00Z")]
    [InlineData("daily 01:00", "2026-03-07T18:00:00Z", "2026-03-08T18:00:00Z")]
    [InlineData("hourly :05", "2026-03-07T10:04:00Z", "2026-03-07T10:05:00Z")]
    [InlineData("hourly :05", "2026-03-07T10:05:00Z", "2026-03-07T11:05:00Z")]
    [InlineData("every 30 seconds", "2026-03-07T10:05:00Z", "2026-03-07T10:05:30Z")]
    public void A_schedule_is_due_at_its_next_moment_in_the_tenants_time_zone(string cadence, string after, string expected)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");

        Cadence.Next(cadence, DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture), zone)
            .ShouldBe(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_daily_schedule_at_a_time_skipped_by_daylight_saving_runs_right_after_it()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

        var next = Cadence.Next("daily 02:30", new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero), zone);

        next.ShouldBe(new DateTimeOffset(2026, 3, 29, 3, 0, 0, TimeSpan.FromHours(2)));
    }
}
