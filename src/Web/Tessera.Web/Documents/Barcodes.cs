using ZXing;
using ZXing.OneD;

namespace Tessera.Web.Documents;

public static class Barcodes
{
    /// <summary>The modules (true = bar) of a Code 128 symbol for <paramref name="value"/>, quiet zones included (ZXing.Net).</summary>
    public static bool[] Code128(string value)
    {
        var matrix = new Code128Writer().encode(value, BarcodeFormat.CODE_128, 0, 1);
        return Enumerable.Range(0, matrix.Width).Select(x => matrix[x, 0]).ToArray();
    }
}
