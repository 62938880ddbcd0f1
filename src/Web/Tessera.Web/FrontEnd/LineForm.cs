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
}

/// <summary>
/// How a multi-line form names its price column and where a row asks about its SKU; with Adjustments, each line also
/// has a discount and a tax rate.
/// </summary>
public sealed record LineColumns(string PriceLabel, string PriceField, string LookupUrl, bool Adjustments = false);
