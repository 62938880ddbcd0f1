using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Tessera.Reporting.Modeling;

public enum Materialization
{
    View,
    Table,

    /// <summary>One partition per business date (column business_date); a task overwrites exactly its dates.</summary>
    Partitioned,
}

/// <summary>
/// A data test of a model. Failures are counted rows; above ErrorAbove the test blocks (the task's transaction is
/// rolled back, so the model keeps its last good version), above WarnAbove it warns.
/// </summary>
public sealed record ModelTest(string Name, string Kind, IReadOnlyList<string> Arguments, long? WarnAbove, long? ErrorAbove, string? Sql = null)
{
    public string Severity => ErrorAbove is null ? "warn" : "error";
}

/// <summary>
/// A model: one SELECT with a header of "-- key: value" lines (docs/reporting.md). Refs come from {{ ref('…') }} in the
/// SELECT and from the targets of relationships tests.
/// </summary>
public sealed record ModelDefinition(
    string Name,
    string Layer,
    Materialization Materialization,
    IReadOnlyList<string> Grain,
    string? Description,
    IReadOnlyList<ModelTest> Tests,
    TimeOnly? Deadline,
    string? Metric,
    IReadOnlyList<string> GroupBy,
    bool Cumulative,
    IReadOnlyList<string> ReadsAllDates,
    TimeSpan? Timeout,
    string Body,
    string Text,
    IReadOnlyList<string> Refs,
    string Owner,
    string? File)
{
    public const string Shipped = "shipped";
    public const string TenantOwned = "tenant";
    public const string PartitionColumn = "business_date";

    public static readonly IReadOnlyList<string> Layers = ["ods", "dwd", "dim", "dws", "ads"];

    public bool IsPartitioned => Materialization == Materialization.Partitioned;

    /// <summary>A hash of the text: a model whose text changed is rebuilt over its whole history.</summary>
    public string SqlHash { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text.ReplaceLineEndings("\n"))))[..16];

    /// <summary>The name a metric of this model is served under (ADS models only).</summary>
    public string? MetricName => Layer == "ads" ? Metric ?? (Name.StartsWith("ads_", StringComparison.Ordinal) ? Name[4..] : Name) : null;
}

/// <summary>A model file (or a tenant's model) that cannot be used, with where the problem is.</summary>
public sealed class ModelException(string source, int? line, string message)
    : Exception(line is null ? $"{source}: {message}" : $"{source}, line {line}: {message}")
{
    public string Origin { get; } = source;
    public int? Line { get; } = line;
    public string Reason { get; } = message;
}

public static partial class ModelParser
{
    [GeneratedRegex(@"^[a-z][a-z0-9_]{0,62}$")]
    public static partial Regex NamePattern();

    [GeneratedRegex(@"\{\{\s*ref\(\s*['""]([^'""]+)['""]\s*\)\s*\}\}")]
    private static partial Regex RefPattern();

    [GeneratedRegex(@"^--\s*([a-z_]+)\s*:\s*(.*)$")]
    private static partial Regex HeaderLine();

    [GeneratedRegex(@"^(?<kind>[a-z_]+)\s*\((?<args>.*)\)\s*(?<options>.*)$")]
    private static partial Regex TestLine();

