namespace Tessera.Web.Pages.Inventory;

/// <summary>How inventory's states read on a page.</summary>
public static class InventoryLabels
{
    public static string Status(string status) => status switch
    {
        "InTransit" => "In transit",
        "PartiallyReceived" => "Partially received",
        _ => status,
    };

    public static string Badge(string status) => status switch
    {
        "Draft" or "Counting" => "text-bg-secondary",
        "InTransit" or "PartiallyReceived" => "text-bg-warning",
        "Received" or "Posted" => "text-bg-success",
        _ => "text-bg-light",
    };
}
