using Tessera.Logistics.Contracts;

namespace Tessera.Web.Pages.Shipments;

/// <summary>How shipment states read on the pages.</summary>
public static class ShipmentDisplay
{
    public static string StatusBadge(ShipmentStatus status) => status switch
    {
        ShipmentStatus.Created => "text-bg-light border",
        ShipmentStatus.Picked or ShipmentStatus.Packed => "text-bg-info",
        ShipmentStatus.Dispatched or ShipmentStatus.InTransit => "text-bg-primary",
        ShipmentStatus.Delivered => "text-bg-success",
        ShipmentStatus.DeliveryFailed => "text-bg-danger",
        ShipmentStatus.ReturnedToOrigin => "text-bg-warning",
        _ => "text-bg-secondary",
    };

    /// <summary>The status in words ("In transit"), which is also its resource key.</summary>
    public static string StatusText(ShipmentStatus status) => Tessera.Web.FrontEnd.Labels.Of(status);

    public static string StatusText(string status) =>
        Enum.TryParse<ShipmentStatus>(status, out var parsed) ? StatusText(parsed) : status;

    public static string ReturnBadge(string status) => status == "Received" ? "text-bg-success" : "text-bg-info";
}
