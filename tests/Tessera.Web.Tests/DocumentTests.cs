using Tessera.Testing;
using Tessera.Web.Documents;

namespace Tessera.Web.Tests;

/// <summary>The document layout writes real text in a font with every Vietnamese letter, and barcodes a scanner reads.</summary>
public sealed class DocumentTests
{
    [Fact]
    public void Vietnamese_text_is_read_back_from_the_pdf_exactly_as_written()
    {
        const string name = "Trần Thị Bình";
        const string address = "12 Lý Thường Kiệt, Phường Cửa Nam, Quận Hoàn Kiếm, Hà Nội";
        using var pdf = new PdfLayout("Phiếu đóng gói", "Trang {0}/{1}");
        pdf.Title("Phiếu đóng gói", "SHP-000042");
        pdf.Columns([("Giao đến", [name, "0912345678", address]), ("Đơn hàng", ["Đơn 1024"])]);
        pdf.Table([new PdfColumn("SKU", 2), new PdfColumn("Sản phẩm", 5), new PdfColumn("Số lượng", 1, Numeric: true)],
            [["TEA-001", "Trà xanh Thái Nguyên 500g", "3"], ["RICE-5KG", "Gạo ST25 túi 5 kg", "1"]]);

        var text = Pdfs.Text(pdf.ToBytes());

        foreach (var expected in new[] { "Phiếu đóng gói", "Trần Thị Bình", "Lý Thường Kiệt,", "Hoàn Kiếm,", "Trà xanh Thái Nguyên", "Gạo ST25", "Trang 1/1" })
            text.ShouldContain(expected);
    }

    [Fact]
    public void A_long_table_continues_on_further_pages_each_numbered()
    {
        using var pdf = new PdfLayout("Pick list", "Page {0} of {1}");
        pdf.Table([new PdfColumn("SKU", 1), new PdfColumn("Quantity", 1, Numeric: true)],
            Enumerable.Range(1, 150).Select(i => (IReadOnlyList<string>)[$"SKU-{i:000}", i.ToString(System.Globalization.CultureInfo.InvariantCulture)]));

        var pages = Pdfs.PageTexts(pdf.ToBytes());

        pages.Count.ShouldBeGreaterThan(1);
        pages[^1].ShouldContain($"Page {pages.Count} of {pages.Count}");
        string.Join(" ", pages).ShouldContain("SKU-150");
        pages[1].ShouldContain("SKU Quantity");
    }

    [Theory]
    [InlineData("GHN-000123")]
    [InlineData("VTP-2026-000987-2")]
    public void A_waybill_barcode_decodes_back_to_the_waybill_number(string waybill)
    {
        using var pdf = new PdfLayout("Label", "{0}/{1}", (100, 150));
        pdf.Text("Giao Hàng Nhanh", bold: true);
        pdf.Barcode(waybill, height: 50, width: pdf.Width);

        Pdfs.Barcodes(pdf.ToBytes()).ShouldBe([waybill]);
    }
}
