using System.Globalization;

namespace Tessera.Reporting.Warehouse;

/// <summary>
/// What differs between engines, and only that: JSON extraction, dates in the tenant's time zone, date arithmetic and
/// the portable type names. Models are written in the common subset (CTEs, window functions, GROUPING SETS) plus these
/// macros, so that the same files can run on another engine behind another dialect (docs/adr/0018).
/// </summary>
public interface ISqlDialect
{
    string Name { get; }

    /// <summary>
    /// The engine's type for a portable name: int, bigint, decimal (money and quantities), wide (a product of two decimals
    /// before it is rounded back), text, date, timestamp, bool.
    /// </summary>
    string Type(string portable);

    /// <summary>A JSON document's value at a dotted path as text.</summary>
    string JsonText(string document, string path);

    /// <summary>A JSON document's value at a dotted path, cast to a portable type.</summary>
    string JsonValue(string document, string path, string type);

    /// <summary>
    /// In a select list: one output row per element of the array at <paramref name="path"/>, as a value whose fields
    /// <see cref="Item"/> reads. <paramref name="fields"/> name and type each field read.
    /// </summary>
    string JsonArray(string document, string path, IReadOnlyList<(string Name, string Type)> fields);

    /// <summary>
    /// A JSON document read once into a value whose fields (dotted names for nested ones) <see cref="Item"/> reads: faster
    /// than extracting each field from the text on its own when a model reads several.
    /// </summary>
    string JsonStruct(string document, IReadOnlyList<(string Name, string Type)> fields);

    /// <summary>A field (dotted for a nested one) of a value made by <see cref="JsonArray"/> or <see cref="JsonStruct"/>.</summary>
    string Item(string element, string field, string type);

    /// <summary>The business date of a timestamp in a time zone.</summary>
    string LocalDate(string timestamp, string timeZone);

    /// <summary>"yyyy-MM" of a date.</summary>
    string Month(string date);

    string AddDays(string date, string days);

    string DaysBetween(string from, string to);

    /// <summary>Hours from one timestamp to another, with decimals.</summary>
    string HoursBetween(string from, string to);

    /// <summary>A table expression with one column "date", every date from <paramref name="from"/> to <paramref name="to"/>.</summary>
    string DateSeries(string from, string to);

    string DateLiteral(DateOnly date);
}

/// <summary>DuckDB, the embedded default.</summary>
public sealed class DuckDbDialect : ISqlDialect
{
    public static readonly DuckDbDialect Instance = new();

    public string Name => "duckdb";

    public string Type(string portable) => portable.Trim().ToLowerInvariant() switch
    {
        "int" or "integer" => "INTEGER",
        "bigint" => "BIGINT",
        "decimal" or "money" or "quantity" => "DECIMAL(18,4)",
        "wide" => "DECIMAL(38,8)",
        "text" or "string" => "VARCHAR",
        "date" => "DATE",
        "timestamp" => "TIMESTAMPTZ",
        "bool" or "boolean" => "BOOLEAN",
        var other => throw new FormatException($"'{other}' is not a portable type (int, bigint, decimal, text, date, timestamp, bool).")
    };

    public string JsonText(string document, string path) => $"({document}->>'{JsonPath(path)}')";

    public string JsonValue(string document, string path, string type) => $"CAST({document}->>'{JsonPath(path)}' AS {Type(type)})";

    public string JsonArray(string document, string path, IReadOnlyList<(string Name, string Type)> fields)
    {
        return $"unnest(from_json({document}->'{JsonPath(path)}', '[{Structure(fields)}]'))";
    }

    public string JsonStruct(string document, IReadOnlyList<(string Name, string Type)> fields) => $"from_json({document}, '{Structure(fields)}')";

    public string Item(string element, string field, string type) => element + string.Concat(field.Split('.').Select(f => $".\"{f}\""));

