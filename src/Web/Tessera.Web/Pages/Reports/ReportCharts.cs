using System.Text.Json;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Reports;

/// <summary>A chart as the page's script draws it (site.js): its type, labels and series, all from the reporting service's rows.</summary>
public sealed record ChartSpec(string Type, IReadOnlyList<string> Labels, IReadOnlyList<ChartSeries> Datasets, bool Horizontal = false, bool Stacked = false)
{
    public string Json => JsonSerializer.Serialize(new
    {
        type = Type, labels = Labels, horizontal = Horizontal, stacked = Stacked,
        datasets = Datasets.Select(d => new { label = d.Label, data = d.Data, colors = d.Colors }),
    });
}

public sealed record ChartSeries(string Label, IReadOnlyList<object?> Data, IReadOnlyList<string>? Colors = null);

/// <summary>Series made from metric rows: one point per date, and totals per group over the range (top categories, products).</summary>
public static class ReportCharts
{
    public static List<string> Dates(DateOnly from, DateOnly to) =>
        Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(i => from.AddDays(i).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToList();

    /// <summary>One series per value of <paramref name="group"/>, the sum of <paramref name="value"/> per date (0 where a date has no row).</summary>
    public static List<ChartSeries> PerDate(MetricRows metric, IReadOnlyList<string> dates, string group, string value) =>
        metric.Rows.GroupBy(r => MetricRows.Text(r, group)).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ChartSeries(g.Key, dates.Select(d => (object?)g.Where(r => MetricRows.Text(r, "date") == d).Sum(r => MetricRows.Number(r, value))).ToList()))
            .ToList();

    public static List<object?> Daily(MetricRows metric, IReadOnlyList<string> dates, string value) =>
        dates.Select(d => (object?)metric.Rows.Where(r => MetricRows.Text(r, "date") == d).Sum(r => MetricRows.Number(r, value))).ToList();

    /// <summary>A position (stock value): a date without a row keeps the last known value; before the first one there is none.</summary>
    public static List<object?> Carried(MetricRows metric, IReadOnlyList<string> dates, string value)
    {
        var known = metric.Rows.GroupBy(r => MetricRows.Text(r, "date")).ToDictionary(g => g.Key, g => g.Sum(r => MetricRows.Number(r, value)));
        var points = new List<object?>();
        decimal? last = null;
        foreach (var date in dates)
        {
            if (known.TryGetValue(date, out var v))
                last = v;
            points.Add(last);
        }
        return points;
    }

    /// <summary>The largest groups by the sum of <paramref name="value"/> over the range, largest first.</summary>
    public static List<(string Label, decimal Value)> Top(MetricRows metric, string group, string value, int count) =>
        metric.Rows.GroupBy(r => MetricRows.Text(r, group)).Select(g => (g.Key, g.Sum(r => MetricRows.Number(r, value))))
            .OrderByDescending(g => g.Item2).ThenBy(g => g.Key, StringComparer.Ordinal).Take(count).ToList();
}
