using PdfSharp.Fonts;

namespace Tessera.Web.Documents;

/// <summary>
/// The one font family of Tessera's documents: Noto Sans (SIL OFL 1.1), embedded in this assembly from the npm package
/// the build installs. It has every Vietnamese letter, so "Trần Thị Bình" prints and reads back as written (ADR 0022).
/// No system font is ever looked up: a server without fonts prints the same documents.
/// </summary>
public sealed class PdfFonts : IFontResolver
{
    public const string Family = "Noto Sans";
    private const string Regular = "NotoSans-Regular";
    private const string Bold = "NotoSans-Bold";
    private static readonly Lock Gate = new();
    private static bool _installed;

    /// <summary>Makes PDFsharp use these fonts; PDFsharp's resolver is process-wide, so this runs once.</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (_installed)
                return;
            GlobalFontSettings.FontResolver = new PdfFonts();
            _installed = true;
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        new(bold ? Bold : Regular);

    public byte[]? GetFont(string faceName)
    {
        var resource = faceName == Bold ? "fonts/NotoSans-Bold.ttf" : "fonts/NotoSans-Regular.ttf";
        using var stream = typeof(PdfFonts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The document font {resource} is not embedded in Tessera.Web; build it with npm available.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
