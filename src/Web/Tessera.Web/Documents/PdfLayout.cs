using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Tessera.Web.Documents;

/// <summary>A column of a document table: its heading, its share of the width, and whether it holds numbers (right-aligned).</summary>
public sealed record PdfColumn(string Heading, double Width, bool Numeric = false);

/// <summary>
/// A small flowing layout over PDFsharp: A4 pages with margins, headings, wrapped text, key–value blocks and tables that
/// continue on a new page (repeating their heading row), and a footer with the page number. Everything is drawn with
/// <see cref="PdfFonts"/>, so text is real text (selectable, searchable, read back by tests).
/// </summary>
public sealed class PdfLayout : IDisposable
{
    public double Margin => _sizeMm is null ? 40 : 14;
    private readonly PdfDocument _document = new();
    private readonly string _footer;
    private PdfPage _page = null!;
    private XGraphics _gfx = null!;
    private readonly XFont _body;
    private readonly XFont _bold;
    private readonly XFont _small;
    private readonly XFont _title;

    /// <param name="sizeMm">The page size in millimetres (a label); A4 when left out.</param>
    public PdfLayout(string title, string footer, (double Width, double Height)? sizeMm = null)
    {
        PdfFonts.Install();
        _footer = footer;
        _document.Info.Title = title;
        _document.Info.Creator = "Tessera";
        _body = new XFont(PdfFonts.Family, 9.5, XFontStyleEx.Regular, XPdfFontOptions.UnicodeDefault);
        _bold = new XFont(PdfFonts.Family, 9.5, XFontStyleEx.Bold, XPdfFontOptions.UnicodeDefault);
        _small = new XFont(PdfFonts.Family, 8, XFontStyleEx.Regular, XPdfFontOptions.UnicodeDefault);
        _title = new XFont(PdfFonts.Family, 16, XFontStyleEx.Bold, XPdfFontOptions.UnicodeDefault);
        _sizeMm = sizeMm;
        NewPage();
    }

    private readonly (double Width, double Height)? _sizeMm;
    public double Y { get; set; }
    public double Left => Margin;
    public double Right => _page.Width.Point - Margin;
    public double Width => Right - Left;
    private double Bottom => _page.Height.Point - Margin - 14;
    public XGraphics Graphics => _gfx;

    public void NewPage()
    {
        _gfx?.Dispose();
        _page = _document.AddPage();
        if (_sizeMm is { } mm)
        {
            _page.Width = XUnit.FromMillimeter(mm.Width);
            _page.Height = XUnit.FromMillimeter(mm.Height);
        }
        else
            _page.Size = PdfSharp.PageSize.A4;
        _gfx = XGraphics.FromPdfPage(_page);
        Y = Margin;
    }

    /// <summary>Keeps <paramref name="height"/> points free below, starting a new page if they are not.</summary>
    public void Need(double height)
    {
        if (Y + height > Bottom)
            NewPage();
    }

    public void Title(string text, string? right = null)
    {
        Need(30);
        _gfx.DrawString(text, _title, XBrushes.Black, new XRect(Left, Y, Width, 22), XStringFormats.TopLeft);
        if (right is not null)
            _gfx.DrawString(right, _bold, XBrushes.Black, new XRect(Left, Y + 4, Width, 16), XStringFormats.TopRight);
        Y += 28;
    }

    public void Heading(string text)
    {
        Need(24);
        Y += 4;
        _gfx.DrawString(text, _bold, XBrushes.Black, new XRect(Left, Y, Width, 14), XStringFormats.TopLeft);
        Y += 16;
    }

    /// <summary>Text wrapped to the width (or to a box of <paramref name="width"/> at <paramref name="x"/>).</summary>
    public void Text(string text, bool bold = false, bool small = false, double? x = null, double? width = null)
    {
        var font = bold ? _bold : small ? _small : _body;
        var left = x ?? Left;
        foreach (var line in Wrap(text, font, width ?? Right - left))
        {
            Need(LineHeight(font));
            _gfx.DrawString(line, font, XBrushes.Black, new XRect(left, Y, width ?? Right - left, LineHeight(font)), XStringFormats.TopLeft);
            Y += LineHeight(font);
        }
    }

    /// <summary>Two blocks side by side (e.g. "Ship to" and the order's facts); the cursor moves below the taller.</summary>
    public void Columns(IReadOnlyList<(string Label, IReadOnlyList<string> Lines)> blocks)
    {
        var top = Y;
        var width = Width / blocks.Count;
        var lowest = top;
        for (var i = 0; i < blocks.Count; i++)
        {
            Y = top;
            Text(blocks[i].Label, bold: true, x: Left + i * width, width: width - 10);
            foreach (var line in blocks[i].Lines.Where(l => !string.IsNullOrWhiteSpace(l)))
                Text(line, x: Left + i * width, width: width - 10);
            lowest = Math.Max(lowest, Y);
        }
        Y = lowest + 6;
    }