    /// <summary>The JSON structure from_json reads, nested by the dotted names: {"a":"INTEGER","b":{"c":"VARCHAR"}}.</summary>
    private string Structure(IEnumerable<(string Name, string Type)> fields) =>
        "{" + string.Join(",", fields.GroupBy(f => f.Name.Split('.')[0]).Select(g => g.Count() == 1 && !g.First().Name.Contains('.')
            ? $"\"{Escape(g.Key)}\":\"{Type(g.First().Type)}\""
            : $"\"{Escape(g.Key)}\":{Structure(g.Select(f => (f.Name[(f.Name.IndexOf('.') + 1)..], f.Type)))}")) + "}";

    public string LocalDate(string timestamp, string timeZone) => $"CAST(timezone('{Escape(timeZone)}', {timestamp}) AS DATE)";

    public string Month(string date) => $"strftime({date}, '%Y-%m')";

    public string AddDays(string date, string days) => $"CAST({date} + CAST({days} AS INTEGER) AS DATE)";

    public string DaysBetween(string from, string to) => $"date_diff('day', {from}, {to})";

    public string HoursBetween(string from, string to) => $"CAST(date_diff('second', {from}, {to}) / 3600.0 AS DECIMAL(18,4))";

    public string DateSeries(string from, string to) =>
        $"(SELECT CAST(generate_series AS DATE) AS date FROM generate_series(CAST({from} AS DATE), CAST({to} AS DATE), INTERVAL 1 DAY))";

    public string DateLiteral(DateOnly date) => $"DATE '{date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'";

    private static string JsonPath(string path) => "$." + Escape(path);

    internal static string Escape(string text) => text.Replace("'", "''", StringComparison.Ordinal);
}

/// <summary>
/// PostgreSQL's rendering of the same macros. Not run by this release (the warehouse runs on DuckDB); kept so that a
/// test renders every shipped model for it and a macro cannot quietly become DuckDB-only.
/// </summary>
public sealed class PostgresDialect : ISqlDialect
{
    public static readonly PostgresDialect Instance = new();

    public string Name => "postgres";

    public string Type(string portable) => portable.Trim().ToLowerInvariant() switch
    {
        "int" or "integer" => "integer",
        "bigint" => "bigint",
        "decimal" or "money" or "quantity" => "numeric(18,4)",
        "wide" => "numeric(38,8)",
        "text" or "string" => "text",
        "date" => "date",
        "timestamp" => "timestamptz",
        "bool" or "boolean" => "boolean",
        var other => throw new FormatException($"'{other}' is not a portable type (int, bigint, decimal, text, date, timestamp, bool).")
    };

    public string JsonText(string document, string path) => $"({document} #>> '{Path(path)}')";

    public string JsonValue(string document, string path, string type) => $"CAST({document} #>> '{Path(path)}' AS {Type(type)})";

    public string JsonArray(string document, string path, IReadOnlyList<(string Name, string Type)> fields) =>
        $"jsonb_array_elements({document} #> '{Path(path)}')";

    public string JsonStruct(string document, IReadOnlyList<(string Name, string Type)> fields) => document;

    public string Item(string element, string field, string type) => $"CAST({element} #>> '{Path(field)}' AS {Type(type)})";

    public string LocalDate(string timestamp, string timeZone) => $"CAST(({timestamp}) AT TIME ZONE '{DuckDbDialect.Escape(timeZone)}' AS date)";

    public string Month(string date) => $"to_char({date}, 'YYYY-MM')";

    public string AddDays(string date, string days) => $"CAST({date} + CAST({days} AS integer) AS date)";

    public string DaysBetween(string from, string to) => $"({to} - {from})";

    public string HoursBetween(string from, string to) => $"CAST(EXTRACT(EPOCH FROM ({to} - {from})) / 3600.0 AS numeric(18,4))";

    public string DateSeries(string from, string to) =>
        $"(SELECT CAST(d AS date) AS date FROM generate_series(CAST({from} AS date), CAST({to} AS date), INTERVAL '1 day') AS d)";

    public string DateLiteral(DateOnly date) => $"DATE '{date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'";

    private static string Path(string path) => "{" + string.Join(",", path.Split('.').Select(DuckDbDialect.Escape)) + "}";
}
