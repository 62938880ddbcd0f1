using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Orders.Archive;

/// <summary>A closed order moved out of the live tables: the whole order as one JSON document, personal data still encrypted.</summary>
public sealed class ArchivedOrder : ITenantOwned
{
    public Guid OrderId { get; set; }
    public string TenantId { get; set; } = "";
    public long Number { get; set; }
    public string Status { get; set; } = "";
    public DateTimeOffset? ClosedAt { get; set; }
    public DateTimeOffset ArchivedAt { get; set; }
    public string Document { get; set; } = "";
}
