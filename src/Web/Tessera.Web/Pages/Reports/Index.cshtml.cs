using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Reports;

/// <summary>The figures of a period and its charts, every one from the reporting service's metrics (its ADS tables).</summary>
public sealed record SalesReport(
    decimal Gmv, long Orders, decimal? AverageOrderValue, decimal NetSales, decimal ReturnsValue, string Currency, DateTimeOffset? BuiltAt, IReadOnlyList<string> Warnings,
    ChartSpec SalesByChannel, ChartSpec TopCategories, ChartSpec TopProducts, ChartSpec StockValue, ChartSpec LeadTimes, ChartSpec Returns);

public sealed class IndexModel(ReportingApi reporting, Formatting fmt, TimeProvider clock) : PageModel
{
    public const int DefaultDays = 30;
    public static readonly string[] Exports = ["sales_daily", "sales_monthly", "product_sales_daily", "gross_margin_daily", "stock_value_daily", "inventory_health",
        "returns_daily", "return_rate_monthly", "fulfilment_daily", "customer_order_moving_avg"];

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    public DateOnly Start => From ?? End.AddDays(-(DefaultDays - 1));
    public DateOnly End => To ?? fmt.Today(clock);

    public Section<SalesReport> Report { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (Start > End)
            (From, To) = (End, Start);
        Report = await Section<SalesReport>.LoadAsync(() => LoadAsync(cancellationToken), Request.Path + Request.QueryString);
    }

    /// <summary>A metric of the period as a CSV file, as the reporting service exports it.</summary>
    public async Task<IActionResult> OnGetExportAsync(string metric, string? groupBy, CancellationToken cancellationToken)
    {
        if (!Exports.Contains(metric))
            return NotFound();
        var monthly = metric.EndsWith("_monthly", StringComparison.Ordinal);
        var (from, to) = monthly ? (Start.ToString("yyyy-MM"), End.ToString("yyyy-MM")) : (Start.ToString("yyyy-MM-dd"), End.ToString("yyyy-MM-dd"));
        var csv = await reporting.CsvAsync(metric, from, to, groupBy, cancellationToken);
        return File(csv, "text/csv", $"{metric}-{from}-{to}.csv");
    }

    private async Task<SalesReport> LoadAsync(CancellationToken cancellationToken)
    {
        var (from, to) = (Start.ToString("yyyy-MM-dd"), End.ToString("yyyy-MM-dd"));
        var total = reporting.MetricAsync("sales_daily", from, to, null, cancellationToken);
        var channels = reporting.MetricAsync("sales_daily", from, to, "channel", cancellationToken);
        var categories = reporting.MetricAsync("sales_daily", from, to, "category", cancellationToken);
        var products = reporting.MetricAsync("product_sales_daily", from, to, null, cancellationToken);
        var stock = reporting.MetricAsync("stock_value_daily", from, to, null, cancellationToken);
        var fulfilment = reporting.MetricAsync("fulfilment_daily", from, to, null, cancellationToken);
        var returns = reporting.MetricAsync("returns_daily", from, to, null, cancellationToken);
        await Task.WhenAll(total, channels, categories, products, stock, fulfilment, returns);

        var dates = ReportCharts.Dates(Start, End);
        var labels = dates.Select(d => fmt.DayAndMonth(DateOnly.Parse(d, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var sales = total.Result;
        var orders = (long)sales.Sum("orders");
        var valid = orders - (long)sales.Sum("cancelledOrders") - (long)sales.Sum("rejectedOrders");
        var topCategories = ReportCharts.Top(categories.Result, "category", "gmv", 8);
        var topProducts = products.Result.Rows.GroupBy(r => MetricRows.Text(r, "sku"))
            .Select(g => (Label: $"{MetricRows.Text(g.First(), "productName")} ({g.Key})", Value: g.Sum(r => MetricRows.Number(r, "gmv"))))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Label, StringComparer.Ordinal).Take(10).ToList();
        var currency = sales.Rows.Select(r => MetricRows.Text(r, "currency")).FirstOrDefault(c => c.Length > 0) ?? fmt.Tenant.Currency;
        return new SalesReport(
            sales.Sum("gmv"), orders, valid > 0 ? Math.Round(sales.Sum("gmv") / valid, 0) : null, sales.Sum("netSales"), sales.Sum("returnsValue"), currency,
            sales.BuiltAt, sales.Warnings,
            new ChartSpec("line", labels, ReportCharts.PerDate(channels.Result, dates, "channel", "gmv")),
            new ChartSpec("bar", topCategories.Select(c => c.Label).ToList(), [new ChartSeries("GMV", topCategories.Select(c => (object?)c.Value).ToList())], Horizontal: true),
            new ChartSpec("bar", topProducts.Select(p => p.Label).ToList(), [new ChartSeries("GMV", topProducts.Select(p => (object?)p.Value).ToList())], Horizontal: true),
            new ChartSpec("line", labels, [new ChartSeries("Stock value", ReportCharts.Carried(stock.Result, dates, "value"))]),
            new ChartSpec("bar", labels, [
                new ChartSeries("Hours to dispatch", ReportCharts.Daily(fulfilment.Result, dates, "averageHoursToDispatch")),
                new ChartSeries("Hours to deliver", ReportCharts.Daily(fulfilment.Result, dates, "averageHoursToDeliver"))]),
            new ChartSpec("bar", labels, [new ChartSeries("Units returned", ReportCharts.Daily(returns.Result, dates, "units"))]));
    }
}
