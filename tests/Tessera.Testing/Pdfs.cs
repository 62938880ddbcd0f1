using UglyToad.PdfPig;
using ZXing;
using ZXing.Common;
using ZXing.OneD;

namespace Tessera.Testing;

/// <summary>Reads a PDF back as a person (or a scanner) would: its text, page by page, and the Code 128 barcodes drawn on it.</summary>
public static class Pdfs
{
    public static IReadOnlyList<string> PageTexts(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return document.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))).ToList();
    }

    public static string Text(byte[] pdf) => string.Join("\n", PageTexts(pdf));

    /// <summary>
    /// Every Code 128 barcode on the pages: the filled rectangles of one row of bars are turned back into modules (the
    /// narrowest bar is one module) and decoded with ZXing, as a scanner reading across the bars would.
    /// </summary>
    public static IReadOnlyList<string> Barcodes(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        var found = new List<string>();
        foreach (var page in document.GetPages())
        {
            var bars = page.Paths.Where(p => p.IsFilled).Select(p => p.GetBoundingRectangle()).OfType<UglyToad.PdfPig.Core.PdfRectangle>()
                .Where(r => r.Height > 20 && r.Width > 0).ToList();
            foreach (var row in bars.GroupBy(r => Math.Round(r.Bottom, 1)))
            {
                var ordered = row.OrderBy(r => r.Left).ToList();
                var module = ordered.Min(r => r.Width);
                var start = ordered[0].Left;
                var length = (int)Math.Round((ordered[^1].Right - start) / module) + 20;
                var bits = new BitArray(length);
                foreach (var bar in ordered)
                {
                    var from = (int)Math.Round((bar.Left - start) / module) + 10;
                    var count = (int)Math.Round(bar.Width / module);
                    for (var i = 0; i < count; i++)
                        bits[from + i] = true;
                }
                var result = new Code128Reader().decodeRow(0, bits, new Dictionary<DecodeHintType, object>());
                if (result is not null)
                    found.Add(result.Text);
            }
        }
        return found;
    }
}
