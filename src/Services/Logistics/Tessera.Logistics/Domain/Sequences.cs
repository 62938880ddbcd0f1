using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Logistics.Domain;

/// <summary>
/// Gapless document numbers per tenant and kind (shipments, returns): taken and advanced inside the write transaction
/// of the document, so a rolled-back document gives its number back.
/// </summary>
public sealed class DocumentSequence : ITenantOwned
{
    public const string Shipments = "shipment";
    public const string Returns = "return";

    public string TenantId { get; set; } = "";
    public string Kind { get; set; } = "";
    public long Next { get; set; }

    public static string Format(string kind, long number) => kind switch
    {
        Shipments => $"SHP-{number:D6}",
        Returns => $"RMA-{number:D6}",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
