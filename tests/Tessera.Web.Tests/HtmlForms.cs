using System.Net;
using System.Text.RegularExpressions;

namespace Tessera.Web.Tests;

/// <summary>Reads a form out of a page the way a browser would submit it, so a test can change some fields and post it back.</summary>
public static partial class HtmlForms
{
    public static List<KeyValuePair<string, string>> Fields(string html, string testId)
    {
        var form = Regex.Match(html, $"<form\\b[^>]*data-testid=\"{testId}\"[^>]*>(.*?)</form>", RegexOptions.Singleline);
        if (!form.Success)
            throw new InvalidOperationException($"No form '{testId}' in the page.");
        var body = form.Groups[1].Value;
        var fields = new List<KeyValuePair<string, string>>();
        foreach (Match element in Element().Matches(body))
        {
            var tag = element.Value;
            var name = Attribute(tag, "name");
            if (name is null)
                continue;
            if (tag.StartsWith("<input", StringComparison.Ordinal))
            {
                var type = Attribute(tag, "type") ?? "text";
                if (type is "file" or "submit" or "button" || (type is "checkbox" or "radio" && !tag.Contains(" checked", StringComparison.Ordinal)))
                    continue;
                fields.Add(new(name, Attribute(tag, "value") ?? ""));
            }
            else if (tag.StartsWith("<textarea", StringComparison.Ordinal))
            {
                fields.Add(new(name, WebUtility.HtmlDecode(Regex.Match(tag, ">(.*)</textarea>", RegexOptions.Singleline).Groups[1].Value)));
            }
            else
            {
                var options = Option().Matches(tag).Select(o => (Value: WebUtility.HtmlDecode(o.Groups[2].Value), Selected: o.Groups[1].Value.Contains("selected") || o.Groups[3].Value.Contains("selected"))).ToList();
                fields.Add(new(name, options.FirstOrDefault(o => o.Selected).Value ?? options.FirstOrDefault().Value ?? ""));
            }
        }
        return fields;
    }

    public static List<KeyValuePair<string, string>> With(this List<KeyValuePair<string, string>> fields, string name, string value)
    {
        var index = fields.FindIndex(f => f.Key == name);
        if (index < 0)
            throw new InvalidOperationException($"No field '{name}' in the form.");
        fields[index] = new(name, value);
        return fields;
    }

    public static string Value(this List<KeyValuePair<string, string>> fields, string name) => fields.Single(f => f.Key == name).Value;

    /// <summary>The value of a hidden input anywhere in the page.</summary>
    public static string Hidden(string html, string name) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"<input type=\"hidden\" name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"").Groups[1].Value);

    private static string? Attribute(string tag, string attribute)
    {
        var match = Regex.Match(tag, $"\\s{attribute}=\"([^\"]*)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    [GeneratedRegex("<input\\b[^>]*>|<textarea\\b.*?</textarea>|<select\\b.*?</select>", RegexOptions.Singleline)]
    private static partial Regex Element();

    [GeneratedRegex("<option\\b([^>]*)value=\"([^\"]*)\"([^>]*)>", RegexOptions.Singleline)]
    private static partial Regex Option();
}
