using System.Text;
using System.Text.RegularExpressions;
using Tessera.Reporting.Warehouse;

namespace Tessera.Reporting.Modeling;

/// <summary>What a model is rendered for: the engine, the tenant's time zone and, for a partitioned model, its dates.</summary>
public sealed record RenderContext(ISqlDialect Dialect, string TimeZone, DateOnly? PartitionStart = null, DateOnly? PartitionEnd = null);

/// <summary>
/// Turns a model's SELECT into the engine's SQL: {{ ref('m') }} and {{ this }} become table names, the partition macros
/// the task's dates, and the dialect macros (json_text, json_value, json_array, json_struct, item, local_date, month, add_days,
/// days_between, hours_between, date_series) the engine's functions. Anything else between {{ }} is an error.
/// </summary>
public static partial class ModelRenderer
{
    [GeneratedRegex(@"\{\{\s*(?<name>[a-z_]+)\s*(?:\((?<args>.*?)\))?\s*\}\}")]
    private static partial Regex Macro();

    public static string Render(string sql, string self, RenderContext context, string source) =>
        Macro().Replace(sql, match =>
        {
            var name = match.Groups["name"].Value;
            var arguments = match.Groups["args"].Success ? Arguments(match.Groups["args"].Value, source) : [];
            return Expand(name, arguments, self, context, source);
        });

    private static string Expand(string name, IReadOnlyList<string> a, string self, RenderContext context, string source)
    {
        var dialect = context.Dialect;
        void Expect(int count)
        {
            if (a.Count != count)
                throw new ModelException(source, null, $"{{{{ {name}(…) }}}} takes {count} argument(s), not {a.Count}.");
        }
        switch (name)
        {
            case "ref":
                Expect(1);
                return Sql.Quote(a[0]);
            case "this":
                Expect(0);
                return Sql.Quote(self);
            case "partition_start":
                Expect(0);
                return dialect.DateLiteral(Partition(context, source).Start);
            case "partition_end":
                Expect(0);
                return dialect.DateLiteral(Partition(context, source).End);
            case "partition_filter":
                Expect(1);
                var (start, end) = Partition(context, source);
                return $"({a[0]} BETWEEN {dialect.DateLiteral(start)} AND {dialect.DateLiteral(end)})";
            case "json_text":
                Expect(2);
                return dialect.JsonText(a[0], a[1]);
            case "json_value":
                Expect(3);
                return dialect.JsonValue(a[0], a[1], a[2]);
            case "json_array":
                Expect(3);
                return dialect.JsonArray(a[0], a[1], Fields(a[2], source));
            case "json_struct":
                Expect(2);
                return dialect.JsonStruct(a[0], Fields(a[1], source));
            case "item":
                Expect(3);
                return dialect.Item(a[0], a[1], a[2]);
            case "local_date":
                Expect(1);
                return dialect.LocalDate(a[0], context.TimeZone);
            case "month":
                Expect(1);
                return dialect.Month(a[0]);
            case "add_days":
                Expect(2);
                return dialect.AddDays(a[0], a[1]);
            case "days_between":
                Expect(2);
                return dialect.DaysBetween(a[0], a[1]);
            case "hours_between":
                Expect(2);
                return dialect.HoursBetween(a[0], a[1]);
            case "date_series":
                Expect(2);
                return dialect.DateSeries(a[0], a[1]);
            case "type":
                Expect(1);
                return dialect.Type(a[0]);
            default:
                throw new ModelException(source, null, $"{{{{ {name} }}}} is not a macro of the model language.");
        }
    }

    private static (DateOnly Start, DateOnly End) Partition(RenderContext context, string source) =>
        context is { PartitionStart: { } start, PartitionEnd: { } end }
            ? (start, end)
            : throw new ModelException(source, null, "the partition macros are for partitioned models only.");

    private static List<(string Name, string Type)> Fields(string spec, string source) =>
        spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(field => field.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var name, var type]
                ? (name, type)
                : throw new ModelException(source, null, $"'{field}' is not 'name type' in a json_array field list."))
            .ToList();

    /// <summary>Comma-separated arguments; each is a quoted string ('…' or "…", doubled quotes inside) or bare text.</summary>
    internal static List<string> Arguments(string text, string source)
    {
        var arguments = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        var depth = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is { } q)
            {
                if (c == q && i + 1 < text.Length && text[i + 1] == q)
                {
                    current.Append(c);
                    i++;
                }
                else if (c == q)
                    quote = null;
                else
                    current.Append(c);
                continue;
            }
            switch (c)
            {
                case '\'' or '"' when current.ToString().Trim().Length == 0:
                    quote = c;
                    quoted = true;
                    current.Clear();
                    break;
                case '(':
                    depth++;
                    current.Append(c);
                    break;
                case ')':
                    depth--;
                    current.Append(c);
                    break;
                case ',' when depth == 0:
                    arguments.Add(quoted ? current.ToString() : current.ToString().Trim());
                    current.Clear();
                    quoted = false;
                    break;
                default:
                    if (!(quoted && char.IsWhiteSpace(c)))
                        current.Append(c);
                    break;
            }
        }
        if (quote is not null)
            throw new ModelException(source, null, $"a quote is not closed in '{text}'.");
        if (current.Length > 0 || arguments.Count > 0 || quoted)
            arguments.Add(quoted ? current.ToString() : current.ToString().Trim());
        return arguments;
    }
}
