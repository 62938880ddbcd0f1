namespace Tessera.Orders.Contracts;

/// <summary>
/// The CSV format of order imports (docs/import.md): a header row naming columns, then one row per order line. Rows
/// with the same channel and external_ref are one order. Clients writing import files use these names and
/// <see cref="Line"/>; the orders service reads the same.
/// </summary>
public static class OrderImportCsv
{
    public const string DefaultChannel = "import";

    public static readonly IReadOnlyList<string> Required = ["external_ref", "sku", "quantity", "unit_price"];

    /// <summary>Columns that belong to the order: repeat them on each row of the order or give them once.</summary>
    public static readonly IReadOnlyList<string> OrderColumns =
    [
        "channel", "external_ref", "placed_at", "currency", "customer_name", "customer_phone", "customer_email", "customer_reference",
        "ship_consignee", "ship_phone", "ship_line1", "ship_line2", "ship_ward", "ship_district", "ship_city", "ship_province", "ship_postal_code",
        "ship_country", "requested_delivery_date", "service_level", "shipping_fee", "payment_method", "payment_status", "coupon_codes",
        "promotion_codes", "discount_code", "discount_amount", "tags", "notes", "preferred_warehouse",
    ];

    /// <summary>Columns of the line a row stands for.</summary>
    public static readonly IReadOnlyList<string> LineColumns = ["sku", "quantity", "unit_price", "line_discount", "tax_rate"];

    /// <summary>Extension attributes are columns named attr.&lt;name&gt;.</summary>
    public const string AttributePrefix = "attr.";

    /// <summary>A field as it must be written: quoted when it holds a comma, a quote or a line break.</summary>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "";
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>One row of the file (without its line break).</summary>
    public static string Line(IEnumerable<string?> fields) => string.Join(',', fields.Select(Escape));
}
