using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Tessera.Orders.Contracts;
using Tessera.Reporting.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Browser.Tests;

/// <summary>The reports area: charts drawn from the reporting service's metrics, and a run's critical path.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReportsTests(BrowserFixture fixture)
{
    private Api Api => fixture.Api;
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");

    /// <summary>Orders of today, and a run after which the warehouse's sales of today equal the orders service's.</summary>
    private async Task<RunDto> SalesOfTodayInTheWarehouseAsync()
    {
        var tea = await Api.ProductAsync("Lotus tea 100g", 95000m);
        var warehouse = await Api.WarehouseAsync();
        await Api.ReceiveAsync(warehouse, tea, 50m);
        foreach (var (quantity, channel) in new[] { (2m, "web"), (1m, "pos"), (3m, "web") })
            await Api.PlaceAsync(tea, quantity, channel);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Zone).DateTime);
        RunDto? run = null;
        await Poll.UntilAsync(async () =>
        {
            var started = await Api.Client.PostJsonAsync("/api/reporting/runs", new { });
            started.StatusCode.ShouldBe(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
            var id = (await started.ReadAsync<RunDto>()).Id;
            run = await Poll.UntilAsync(async () => (await Api.Client.GetFromJsonAsync<RunDto>($"/api/reporting/runs/{id}", TesseraJson.Options))!,
                r => r.Status is "Succeeded" or "Failed", "the run", TimeSpan.FromSeconds(120));
            var warehouseSales = (await Api.Client.GetFromJsonAsync<SalesDailyDto>($"/api/reporting/metrics/sales_daily?from={today:yyyy-MM-dd}&to={today:yyyy-MM-dd}",
                TesseraJson.Options))!.Rows.SingleOrDefault();
            var service = (await Api.Client.GetFromJsonAsync<List<DailyOrdersDto>>(
                $"/api/orders/daily?from={today:yyyy-MM-dd}&to={today:yyyy-MM-dd}&timeZone=Asia/Ho_Chi_Minh", TesseraJson.Options))!.Single();
            return run.Status == "Succeeded" && warehouseSales?.Orders == service.Orders;
        }, "the warehouse to hold today's orders", TimeSpan.FromSeconds(180));
        return run!;
    }

    private static async Task<JsonElement> ChartDataAsync(IPage page, string chart) =>
        await page.EvaluateAsync<JsonElement>(
            "id => { const c = Chart.getChart(document.querySelector(`[data-testid='chart-${id}']`)); " +
            "return c ? { labels: c.data.labels, data: c.data.datasets.map(d => ({ label: d.label, data: d.data })) } : null; }", chart);

    [Fact]
    public async Task The_reports_page_draws_its_charts_from_the_reporting_api()
    {
        await SalesOfTodayInTheWarehouseAsync();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Zone).DateTime);
        var from = today.AddDays(-29);
        var byChannel = (await Api.Client.GetFromJsonAsync<SalesDailyDto>(
            $"/api/reporting/metrics/sales_daily?from={from:yyyy-MM-dd}&to={today:yyyy-MM-dd}&groupBy=channel", TesseraJson.Options))!.Rows;
        var byCategory = (await Api.Client.GetFromJsonAsync<SalesDailyDto>(
            $"/api/reporting/metrics/sales_daily?from={from:yyyy-MM-dd}&to={today:yyyy-MM-dd}&groupBy=category", TesseraJson.Options))!.Rows;
        var total = (await Api.Client.GetFromJsonAsync<SalesDailyDto>($"/api/reporting/metrics/sales_daily?from={from:yyyy-MM-dd}&to={today:yyyy-MM-dd}",
            TesseraJson.Options))!.Rows;
        var page = await fixture.NewPageAsync();
        await page.SignInAsync();

        await page.StepsAsync(async () =>
        {
            await page.GotoAsync("/reports");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sales over time by channel" })).ToBeVisibleAsync();
            foreach (var chart in new[] { "sales-by-channel", "top-categories", "top-products", "stock-value", "lead-times", "returns" })
                await Assertions.Expect(page.GetByTestId("chart-" + chart)).ToBeVisibleAsync();

            var channels = await ChartDataAsync(page, "sales-by-channel");
            foreach (var series in channels.GetProperty("data").EnumerateArray())
            {
                var channel = series.GetProperty("label").GetString();
                series.GetProperty("data").EnumerateArray().Sum(v => v.GetDecimal()).ShouldBe(byChannel.Where(r => r.Channel == channel).Sum(r => r.Gmv), channel);
                series.GetProperty("data").EnumerateArray().Last().GetDecimal().ShouldBe(byChannel.Where(r => r.Channel == channel && r.Date == today).Sum(r => r.Gmv), channel);
            }
            channels.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("label").GetString()).Order()
                .ShouldBe(byChannel.Select(r => r.Channel).Distinct().Order());
            var categories = await ChartDataAsync(page, "top-categories");
            var beverages = categories.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ToList().IndexOf("Beverages");
            categories.GetProperty("data")[0].GetProperty("data")[beverages].GetDecimal().ShouldBe(byCategory.Where(r => r.Category == "Beverages").Sum(r => r.Gmv));
            await Assertions.Expect(page.GetByTestId("tile-orders")).ToHaveTextAsync(total.Sum(r => r.Orders).ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("en-US")));

            // Each metric exports as CSV.
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("report-exports").GetByRole(AriaRole.Link, new() { Name = "sales_daily", Exact = true }).ClickAsync());
            download.SuggestedFilename.ShouldStartWith("sales_daily-");
        });
    }

    [Fact]
    public async Task The_runs_page_shows_a_runs_critical_path()
    {
        var run = await SalesOfTodayInTheWarehouseAsync();
        run.CriticalPath.ShouldNotBeEmpty();
        var page = await fixture.NewPageAsync();
        await page.SignInAsync();

        await page.StepsAsync(async () =>
        {
            await page.GotoAsync("/reports/runs");
            await page.GetByTestId("run-table").Locator($"a[href='/reports/runs/{run.Id}']").ClickAsync();
            await Assertions.Expect(page.GetByTestId("run-status")).ToHaveTextAsync("Succeeded");
            var path = page.GetByTestId("critical-path").Locator("li");
            await Assertions.Expect(path).ToHaveCountAsync(run.CriticalPath.Count);
            for (var i = 0; i < run.CriticalPath.Count; i++)
                await Assertions.Expect(path.Nth(i)).ToContainTextAsync(run.CriticalPath[i]);
            await Assertions.Expect(page.GetByTestId("run-tasks").Locator("tr[data-critical='true']")).ToHaveCountAsync(run.CriticalPath.Count);
            var timeline = await page.EvaluateAsync<JsonElement>(
                "() => { const c = Chart.getChart(document.querySelector(\"[data-testid='run-timeline']\")); return { labels: c.data.labels, colors: c.data.datasets[0].backgroundColor }; }");
            var labels = timeline.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ToList();
            var red = timeline.GetProperty("colors").EnumerateArray().Select((c, i) => (Label: labels[i], Red: c.GetString()!.StartsWith("rgba(220", StringComparison.Ordinal)))
                .Where(c => c.Red).Select(c => c.Label).ToList();
            red.ShouldBe(run.CriticalPath, ignoreOrder: true);
        });
    }
}
