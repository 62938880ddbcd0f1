namespace Tessera.Orders.Domain;

/// <summary>An order as the search sees it: what filters and lists need, and no personal data.</summary>
public sealed class OrderSearchRow
{
    public long SearchId { get; set; }
    public Guid OrderId { get; set; }
    public string TenantId { get; set; } = "";
    public long Number { get; set; }
    public string Status { get; set; } = "";
    public string Channel { get; set; } = "";
    public string? ExternalRef { get; set; }
    public string Currency { get; set; } = "";
    public decimal GrandTotal { get; set; }
    public double GrandTotalSort { get; set; }
    public int LineCount { get; set; }
    public long PlacedAt { get; set; }
    public string? PhoneIndex { get; set; }
    public string? EmailIndex { get; set; }
    public string Tags { get; set; } = "[]";

    /// <summary>The customer the order belongs to (a merged duplicate's orders keep its id; the history follows merges).</summary>
    public Guid? CustomerId { get; set; }

    /// <summary>Hash of the SKUs, tags, attributes and text the detail rows hold; null before they are written.</summary>
    public string? DetailsHash { get; set; }
}

public sealed class OrderSearchSku
{
    public string TenantId { get; set; } = "";
    public string Sku { get; set; } = "";
    public long PlacedAt { get; set; }
    public long SearchId { get; set; }
}

public sealed class OrderSearchTag
{
    public string TenantId { get; set; } = "";
    public string Tag { get; set; } = "";
    public long PlacedAt { get; set; }
    public long SearchId { get; set; }
}

public sealed class OrderSearchAttribute
{
    public string TenantId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Value { get; set; } = "";
    public long PlacedAt { get; set; }
    public long SearchId { get; set; }
}
