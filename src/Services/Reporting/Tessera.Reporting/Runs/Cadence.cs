using System.Globalization;
using System.Text.RegularExpressions;

namespace Tessera.Reporting.Runs;

/// <summary>
/// When a schedule is due: "daily HH:mm" and "hourly :mm" in the tenant's time zone (a time skipped by a daylight-saving
/// change runs at the first moment after it), or "every N minutes" / "every N seconds".
/// </summary>
public static partial class Cadence
{
    [GeneratedRegex(@"^daily (?<h>[01][0-9]|2[0-3]):(?<m>[0-5][0-9])$")]
    private static partial Regex Daily();

    [GeneratedRegex(@"^hourly :(?<m>[0-5][0-9])$")]
    private static partial Regex Hourly();

    [GeneratedRegex(@"^every (?<n>[1-9][0-9]{0,4}) (?<unit>minutes?|seconds?)$")]
    private static partial Regex Every();

    public static bool IsValid(string cadence) => Daily().IsMatch(cadence) || Hourly().IsMatch(cadence) || Every().IsMatch(cadence);

    /// <summary>The first moment strictly after <paramref name="after"/> at which the schedule is due.</summary>
    public static DateTimeOffset Next(string cadence, DateTimeOffset after, TimeZoneInfo zone)
    {
        if (Every().Match(cadence) is { Success: true } every)
        {
            var n = int.Parse(every.Groups["n"].Value, CultureInfo.InvariantCulture);
            var step = every.Groups["unit"].Value.StartsWith("second", StringComparison.Ordinal) ? TimeSpan.FromSeconds(n) : TimeSpan.FromMinutes(n);
            return after + step;
        }
        var local = TimeZoneInfo.ConvertTime(after, zone).DateTime;
        DateTime candidate;
        if (Daily().Match(cadence) is { Success: true } daily)
        {
            var at = new TimeSpan(int.Parse(daily.Groups["h"].Value, CultureInfo.InvariantCulture), int.Parse(daily.Groups["m"].Value, CultureInfo.InvariantCulture), 0);
            candidate = local.Date + at;
            if (candidate <= local)
                candidate = candidate.AddDays(1);
        }
        else if (Hourly().Match(cadence) is { Success: true } hourly)
        {
            var minute = int.Parse(hourly.Groups["m"].Value, CultureInfo.InvariantCulture);
            candidate = new DateTime(local.Year, local.Month, local.Day, local.Hour, minute, 0);
            if (candidate <= local)
                candidate = candidate.AddHours(1);
        }
        else
            throw new FormatException($"'{cadence}' is not a cadence: daily HH:mm, hourly :mm, every N minutes or every N seconds.");
        while (zone.IsInvalidTime(candidate))
            candidate = candidate.AddMinutes(1);
        return new DateTimeOffset(candidate, zone.GetUtcOffset(candidate));
    }
}
