using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Reporting.Contracts;
using Tessera.Reporting.Data;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Reporting.Tests;

/// <summary>Reporting with its scheduler on, ticking fast.</summary>
public sealed class SchedulingFactory : ReportingFactory
{
    protected override TimeSpan TenantModelTimeout => TimeSpan.FromSeconds(60);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Tessera:Reporting:SchedulerEnabled"] = "true",
        ["Tessera:Reporting:SchedulerInterval"] = "00:00:00.200",
    };
}

/// <summary>Start-up, schedules, deadlines and freshness.</summary>
public sealed class OperationsTests(SchedulingFactory factory) : IClassFixture<SchedulingFactory>
{
    [Fact]
    public async Task The_service_applies_its_migrations_reports_ready_and_its_schema_matches_its_model()
    {
        (await factory.CreateClient().GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await factory.QueryAsync<int>(null, db =>
        {
            SchemaAssert.MatchesModel(db);
            return Task.FromResult(0);
        });
    }

    [Fact]
    public async Task A_due_schedule_queues_a_run_of_its_models_in_the_tenants_time_zone()
    {
        var shop = new Shop(factory);
        await shop.ProductAsync("TEA", "Green tea", "Beverages", DateTimeOffset.UtcNow.AddMinutes(-5));
        await factory.WaitForOdsAsync();
        var schedules = (await shop.Client.GetFromJsonAsync<List<ScheduleDto>>("/api/reporting/schedules", TesseraJson.Options))!;
        schedules.Select(s => (s.Name, s.Cadence, s.Dates)).ShouldBe([("daily", "daily 01:00", "yesterday"), ("hourly", "hourly :05", "today")]);

        var saved = await shop.Client.PutAsJsonAsync("/api/reporting/schedules/products", new { cadence = "every 2 seconds", models = new[] { "dim_product" } });
        saved.StatusCode.ShouldBe(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        var run = await Poll.UntilAsync(async () => (await shop.Client.GetFromJsonAsync<List<RunSummaryDto>>("/api/reporting/runs", TesseraJson.Options))!,
            runs => runs.Any(r => r.Trigger == "schedule:products" && r.Status == "Succeeded"), "the schedule's run", TimeSpan.FromSeconds(30));
        run.First(r => r.Trigger == "schedule:products").TaskCount.ShouldBe(1);
        var invalid = await shop.Client.PutAsJsonAsync("/api/reporting/schedules/products", new { cadence = "whenever" });
        (await invalid.ProblemAsync()).ErrorFields().ShouldBe(["cadence"]);
        (await shop.Client.PutAsJsonAsync("/api/reporting/schedules/products", new { enabled = false })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Freshness_shows_each_source_and_the_ods_counts_each_producers_events_once()
    {
        var shop = new Shop(factory);
        var at = DateTimeOffset.UtcNow;
        await shop.ProductAsync("TEA", "Green tea", "Beverages", at);
        var order = await shop.PlaceAsync(at, "web", [new("TEA", 1m, 1000m)]);
        await shop.ConfirmAsync(order, "HCM", at.AddSeconds(1));
        await factory.WaitForOdsAsync();

        var ods = (await shop.Client.GetFromJsonAsync<List<OdsSourceDto>>("/api/reporting/ods/sources", TesseraJson.Options))!;
        ods.Select(o => (o.Producer, o.Events, o.DistinctEvents)).ShouldBe([("catalog", 1L, 1L), ("inventory", 1L, 1L), ("orders", 2L, 2L)]);
        var freshness = await shop.Client.GetAsync("/api/reporting/freshness");
        freshness.StatusCode.ShouldBe(HttpStatusCode.OK);
        // Subscriptions to other services are off in this host (events are handed to the inbox); its own feed is read.
        var own = (await freshness.ReadAsync<List<FreshnessDto>>()).Single(f => f.Source == "reporting");
        (own.Source, own.Ok, own.Pending).ShouldBe(("reporting", true, 0L));
        var staged = await factory.QueryAsync(null, db => db.StagedEvents.CountAsync());
        staged.ShouldBe(0);
    }

    [Fact]
    public async Task A_source_behind_its_freshness_target_raises_an_alert_that_clears_when_it_catches_up()
    {
        var shop = new Shop(factory);
        await shop.ProductAsync("TEA", "Green tea", "Beverages", DateTimeOffset.UtcNow);
        await factory.WaitForOdsAsync();
        (await shop.Client.PutAsJsonAsync("/api/reporting/settings", new { freshnessTargetMinutes = 5 })).EnsureSuccessStatusCode();
        var monitor = factory.Services.GetRequiredService<Tessera.Messaging.Transport.SubscriptionMonitor>();
        monitor.Succeeded("orders", 10, 40, DateTimeOffset.UtcNow.AddMinutes(-20));
        monitor.Failed("orders", "orders answered 503 Service Unavailable", DateTimeOffset.UtcNow.AddMinutes(-12));

        var late = (await shop.Client.GetFromJsonAsync<List<FreshnessDto>>("/api/reporting/freshness", TesseraJson.Options))!.Single(f => f.Source == "orders");
        (late.Ok, late.Head, late.Checkpoint, late.Error).ShouldBe((false, 40L, 10L, "orders answered 503 Service Unavailable"));
        late.LagSeconds.ShouldBeGreaterThan(600);
        var raised = await Poll.UntilAsync(async () => (await shop.Client.GetFromJsonAsync<List<AlertDto>>("/api/reporting/alerts", TesseraJson.Options))!,
            a => a.Any(x => x.Kind == "freshness" && x.Subject == "orders"), "the freshness alert");
        raised.Single(a => a.Kind == "freshness").Message.ShouldContain("target 5 min");

        monitor.Succeeded("orders", 40, 40, DateTimeOffset.UtcNow);
        await Poll.UntilAsync(async () => (await shop.Client.GetFromJsonAsync<List<AlertDto>>("/api/reporting/alerts", TesseraJson.Options))!,
            a => a.All(x => x.Kind != "freshness"), "the alert to clear");
    }
}

/// <summary>
/// A projected deadline breach, in a reporting service of its own: its scheduler's tick checks every tenant's
/// deadlines, and with the other tests' tenants (each with the built-in models' deadlines, missed or due after 06:00 in
/// the tenant's zone) a tick took longer than the 3 s the test leaves it while the warehouse is busy with the run.
/// </summary>
public sealed class DeadlineProjectionTests(SchedulingFactory factory) : IClassFixture<SchedulingFactory>
{
    [Fact]
    public async Task A_run_projected_to_finish_after_a_models_deadline_raises_an_alert_before_the_deadline()
    {
        var shop = new Shop(factory);
        await shop.ProductAsync("TEA", "Green tea", "Beverages", DateTimeOffset.UtcNow.AddMinutes(-5));
        await factory.WaitForOdsAsync();
        await shop.AddModelOkAsync("dws_slow", "-- layer: dws\nselect count(*) as n from range(600000000) t(i) where i % 7 = 3");
        await shop.RunAsync(factory, new { models = new[] { "dws_slow" } });
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shop.Zone);
        if (local.TimeOfDay > new TimeSpan(23, 58, 0))
            return; // the deadline would fall on tomorrow's date
        var deadline = local.AddSeconds(3);
        await shop.AddModelOkAsync("ads_due_soon", $$$"""
            -- layer: ads
            -- deadline: {{{deadline.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}}}
            select n from {{ ref('dws_slow') }}
            """);
        await shop.AddModelOkAsync("dws_slower", "-- layer: dws\nselect count(*) as n from range(900000000) t(i) where i % 7 = 3");

        var started = await (await shop.Client.PostJsonAsync("/api/reporting/runs", new { models = new[] { "dws_slower", "dws_slow", "ads_due_soon" } })).ReadAsync<RunDto>();

        // Only this model's alerts: the built-in models have deadlines of their own (ads_sales_daily at 06:00), which
        // the tenant's scheduled runs may be projected to miss when the test runs shortly before one.
        static bool Breach(AlertDto a) => a.Kind == "deadline-projected" && a.Subject.StartsWith("ads_due_soon@", StringComparison.Ordinal);
        var alerts = await Poll.UntilAsync(async () => (await shop.Client.GetFromJsonAsync<List<AlertDto>>("/api/reporting/alerts", TesseraJson.Options))!,
            a => a.Any(Breach), "the projected breach", TimeSpan.FromSeconds(30));
        var projected = alerts.Single(Breach);
        projected.RaisedAt.ShouldBeLessThan(deadline);
        projected.Message.ShouldContain("ads_due_soon");
        projected.Message.ShouldContain($"after its deadline {deadline:HH:mm:ss}");
        await ReportingFactory.FinishedAsync(shop.Client, started.Id);
    }
}