    /// <summary>Parses a model; <paramref name="source"/> names it in errors (a file path, or "model x").</summary>
    public static ModelDefinition Parse(string text, string source, string? defaultName, string owner, string? file)
    {
        var (header, body) = Split(text, source);

        string? Single(string key)
        {
            var found = header.Where(h => h.Key == key).ToList();
            if (found.Count > 1)
                throw new ModelException(source, found[1].Line, $"'{key}' is given twice.");
            return found.Count == 1 ? found[0].Value : null;
        }
        int LineOf(string key) => header.FirstOrDefault(h => h.Key == key).Line;

        var known = new[] { "model", "layer", "materialized", "grain", "description", "test", "deadline", "metric", "group_by", "cumulative", "reads_all_dates", "timeout" };
        foreach (var unknown in header.Where(h => !known.Contains(h.Key)))
            throw new ModelException(source, unknown.Line, $"'{unknown.Key}' is not a header key ({string.Join(", ", known)}).");

        var name = Single("model") ?? defaultName ?? throw new ModelException(source, null, "the model has no name: add '-- model: <name>'.");
        if (!NamePattern().IsMatch(name))
            throw new ModelException(source, Single("model") is null ? null : LineOf("model"),
                $"'{name}' is not a model name: lower-case letters, digits and '_', starting with a letter, at most 63 characters.");

        var layer = Single("layer") ?? throw new ModelException(source, null, $"the header has no layer: add '-- layer: <{string.Join("|", ModelDefinition.Layers)}>'.");
        if (!ModelDefinition.Layers.Contains(layer))
            throw new ModelException(source, LineOf("layer"), $"'{layer}' is not a layer ({string.Join(", ", ModelDefinition.Layers)}).");

        var materialized = (Single("materialized") ?? "table") switch
        {
            "view" => Materialization.View,
            "table" => Materialization.Table,
            "partitioned" => Materialization.Partitioned,
            var other => throw new ModelException(source, LineOf("materialized"), $"'{other}' is not a materialization (view, table, partitioned).")
        };

        TimeOnly? deadline = null;
        if (Single("deadline") is { } deadlineText)
        {
            if (!TimeOnly.TryParseExact(deadlineText, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                throw new ModelException(source, LineOf("deadline"), $"'{deadlineText}' is not a time of day (HH:mm in the tenant's time zone).");
            deadline = parsed;
        }

        TimeSpan? timeout = null;
        if (Single("timeout") is { } timeoutText)
        {
            if (!TimeSpan.TryParse(timeoutText, CultureInfo.InvariantCulture, out var parsed) || parsed <= TimeSpan.Zero)
                throw new ModelException(source, LineOf("timeout"), $"'{timeoutText}' is not a duration (hh:mm:ss).");
            timeout = parsed;
        }

        // A partition that sums everything up to its date (a stock position): re-opening a date re-opens every later one.
        var cumulative = Single("cumulative") switch
        {
            null or "false" => false,
            "true" => true,
            var other => throw new ModelException(source, LineOf("cumulative"), $"cumulative is true or false, not '{other}'."),
        };
        if (cumulative && materialized != Materialization.Partitioned)
            throw new ModelException(source, LineOf("cumulative"), "cumulative is for partitioned models only.");

        var tests = header.Where(h => h.Key == "test").Select(h => ParseTest(h.Value, source, h.Line)).ToList();
        var refs = RefPattern().Matches(body).Select(m => m.Groups[1].Value).ToList();
        foreach (var target in tests.Where(t => t.Kind == "relationships").Select(t => t.Arguments[1]))
            refs.Add(target);
        var readsAllDates = List(Single("reads_all_dates"));
        foreach (var model in readsAllDates.Where(m => !refs.Contains(m)))
            throw new ModelException(source, LineOf("reads_all_dates"), $"reads_all_dates names '{model}', which the model does not ref.");

        return new ModelDefinition(name, layer, materialized, List(Single("grain")), Single("description"), tests, deadline, Single("metric"),
            List(Single("group_by")), cumulative, readsAllDates, timeout, body, text, refs.Distinct().ToList(), owner, file);
    }

    /// <summary>The header — the "-- key: value" lines before the first line of SQL, with their line numbers — and the SQL after it.</summary>
    private static (List<(int Line, string Key, string Value)> Header, string Body) Split(string text, string source)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var header = new List<(int, string, string)>();
        var bodyStart = lines.Length;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
                continue;
            if (!line.StartsWith("--", StringComparison.Ordinal))
            {
                bodyStart = i;
                break;
            }
            if (HeaderLine().Match(line) is { Success: true } match)
                header.Add((i + 1, match.Groups[1].Value, match.Groups[2].Value.Trim()));
        }
        var body = string.Join('\n', lines[bodyStart..]).Trim().TrimEnd(';').Trim();
        return body.Length == 0 ? throw new ModelException(source, null, "there is no SELECT after the header.") : (header, body);
    }

