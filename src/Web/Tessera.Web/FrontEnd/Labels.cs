using System.Text;

namespace Tessera.Web.FrontEnd;

/// <summary>
/// A state or kind as people read it — "PartiallyReturned" is "Partially returned" — which is also its resource key:
/// <c>L[Labels.Of(status)]</c> shows it in the page's language. Raw enum names never reach a page.
/// </summary>
public static class Labels
{
    public static string Of<T>(T value) where T : struct, Enum => Words(value.ToString());

    /// <summary>"InTransit" → "In transit", "return-to-origin" → "Return to origin".</summary>
    public static string Words(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c is '-' or '_')
            {
                text.Append(' ');
                continue;
            }
            if (i > 0 && char.IsUpper(c) && !char.IsUpper(name[i - 1]))
                text.Append(' ').Append(char.ToLowerInvariant(c));
            else
                text.Append(i == 0 ? char.ToUpperInvariant(c) : c);
        }
        return text.ToString();
    }
}

/// <summary>Who did something: a person's username as it is, a part of Tessera ("inventory", "system") in the page's language.</summary>
public static class Actors
{
    private static readonly HashSet<string> Parts = ["inventory", "fulfilment", "logistics", "orders", "procurement", "finance", "catalog", "system", "import"];

    public static string Name(string by, Microsoft.Extensions.Localization.IStringLocalizer localizer) =>
        Parts.Contains(by) ? localizer[Labels.Words(by)].Value : by;
}
