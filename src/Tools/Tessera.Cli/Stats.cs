using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Tessera.Cli;

/// <summary>Timing samples of the benchmarks: percentiles, and a table of them per kind of request.</summary>
public static class Stats
{
    public static double Percentile(IReadOnlyCollection<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    public static string Format(double ms) => ms.ToString("0.0", CultureInfo.InvariantCulture);

    public static Table Table(IEnumerable<KeyValuePair<string, List<double>>> samples)
    {
        var table = new Table().AddColumns("Request", "n", "p50 ms", "p95 ms", "p99 ms", "max ms");
        foreach (var (name, times) in samples)
            table.AddRow(Markup.Escape(name), times.Count.ToString(CultureInfo.InvariantCulture), Format(Percentile(times, 50)), Format(Percentile(times, 95)),
                Format(Percentile(times, 99)), Format(times.Max()));
        return table;
    }

    /// <summary>Milliseconds from sending to the whole body read; a failed answer fails the benchmark.</summary>
    public static async Task<(double Ms, string Body)> TimeAsync(Func<Task<HttpResponseMessage>> send)
    {
        var clock = Stopwatch.StartNew();
        using var response = await send();
        var body = await response.Content.ReadAsStringAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
            throw new ApiException(response.StatusCode, $"{response.RequestMessage?.RequestUri} answered {await ApiClient.Describe(response)}.");
        return (elapsed, body);
    }
}
