using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Tessera.Testing;

/// <summary>
/// The resource test: every text a page shows must be one of the front-end's resource texts of the page's language
/// (placeholders standing for anything), or data the test knows it put there (names, SKUs, numbers and dates). A text
/// that is neither — English left in a Vietnamese page, a message nobody translated — is named.
/// </summary>
public sealed partial class TextAudit
{
    private readonly HashSet<string> _values;
    private readonly List<Regex> _patterns;

    private TextAudit(IEnumerable<string> values)
    {
        _values = values.Where(v => v.Length > 0).ToHashSet(StringComparer.Ordinal);
        _patterns = _values.Where(v => Placeholder().IsMatch(v))
            .Select(v => new Regex("^" + Placeholder().Replace(Regex.Escape(v).Replace("\\{", "{", StringComparison.Ordinal), ".*?") + "$", RegexOptions.Singleline))
            .ToList();
    }

    /// <summary>The web front-end's resources of one language ("" for the neutral English, "vi" for Vietnamese).</summary>
    public static TextAudit Of(string language) => new(Load(language).Values);

    public static IReadOnlyDictionary<string, string> Load(string language)
    {
        var file = Path.Combine(Repository.Root, "src", "Web", "Tessera.Web", "Resources", language.Length == 0 ? "SharedResource.resx" : $"SharedResource.{language}.resx");
        return XDocument.Load(file).Root!.Elements("data").ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value, StringComparer.Ordinal);
    }

    /// <summary>The texts that are neither a resource text nor data; <paramref name="data"/> lists what the test put on the page.</summary>
    public IReadOnlyList<string> Unexplained(IEnumerable<string> texts, IEnumerable<string> data)
    {
        var known = data.Where(d => !string.IsNullOrWhiteSpace(d)).OrderByDescending(d => d.Length).ToList();
        var unexplained = new List<string>();
        foreach (var raw in texts)
        {
            var text = Whitespace().Replace(raw, " ").Trim();
            if (text.Length == 0 || _values.Contains(text) || _patterns.Any(p => p.IsMatch(text)))
                continue;
            // Data only: what the test put there, numbers, money, dates, codes.
            var rest = known.Aggregate(text, (t, d) => t.Replace(d, " ", StringComparison.Ordinal));
            if (!Word().IsMatch(rest))
                continue;
            unexplained.Add(text);
        }
        return unexplained.Distinct().ToList();
    }

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>A word of three letters or more (codes such as SHP-000012, VND or ₫ amounts are not words).</summary>
    [GeneratedRegex(@"\p{L}{3,}")]
    private static partial Regex Word();
}

/// <summary>Where the repository is, for tests that read its files (resources, README, docs).</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Tessera.slnx")))
                return dir.FullName;
        throw new InvalidOperationException("The tests run outside the repository: Tessera.slnx was not found above " + AppContext.BaseDirectory);
    }
}
