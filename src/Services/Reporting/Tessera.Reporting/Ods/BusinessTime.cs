using System.Text;
using Tessera.Reporting.Warehouse;

namespace Tessera.Reporting.Ods;

/// <summary>
/// The business date of an ODS row: the tenant-local date of the moment the event reports. For the types below that
/// is a timestamp in the payload (an imported order placed last month, a carrier's tracking update that arrives late);
/// for every other type — including types reporting does not know — the envelope's occurredAt.
/// </summary>
public static class BusinessTime
{
    public static readonly IReadOnlyDictionary<string, string> PayloadField = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["OrderPlaced"] = "placedAt",
        ["OrderCompleted"] = "completedAt",
        ["OrderReturned"] = "returnedAt",
        ["ShipmentsRequested"] = "requestedAt",
        ["ShipmentCreated"] = "createdAt",
        ["ShipmentPicked"] = "pickedAt",
        ["ShipmentPacked"] = "packedAt",
        ["ShipmentDispatched"] = "dispatchedAt",
        ["ShipmentTransitStarted"] = "at",
        ["ShipmentDelivered"] = "deliveredAt",
        ["DeliveryFailed"] = "at",
        ["ShipmentCancelled"] = "cancelledAt",
        ["ReturnToOriginReceived"] = "receivedAt",
        ["ReturnAuthorized"] = "authorizedAt",
        ["ReturnReceived"] = "receivedAt",
        ["StockIssued"] = "occurredAt",
        ["StockReturned"] = "occurredAt",
        ["StockAdjusted"] = "occurredAt",
        ["TransferShipped"] = "occurredAt",
        ["TransferReceived"] = "occurredAt",
        ["StockBelowReorderPoint"] = "occurredAt",
        ["ReservationExpired"] = "expiredAt",
        ["PurchaseOrderApproved"] = "approvedAt",
        ["PurchaseOrderCancelled"] = "cancelledAt",
        ["PurchaseOrderClosed"] = "closedAt",
        ["GoodsReceived"] = "receivedAt",
        ["SupplierReturnShipped"] = "shippedAt",
    };

    /// <summary>
    /// Events that open an aggregate whose later events change facts dated by the opening one: an order's cancellation
    /// or delivery changes the sales of the day it was placed, so those events re-open that day too.
    /// </summary>
    public static readonly IReadOnlyList<string> OpeningTypes = ["OrderPlaced"];

    /// <summary>The engine's expression of a row's business date, for columns <paramref name="type"/>, <paramref name="payload"/>, <paramref name="occurredAt"/>.</summary>
    public static string Expression(string type, string payload, string occurredAt, string timeZone)
    {
        var moment = new StringBuilder($"CASE {type}");
        foreach (var (eventType, field) in PayloadField)
            moment.Append($" WHEN {Sql.Literal(eventType)} THEN json_extract_string({payload}, '$.{field}')");
        moment.Append(" END");
        return $"CAST(timezone({Sql.Literal(timeZone)}, coalesce(TRY_CAST({moment} AS TIMESTAMPTZ), {occurredAt})) AS DATE)";
    }
}
