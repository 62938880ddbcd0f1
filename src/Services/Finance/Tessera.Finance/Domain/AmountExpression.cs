using System.Globalization;
using System.Text;

namespace Tessera.Finance.Domain;

/// <summary>
/// The amount of a posting rule line: a sum of terms over an event's fields, each with an optional coefficient —
/// "value", "net + tax", "total - fee", "0.5 * value". Being linear, two expressions can be compared exactly, which is
/// how a rule is proved to balance for every event rather than for a sample.
/// </summary>
public sealed class AmountExpression
{
    private AmountExpression(string text, IReadOnlyDictionary<string, decimal> terms)
    {
        Text = text;
        Terms = terms;
    }

    public string Text { get; }

    /// <summary>Field → coefficient; fields with a zero coefficient are dropped.</summary>
    public IReadOnlyDictionary<string, decimal> Terms { get; }

    public static AmountExpression Of(IReadOnlyDictionary<string, decimal> terms) =>
        new(Describe(terms), terms.Where(t => t.Value != 0).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal));

    /// <summary>Parses an expression; <paramref name="error"/> says what is wrong with it when it cannot be read.</summary>
    public static AmountExpression? TryParse(string? text, out string? error)
    {
        error = null;
        var source = (text ?? "").Trim();
        if (source.Length == 0)
        {
            error = "the amount is empty; name a field of the event (e.g. value).";
            return null;
        }
        var terms = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var position = 0;
        var sign = 1m;
        var expectTerm = true;
        while (position < source.Length)
        {
            var c = source[position];
            if (char.IsWhiteSpace(c))
            {
                position++;
                continue;
            }
            if (expectTerm)
            {
                if (c is '+' or '-')
                {
                    if (c == '-')
                        sign = -sign;
                    position++;
                    continue;
                }
                var coefficient = 1m;
                if (char.IsDigit(c))
                {
                    var start = position;
                    while (position < source.Length && (char.IsDigit(source[position]) || source[position] == '.'))
                        position++;
                    if (!decimal.TryParse(source[start..position], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out coefficient))
                    {
                        error = $"'{source[start..position]}' is not a number.";
                        return null;
                    }
                    while (position < source.Length && char.IsWhiteSpace(source[position]))
                        position++;
                    if (position >= source.Length || source[position] != '*')
                    {
                        error = $"a number must multiply a field ('{coefficient.ToString(CultureInfo.InvariantCulture)} * value'); amounts come from the event.";
                        return null;
                    }
                    position++;
                    while (position < source.Length && char.IsWhiteSpace(source[position]))
                        position++;
                }
                var nameStart = position;
                while (position < source.Length && (char.IsLetterOrDigit(source[position]) || source[position] == '_'))
                    position++;
                if (position == nameStart)
                {
                    error = $"a field name was expected at position {nameStart + 1} of '{source}'.";
                    return null;
                }
                var name = source[nameStart..position];
                if (!char.IsLetter(name[0]))
                {
                    error = $"'{name}' is not a field name.";
                    return null;
                }
                terms[name] = terms.GetValueOrDefault(name) + sign * coefficient;
                (sign, expectTerm) = (1m, false);
            }
            else
            {
                if (c is not ('+' or '-'))
                {
                    error = $"'+' or '-' was expected at position {position + 1} of '{source}'.";
                    return null;
                }
                sign = c == '-' ? -1m : 1m;
                expectTerm = true;
                position++;
            }
        }
        if (expectTerm)
        {
            error = $"'{source}' ends with an operator.";
            return null;
        }
        return new AmountExpression(source, terms.Where(t => t.Value != 0).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal));
    }

    public decimal Evaluate(IReadOnlyDictionary<string, decimal> fields) =>
        Terms.Sum(t => t.Value * (fields.TryGetValue(t.Key, out var v) ? v : throw new KeyNotFoundException($"The event has no field '{t.Key}'.")));

    /// <summary>The expression with derived fields replaced by their definitions, until only base fields remain.</summary>
    public IReadOnlyDictionary<string, decimal> Expand(IReadOnlyDictionary<string, AmountExpression> derived)
    {
        var result = new Dictionary<string, decimal>(StringComparer.Ordinal);
        Add(result, Terms, 1m, derived, 0);
        return result.Where(t => t.Value != 0).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
    }

    private static void Add(Dictionary<string, decimal> into, IReadOnlyDictionary<string, decimal> terms, decimal factor,
        IReadOnlyDictionary<string, AmountExpression> derived, int depth)
    {
        if (depth > 8)
            throw new InvalidOperationException("Derived fields refer to each other in a circle.");
        foreach (var (field, coefficient) in terms)
        {
            if (derived.TryGetValue(field, out var definition))
                Add(into, definition.Terms, factor * coefficient, derived, depth + 1);
            else
                into[field] = into.GetValueOrDefault(field) + factor * coefficient;
        }
    }

    public static string Describe(IReadOnlyDictionary<string, decimal> terms)
    {
        var text = new StringBuilder();
        foreach (var (field, coefficient) in terms.Where(t => t.Value != 0).OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var magnitude = Math.Abs(coefficient);
            text.Append(text.Length == 0 ? (coefficient < 0 ? "-" : "") : (coefficient < 0 ? " - " : " + "));
            if (magnitude != 1)
                text.Append(magnitude.ToString("0.####", CultureInfo.InvariantCulture)).Append(" * ");
            text.Append(field);
        }
        return text.Length == 0 ? "0" : text.ToString();
    }

    public override string ToString() => Text;
}
