namespace Tessera.Orders.Import;

/// <summary>
/// The columns of the order import CSV (docs/import.md): a header row naming columns, then one row per order line.
/// Rows with the same channel and external_ref are one order.
/// </summary>
public static class ImportColumns
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
        "status", "delivered_at", "cancelled_at", "returned_at", "payments",
    ];

    /// <summary>Columns that make an order history (docs/import.md): a final status, its dates, and the payments received.</summary>
    public static readonly IReadOnlyList<string> HistoryColumns = ["status", "delivered_at", "cancelled_at", "returned_at", "payments"];

    /// <summary>Columns of the line a row stands for.</summary>
    public static readonly IReadOnlyList<string> LineColumns = ["sku", "quantity", "unit_price", "line_discount", "tax_rate"];

    /// <summary>Extension attributes are columns named attr.&lt;name&gt;.</summary>
    public const string AttributePrefix = "attr.";
}
