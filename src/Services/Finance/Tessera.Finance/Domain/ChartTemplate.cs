using System.Text;

namespace Tessera.Finance.Domain;

public sealed record TemplateAccount(string Code, string? Parent, string Type, string NormalSide, string? Statement, string? Role, string Name, string NameVi);

/// <summary>
/// A chart of accounts as shipped (Charts/&lt;name&gt;/accounts.csv) with its posting rules (posting-rules.md): what a
/// tenant's books start from. Loaded and validated when the service starts; any problem stops the start with the file
/// and line named, so a broken template never reaches a tenant.
/// </summary>
public sealed class ChartTemplate
{
    public const string Vietnam = "vn-tt99";
    public const string Ifrs = "ifrs";

    private ChartTemplate(string name, IReadOnlyList<TemplateAccount> accounts, IReadOnlyDictionary<string, IReadOnlyList<RuleLine>> rules)
    {
        Name = name;
        Accounts = accounts;
        Rules = rules;
        ByCode = accounts.ToDictionary(a => a.Code, StringComparer.Ordinal);
    }

    public string Name { get; }
    public IReadOnlyList<TemplateAccount> Accounts { get; }
    public IReadOnlyDictionary<string, TemplateAccount> ByCode { get; }
    public IReadOnlyDictionary<string, IReadOnlyList<RuleLine>> Rules { get; }

    public static ChartTemplate Load(string directory, out IReadOnlyList<string> errors)
    {
        var name = Path.GetFileName(directory.TrimEnd(Path.DirectorySeparatorChar));
        var accountsFile = Path.Combine(directory, "accounts.csv");
        var rulesFile = Path.Combine(directory, "posting-rules.md");
        var problems = new List<string>();
        var accounts = File.Exists(accountsFile) ? ParseAccounts(Relative(accountsFile), File.ReadAllLines(accountsFile, Encoding.UTF8), problems) : [];
        if (!File.Exists(accountsFile))
            problems.Add($"{Relative(accountsFile)}: the chart has no accounts file.");
        var rules = new Dictionary<string, IReadOnlyList<RuleLine>>(StringComparer.Ordinal);
        if (!File.Exists(rulesFile))
            problems.Add($"{Relative(rulesFile)}: the chart has no posting rules file.");
        else
        {
            var (parsed, ruleErrors) = RuleFile.Parse(Relative(rulesFile), File.ReadAllLines(rulesFile, Encoding.UTF8));
            problems.AddRange(ruleErrors);
            var byCode = accounts.GroupBy(a => a.Code).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            foreach (var (key, lines) in parsed)
            {
                var posting = PostingEvents.Get(key);
                var found = RuleValidation.Validate(posting, lines.Select(l => l.Line).ToList(),
                    code => byCode.TryGetValue(code, out var a) ? new AccountRef(a.Code, true, a.Type, a.Role) : null);
                foreach (var (line, message) in found)
                    problems.Add(line is { } n
                        ? $"{Relative(rulesFile)} line {lines[n - 1].FileLine}: {message}"
                        : $"{Relative(rulesFile)} lines {lines[0].FileLine}–{lines[^1].FileLine} ({key}): {message}");
                rules[key] = lines.Select(l => l.Line).ToList();
            }
            foreach (var missing in PostingEvents.All.Where(e => !parsed.ContainsKey(e.Key)))
                problems.Add($"{Relative(rulesFile)}: there is no rule for {missing.Key} ({missing.Description}).");
        }
        foreach (var role in AccountRoles.All.Where(r => accounts.Count(a => a.Role == r) != 1))
            problems.Add($"{Relative(accountsFile)}: exactly one account has the role {role}; {accounts.Count(a => a.Role == role)} do.");
        errors = problems;
        return new ChartTemplate(name, accounts, rules);
    }