    private static List<string> List(string? value) =>
        value is null ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    /// <summary>"kind(arguments) [warn] [warn_if > n] [error_if > n]".</summary>
    public static ModelTest ParseTest(string text, string source, int? line)
    {
        var match = TestLine().Match(text.Trim());
        if (!match.Success)
            throw new ModelException(source, line, $"'{text}' is not a test: write kind(arguments), e.g. unique(order_id) or not_null(sku) warn.");
        var kind = match.Groups["kind"].Value;
        var arguments = match.Groups["args"].Value.Trim();
        var (warn, error) = Thresholds(match.Groups["options"].Value, source, line);
        List<string> parsed;
        switch (kind)
        {
            case "unique" or "not_null":
                parsed = List(arguments);
                if (parsed.Count == 0)
                    throw new ModelException(source, line, $"{kind} names at least one column.");
                break;
            case "accepted_values":
                var colon = arguments.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                    throw new ModelException(source, line, "accepted_values is written accepted_values(column: value, value…).");
                parsed = [arguments[..colon].Trim(), .. List(arguments[(colon + 1)..]).Select(v => v.Trim('\'', '"'))];
                break;
            case "relationships":
                var arrow = arguments.Split("->", StringSplitOptions.TrimEntries);
                var target = arrow.Length == 2 ? arrow[1].Split('.', StringSplitOptions.TrimEntries) : [];
                if (arrow.Length != 2 || target.Length != 2)
                    throw new ModelException(source, line, "relationships is written relationships(column -> model.column).");
                parsed = [arrow[0], target[0], target[1]];
                break;
            case "expression":
                if (arguments.Length == 0)
                    throw new ModelException(source, line, "expression holds a condition every row must meet, e.g. expression(units >= 0).");
                parsed = [arguments];
                break;
            default:
                throw new ModelException(source, line, $"'{kind}' is not a test (unique, not_null, accepted_values, relationships, expression; custom SQL tests are files in Models/tests).");
        }
        return new ModelTest($"{kind}({arguments})", kind, parsed, warn, error);
    }

    internal static (long? Warn, long? Error) Thresholds(string options, string source, int? line)
    {
        long? warn = null;
        long? error = 0;
        var tokens = options.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < tokens.Length; i++)
        {
            switch (tokens[i])
            {
                case "warn":
                    (warn, error) = (0, null);
                    break;
                case "warn_if" or "error_if" when i + 2 < tokens.Length && tokens[i + 1] == ">" &&
                                                 long.TryParse(tokens[i + 2], NumberStyles.None, CultureInfo.InvariantCulture, out var n):
                    if (tokens[i] == "warn_if")
                        warn = n;
                    else
                        error = n;
                    i += 2;
                    break;
                default:
                    throw new ModelException(source, line, $"'{options.Trim()}' is not a test option: warn, warn_if > n, error_if > n.");
            }
        }
        return (warn, error);
    }

    /// <summary>A custom test file of Models/tests: its header names the model, the SELECT returns the failing rows.</summary>
    public static (string Model, ModelTest Test) ParseCustomTest(string text, string source, string defaultName)
    {
        var (header, body) = Split(text, source);
        string? model = null;
        var options = "";
        foreach (var (line, key, value) in header)
        {
            switch (key)
            {
                case "test_of":
                    model = value;
                    break;
                case "severity":
                    options = value;
                    break;
                default:
                    throw new ModelException(source, line, $"'{key}' is not a header key of a test (test_of, severity).");
            }
        }
        if (model is null)
            throw new ModelException(source, null, "the test has no '-- test_of: <model>' line.");
        var (warn, error) = Thresholds(options, source, null);
        return (model, new ModelTest(defaultName, "sql", [], warn, error, body));
    }
}
