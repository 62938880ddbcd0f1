using System.Globalization;
using Tessera.Reporting.Modeling;

namespace Tessera.Reporting.Runs;

/// <summary>
/// A task to run: a model over From..To (null for a model that is not partitioned), the tasks it waits for, and whether
/// it is conditional (done only if its inputs changed since it was last built).
/// </summary>
public sealed record PlannedTask(string Key, string Model, DateOnly? From, DateOnly? To, IReadOnlyList<string> DependsOn, bool Conditional = false)
{
    public bool Overlaps(PlannedTask other) => From is { } a && other.From is { } b && a <= other.To && b <= To;
}

/// <summary>
/// Turns a run's models and dates into tasks and their dependencies. A partitioned model has a task per business
/// date — or, in a long backfill, per batch of up to <c>batchDays</c> consecutive dates, each date still a partition of
/// its own that the task overwrites — and any other model one task. A task waits for the tasks of the models it refs
/// that are in the run: those of a partitioned upstream covering the same dates (all of them when the model reads
/// every date, or is not partitioned itself; those up to its last date when it is cumulative), and the one task of a
/// table or view. A cumulative model's own tasks run in date order, each after the one before, and its conditional
/// dates are batched apart from the others.
/// </summary>
public static class RunPlanner
{
    public static string KeyOf(string model, DateOnly? from, DateOnly? to = null) =>
        from is not { } a ? model
        : to is not { } b || b == a ? $"{model}@{Day(a)}"
        : $"{model}@{Day(a)}..{Day(b)}";

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Consecutive batches of at most <paramref name="batchDays"/> calendar days over the given dates.</summary>
    public static List<(DateOnly From, DateOnly To)> Batches(IEnumerable<DateOnly> dates, int batchDays)
    {
        var batches = new List<(DateOnly, DateOnly)>();
        DateOnly? start = null, end = null;
        foreach (var date in dates.Distinct().Order())
        {
            if (start is { } s && date.DayNumber - s.DayNumber < batchDays)
            {
                end = date;
                continue;
            }
            if (start is { } done)
                batches.Add((done, end!.Value));
            (start, end) = (date, date);
        }
        if (start is { } last)
            batches.Add((last, end!.Value));
        return batches;
    }

    public static List<PlannedTask> Plan(ModelGraph graph, IReadOnlyList<string> models, Func<string, IReadOnlyList<DateOnly>> datesOf, int batchDays = 1,
        Func<string, DateOnly?, bool>? conditional = null)
    {
        conditional ??= (_, _) => false;
        var inRun = models.ToHashSet(StringComparer.Ordinal);
        var tasksOf = new Dictionary<string, List<PlannedTask>>(StringComparer.Ordinal);
        var all = new List<PlannedTask>();
        foreach (var name in graph.Order.Where(inRun.Contains))
        {
            var model = graph[name];
            IEnumerable<(DateOnly? From, DateOnly? To, bool Conditional)> ranges = model.IsPartitioned
                ? datesOf(name).Distinct().GroupBy(d => conditional(name, d))
                    .SelectMany(g => Batches(g, Math.Max(1, batchDays)).Select(b => ((DateOnly?)b.From, (DateOnly?)b.To, g.Key)))
                    .OrderBy(b => b.Item1)
                : [(null, null, conditional(name, null))];
            var upstream = graph.Upstream(name).Where(inRun.Contains).ToList();
            var own = new List<PlannedTask>();
            foreach (var (from, to, isConditional) in ranges)
            {
                var task = new PlannedTask(KeyOf(name, from, to), name, from, to, [], isConditional);
                var dependsOn = new List<string>();
                foreach (var u in upstream)
                {
                    var partitioned = graph[u].IsPartitioned && model.IsPartitioned && !model.ReadsAllDates.Contains(u);
                    dependsOn.AddRange(tasksOf[u]
                        .Where(t => !partitioned || (model.Cumulative ? t.From <= task.To : t.Overlaps(task)))
                        .Select(t => t.Key));
                }
                // A cumulative partition adds up the ones before it: the model's dates are written oldest first.
                if (model.Cumulative && own.Count > 0)
                    dependsOn.Add(own[^1].Key);
                own.Add(task with { DependsOn = dependsOn });
            }
            tasksOf[name] = own;
            all.AddRange(own);
        }
        return all;
    }
}

/// <summary>
/// The critical path of a run: the chain of dependent tasks whose durations add up to the longest time, the one that
/// decided when the run could finish at the earliest.
/// </summary>
public static class CriticalPath
{
    public sealed record Node(string Key, long DurationMs, IReadOnlyList<string> DependsOn);

    public static (IReadOnlyList<string> Path, long Ms) Of(IReadOnlyList<Node> tasks)
    {
        var byKey = tasks.ToDictionary(t => t.Key);
        var finish = new Dictionary<string, (long Ms, string? Previous)>();
        (long, string?) Finish(Node node)
        {
            if (finish.TryGetValue(node.Key, out var known))
                return known;
            var best = (Ms: 0L, Previous: (string?)null);
            foreach (var dependency in node.DependsOn.Where(byKey.ContainsKey))
            {
                var (ms, _) = Finish(byKey[dependency]);
                if (ms > best.Ms || (ms == best.Ms && best.Previous is null))
                    best = (ms, dependency);
            }
            return finish[node.Key] = (best.Ms + node.DurationMs, best.Previous);
        }
        if (tasks.Count == 0)
            return ([], 0);
        foreach (var task in tasks)
            Finish(task);
        var last = finish.MaxBy(f => f.Value.Ms);
        var path = new List<string>();
        for (string? key = last.Key; key is not null; key = finish[key].Previous)
            path.Add(key);
        path.Reverse();
        return (path, last.Value.Ms);
    }
}

/// <summary>Exponential backoff with equal jitter: half the delay fixed, half random, capped.</summary>
public static class Backoff
{
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var capped = Capped(attempt, baseDelay, maxDelay);
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }

    /// <summary>The least a retry after <paramref name="attempt"/> waits (the fixed half).</summary>
    public static TimeSpan Minimum(int attempt, TimeSpan baseDelay, TimeSpan maxDelay) => TimeSpan.FromMilliseconds(Capped(attempt, baseDelay, maxDelay) / 2);

    private static double Capped(int attempt, TimeSpan baseDelay, TimeSpan maxDelay) =>
        Math.Min(baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30)), maxDelay.TotalMilliseconds);
}
