using Tessera.Web.Services;

namespace Tessera.Web.FrontEnd;

/// <summary>A line of a multi-line form. Key names the row in the form (rows can be removed); Index is its place among the lines sent.</summary>
public sealed class LineForm
{
    public string Key { get; set; } = Guid.NewGuid().ToString("N")[..8];
    public string Sku { get; set; } = "";
    public decimal? Quantity { get; set; }
    public decimal? Price { get; set; }

    /// <summary>The line's own discount, an amount (forms with <see cref="LineColumns.Adjustments"/>).</summary>
    public decimal? Discount { get; set; }

    /// <summary>Tax as a percentage, 10 for 10% (forms with <see cref="LineColumns.Adjustments"/>).</summary>
    public decimal? TaxPercent { get; set; }

    public string? Description { get; set; }

    /// <summary>The catalog price of the SKU, offered as the line's price.</summary>
    public decimal? CatalogPrice { get; set; }
    public int Index { get; set; } = -1;

    public bool IsBlank => string.IsNullOrWhiteSpace(Sku) && Quantity is null && Price is null && Discount is null && TaxPercent is null;

    /// <summary>The lines a form sent, blank rows dropped, each numbered by its place (the API names errors "lines[i]").</summary>
    public static List<LineForm> Sent(IEnumerable<LineForm> lines)
    {
        var sent = lines.Where(l => !l.IsBlank).ToList();
        for (var i = 0; i < sent.Count; i++)
            sent[i].Index = i;
        return sent;
    }

    /// <summary>A row's SKU with its product name from the catalog, for the row's info cell (says so when the catalog is down).</summary>
    public static async Task<LineForm> NamedAsync(CatalogApi catalog, string key, string? sku, CancellationToken cancellationToken)
    {
        var line = new LineForm { Key = key, Sku = sku?.Trim() ?? "" };
        if (line.Sku.Length > 0)
        {
            var product = await Section<Tessera.Catalog.Contracts.ProductDto?>.LoadAsync(() => catalog.GetAsync(line.Sku, cancellationToken), "");
            line.Description = !product.IsUp ? "Catalog is unavailable." : product.Value?.Name ?? "Unknown SKU";
        }
        return line;
    }
}

/// <summary>
/// How a multi-line form names its price column and where a row asks about its SKU; with Adjustments, each line also
/// has a discount and a tax rate.
/// </summary>
public sealed record LineColumns(string PriceLabel, string PriceField, string LookupUrl, bool Adjustments = false);