    public void Table(IReadOnlyList<PdfColumn> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        var total = columns.Sum(c => c.Width);
        var widths = columns.Select(c => c.Width / total * Width).ToArray();
        void HeaderRow()
        {
            Need(18);
            DrawRow(columns.Select(c => c.Heading).ToList(), widths, columns, _bold);
            _gfx.DrawLine(XPens.Black, Left, Y, Right, Y);
            Y += 3;
        }
        HeaderRow();
        foreach (var row in rows)
        {
            var height = row.Select((cell, i) => Wrap(cell, _body, widths[i] - 6).Count).Max() * LineHeight(_body) + 3;
            if (Y + height > Bottom)
            {
                NewPage();
                HeaderRow();
            }
            DrawRow(row, widths, columns, _body);
            _gfx.DrawLine(XPens.LightGray, Left, Y, Right, Y);
            Y += 3;
        }
        Y += 6;
    }

    private void DrawRow(IReadOnlyList<string> cells, double[] widths, IReadOnlyList<PdfColumn> columns, XFont font)
    {
        var x = Left;
        var tallest = 0.0;
        for (var i = 0; i < cells.Count; i++)
        {
            var lines = Wrap(cells[i], font, widths[i] - 6);
            for (var l = 0; l < lines.Count; l++)
                _gfx.DrawString(lines[l], font, XBrushes.Black, new XRect(x + 3, Y + l * LineHeight(font), widths[i] - 6, LineHeight(font)),
                    columns[i].Numeric ? XStringFormats.TopRight : XStringFormats.TopLeft);
            tallest = Math.Max(tallest, lines.Count * LineHeight(font));
            x += widths[i];
        }
        Y += tallest;
    }

    /// <summary>A Code 128 barcode of <paramref name="value"/>, drawn as vector bars, with the value printed under it.</summary>
    public void Barcode(string value, double height = 60, double? width = null)
    {
        var modules = Barcodes.Code128(value);
        var barWidth = (width ?? Math.Min(Width, modules.Length * 1.4)) / modules.Length;
        Need(height + 18);
        var x = Left;
        var run = 0;
        for (var i = 0; i <= modules.Length; i++)
        {
            if (i < modules.Length && modules[i])
            {
                run++;
                continue;
            }
            if (run > 0)
                _gfx.DrawRectangle(XBrushes.Black, x + (i - run) * barWidth, Y, run * barWidth, height);
            run = 0;
        }
        Y += height + 2;
        _gfx.DrawString(value, _bold, XBrushes.Black, new XRect(Left, Y, modules.Length * barWidth, 14), XStringFormats.TopCenter);
        Y += 16;
    }

    public void Rule()
    {
        Need(8);
        _gfx.DrawLine(XPens.Gray, Left, Y + 2, Right, Y + 2);
        Y += 8;
    }

    public byte[] ToBytes()
    {
        _gfx.Dispose();
        var pages = _document.PageCount;
        for (var i = 0; i < pages; i++)
        {
            using var gfx = XGraphics.FromPdfPage(_document.Pages[i], XGraphicsPdfPageOptions.Append);
            var page = _document.Pages[i];
            gfx.DrawString(string.Format(System.Globalization.CultureInfo.CurrentCulture, _footer, i + 1, pages), _small, XBrushes.Gray,
                new XRect(Margin, page.Height.Point - Margin, page.Width.Point - 2 * Margin, 12), XStringFormats.TopRight);
        }
        using var stream = new MemoryStream();
        _document.Save(stream, false);
        return stream.ToArray();
    }

    public void Dispose()
    {
        _gfx.Dispose();
        _document.Dispose();
    }

    private double LineHeight(XFont font) => font.Size * 1.35;

    private List<string> Wrap(string text, XFont font, double width)
    {
        var lines = new List<string>();
        foreach (var paragraph in (text ?? "").Split('\n'))
        {
            var current = "";
            foreach (var word in paragraph.Split(' '))
            {
                var candidate = current.Length == 0 ? word : current + " " + word;
                if (current.Length > 0 && _gfx.MeasureString(candidate, font).Width > width)
                {
                    lines.Add(current);
                    current = word;
                }
                else
                    current = candidate;
            }
            lines.Add(current);
        }
        return lines;
    }
}