    private static List<TemplateAccount> ParseAccounts(string fileName, IReadOnlyList<string> text, List<string> errors)
    {
        var accounts = new List<TemplateAccount>();
        string[]? header = null;
        var lineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < text.Count; i++)
        {
            var raw = text[i];
            if (raw.Length == 0 || raw.StartsWith('#'))
                continue;
            var cells = Csv.Split(raw);
            if (header is null)
            {
                header = cells;
                string[] expected = ["code", "parent", "type", "normal", "statement", "role", "name", "name_vi"];
                if (!header.SequenceEqual(expected))
                {
                    errors.Add($"{fileName} line {i + 1}: the header must be {string.Join(",", expected)}.");
                    return accounts;
                }
                continue;
            }
            var where = $"{fileName} line {i + 1}";
            if (cells.Length != header.Length)
            {
                errors.Add($"{where}: {cells.Length} cells where the header has {header.Length}.");
                continue;
            }
            var (code, parent, type, normal, statement, role, name, nameVi) = (cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6], cells[7]);
            if (code.Length == 0 || !code.All(char.IsLetterOrDigit))
                errors.Add($"{where}: the account code '{code}' is not letters and digits.");
            if (!lineOf.TryAdd(code, i + 1))
                errors.Add($"{where}: account {code} is already on line {lineOf[code]}.");
            if (!AccountTypes.All.Contains(type))
                errors.Add($"{where}: type '{type}' is not one of {string.Join(", ", AccountTypes.All)}.");
            if (!Sides.IsValid(normal))
                errors.Add($"{where}: normal side '{normal}' is debit or credit.");
            if (role.Length > 0 && !AccountRoles.All.Contains(role))
                errors.Add($"{where}: role '{role}' is not one of {string.Join(", ", AccountRoles.All)}.");
            if (name.Length == 0 || nameVi.Length == 0)
                errors.Add($"{where}: account {code} needs an English and a Vietnamese name.");
            if (parent.Length > 0 && !lineOf.ContainsKey(parent))
                errors.Add($"{where}: parent {parent} of {code} is not listed above it.");
            accounts.Add(new TemplateAccount(code, parent.Length == 0 ? null : parent, type, normal, statement.Length == 0 ? null : statement,
                role.Length == 0 ? null : role, name, nameVi));
        }
        return accounts;
    }

    private static string Relative(string path)
    {
        var parts = path.Split(Path.DirectorySeparatorChar);
        return string.Join('/', parts.Skip(Math.Max(0, parts.Length - 3)));
    }
}

/// <summary>Every chart template the service ships (Charts/*), loaded once at start.</summary>
public sealed class ChartCatalog
{
    private readonly Dictionary<string, ChartTemplate> _charts;

    public ChartCatalog(IEnumerable<ChartTemplate> charts) => _charts = charts.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => _charts.Keys;

    public ChartTemplate Get(string name) =>
        _charts.TryGetValue(name, out var chart) ? chart : throw new InvalidOperationException($"No chart template '{name}' is installed.");

    public bool Contains(string name) => _charts.ContainsKey(name);

    /// <summary>Loads every chart under <paramref name="root"/>; throws naming every problem (file and line) when one is wrong.</summary>
    public static ChartCatalog Load(string root)
    {
        if (!Directory.Exists(root))
            throw new InvalidDataException($"The chart templates folder {root} is missing.");
        var charts = new List<ChartTemplate>();
        var errors = new List<string>();
        foreach (var directory in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            charts.Add(ChartTemplate.Load(directory, out var problems));
            errors.AddRange(problems);
        }
        foreach (var required in new[] { ChartTemplate.Vietnam, ChartTemplate.Ifrs }.Where(r => charts.All(c => c.Name != r)))
            errors.Add($"Charts/{required}: the chart template is missing.");
        if (errors.Count > 0)
            throw new InvalidDataException("The chart templates are not valid:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        return new ChartCatalog(charts);
    }
}

/// <summary>Splits one CSV line: commas separate cells, double quotes enclose cells with commas ("" is a quote).</summary>
public static class Csv
{
    public static string[] Split(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                    quoted = false;
                else
                    cell.Append(c);
            }
            else if (c == '"')
                quoted = true;
            else if (c == ',')
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else
                cell.Append(c);
        }
        cells.Add(cell.ToString().Trim());
        return cells.ToArray();
    }

    /// <summary>Quotes a cell for a CSV export when it needs it.</summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "";
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
