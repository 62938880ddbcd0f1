using System.Text.Json;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Finance.Domain;

/// <summary>One line of a posting rule: Amount (over the event's fields) to Account on Side, kept under Dimension's warehouse.</summary>
public sealed record RuleLine(string Side, string Account, string Amount, string? Dimension = null)
{
    public AmountExpression Expression => AmountExpression.TryParse(Amount, out _) ?? throw new InvalidOperationException($"'{Amount}' is not a valid amount.");
}

/// <summary>A posting rule: the lines a posting event makes in the journal.</summary>
public sealed record PostingRule(string Event, IReadOnlyList<RuleLine> Lines)
{
    public static string Serialize(IReadOnlyList<RuleLine> lines) => JsonSerializer.Serialize(lines, TesseraJson.Options);

    public static IReadOnlyList<RuleLine> Deserialize(string json) => JsonSerializer.Deserialize<List<RuleLine>>(json, TesseraJson.Options) ?? [];
}

/// <summary>
/// Checks a posting rule before it can be used: every line names a side, an active account of the chart, an amount
/// over the event's own fields and a dimension the event has; there is a debit and a credit; and the debits equal the
/// credits for every possible event — compared symbolically, after replacing derived fields (an invoice's total) by
/// their definitions. Each problem is a sentence naming the line (1-based).
/// </summary>
public static class RuleValidation
{
    public const int MaxLines = 20;

    public static IReadOnlyList<(int? Line, string Message)> Validate(PostingEvent posting, IReadOnlyList<RuleLine> lines, Func<string, AccountRef?> accounts)
    {
        var errors = new List<(int?, string)>();
        if (lines.Count == 0)
            return [(null, $"The rule for {posting.Key} has no lines.")];
        if (lines.Count > MaxLines)
            errors.Add((null, $"A rule has at most {MaxLines} lines."));

        var debits = new List<AmountExpression>();
        var credits = new List<AmountExpression>();
        var fields = posting.AllFields.ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var n = i + 1;
            if (!Sides.IsValid(line.Side))
                errors.Add((n, $"side is '{line.Side}'; it is debit or credit."));
            var account = string.IsNullOrWhiteSpace(line.Account) ? null : accounts(line.Account.Trim());
            if (account is null)
                errors.Add((n, $"account '{line.Account}' is not in the chart of accounts."));
            else if (!account.Active)
                errors.Add((n, $"account {account.Code} is inactive; activate it or choose another."));
            var expression = AmountExpression.TryParse(line.Amount, out var problem);
            if (expression is null)
                errors.Add((n, $"amount: {problem}"));
            else
            {
                foreach (var unknown in expression.Terms.Keys.Where(f => !fields.Contains(f)))
                    errors.Add((n, $"amount uses '{unknown}', which {posting.Key} does not have (its fields: {string.Join(", ", posting.AllFields)})."));
                if (line.Side == Sides.Debit)
                    debits.Add(expression);
                else if (line.Side == Sides.Credit)
                    credits.Add(expression);
            }
            var dimension = string.IsNullOrWhiteSpace(line.Dimension) ? PostingEvents.DefaultDimension : line.Dimension.Trim();
            if (!posting.Dimensions.Contains(dimension))
                errors.Add((n, string.IsNullOrWhiteSpace(line.Dimension)
                    ? $"{posting.Key} has two warehouses: name the line's dimension ({string.Join(" or ", posting.Dimensions)})."
                    : $"dimension '{line.Dimension}' is not one of {posting.Key}'s ({string.Join(", ", posting.Dimensions)})."));
        }
        if (errors.Count > 0)
            return errors;
        if (debits.Count == 0 || credits.Count == 0)
            return [(null, "A rule needs at least one debit line and one credit line.")];

        var net = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (expressions, sign) in new[] { (debits, 1m), (credits, -1m) })
            foreach (var expression in expressions)
                foreach (var (field, coefficient) in expression.Expand(posting.Derived))
                    net[field] = net.GetValueOrDefault(field) + sign * coefficient;
        var offBalance = net.Where(t => t.Value != 0).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        if (offBalance.Count > 0)
        {
            var difference = AmountExpression.Describe(offBalance);
            var example = offBalance.First();
            errors.Add((null, $"The rule cannot balance: debits − credits = {difference} " +
                              $"(an event with {example.Key} = 1 and the rest 0 would post {Math.Abs(example.Value):0.####} more on the " +
                              $"{(example.Value > 0 ? "debit" : "credit")} side)."));
        }
        return errors;
    }

    public static string Describe((int? Line, string Message) error) => error.Line is { } n ? $"line {n}: {error.Message}" : error.Message;
}

/// <summary>
/// Reads a chart's posting rules from its readable table (posting-rules.md): rows of "| event | side | account |
/// amount | dimension |". Problems name the file and line; rows are checked against the chart by <see cref="ChartTemplate"/>.
/// </summary>
public static class RuleFile
{
    private static readonly string[] Columns = ["event", "side", "account", "amount", "dimension"];

    public static (Dictionary<string, List<(int FileLine, RuleLine Line)>> Rules, List<string> Errors) Parse(string fileName, IReadOnlyList<string> text)
    {
        var rules = new Dictionary<string, List<(int, RuleLine)>>(StringComparer.Ordinal);
        var errors = new List<string>();
        var headerSeen = false;
        for (var i = 0; i < text.Count; i++)
        {
            var raw = text[i].Trim();
            if (!raw.StartsWith('|'))
                continue;
            var cells = raw.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (!headerSeen)
            {
                if (!cells.Take(Columns.Length).Select(c => c.ToLowerInvariant()).SequenceEqual(Columns))
                {
                    errors.Add($"{fileName} line {i + 1}: the table's header must be | {string.Join(" | ", Columns)} |.");
                    return (rules, errors);
                }
                headerSeen = true;
                continue;
            }
            if (cells.All(c => c.Length > 0 && c.All(ch => ch is '-' or ':')))
                continue;
            if (cells.Length < 4 || cells.Length > 5)
            {
                errors.Add($"{fileName} line {i + 1}: a row has 4 or 5 cells (event, side, account, amount, dimension); this one has {cells.Length}.");
                continue;
            }
            var key = cells[0];
            if (PostingEvents.Find(key) is null)
            {
                errors.Add($"{fileName} line {i + 1}: '{key}' is not a posting event (one of: {string.Join(", ", PostingEvents.All.Select(e => e.Key))}).");
                continue;
            }
            if (!rules.TryGetValue(key, out var list))
                rules[key] = list = [];
            list.Add((i + 1, new RuleLine(cells[1].ToLowerInvariant(), cells[2], cells[3], cells.Length > 4 && cells[4].Length > 0 ? cells[4] : null)));
        }
        if (!headerSeen)
            errors.Add($"{fileName}: no rule table (a header row | {string.Join(" | ", Columns)} |) was found.");
        return (rules, errors);
    }
}
