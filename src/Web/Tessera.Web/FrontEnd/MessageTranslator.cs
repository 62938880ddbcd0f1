using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;

namespace Tessera.Web.FrontEnd;

/// <summary>
/// Puts what the services say — problem titles, details and field messages, written in English — into the page's
/// language. A message is looked up as it is; failing that, against every resource whose English wording has
/// placeholders ("Unknown SKU '{0}'."), the values it carries moved into the translation. A message with no entry is
/// shown as the service wrote it (and the resource test names it).
/// </summary>
public sealed partial class MessageTranslator(IStringLocalizer<SharedResource> localizer)
{
    private static readonly ConcurrentDictionary<string, IReadOnlyList<(Regex Pattern, string Key)>> Patterns = new();

    public string Translate(string? message)
    {
        if (string.IsNullOrEmpty(message))
            return message ?? "";
        // Messages are often several sentences or "field: message"; each part is translated on its own.
        var exact = localizer[message];
        if (!exact.ResourceNotFound)
            return exact.Value;
        foreach (var (pattern, key) in PatternsOf(CultureInfo.CurrentUICulture))
        {
            var match = pattern.Match(message);
            if (match.Success)
                return localizer[key, match.Groups.Cast<Group>().Skip(1).Select(g => (object)Translate(g.Value)).ToArray()].Value;
        }
        return message;
    }

    private IReadOnlyList<(Regex Pattern, string Key)> PatternsOf(CultureInfo culture) =>
        Patterns.GetOrAdd(culture.Name, _ => localizer.GetAllStrings(includeParentCultures: true)
            .Select(s => s.Name)
            .Where(k => Placeholder().IsMatch(k))
            .Distinct()
            // The longest wording first: "Order {0} is {1}" must not win over "Order {0} is {1}; only …".
            .OrderByDescending(k => Placeholder().Replace(k, "").Length)
            .Select(k => (new Regex("^" + Placeholder().Replace(Regex.Escape(k).Replace("\\{", "{", StringComparison.Ordinal), "(.+?)") + "$",
                RegexOptions.Singleline | RegexOptions.CultureInvariant), k))
            .ToList());

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();
}
