using System.Text.Json;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Logistics.Domain;

/// <summary>
/// A carrier the tenant ships with: its tracking page (a URL template with "{waybill}"), the service levels it offers,
/// and the secret its tracking webhooks are signed with (stored encrypted, see WebhookSecrets). At most one carrier of a
/// tenant is the default: new shipments get it when it offers their service level.
/// </summary>
public sealed class Carrier : ITenantOwned, IVersioned
{
    public const string WaybillPlaceholder = "{waybill}";

    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string TrackingUrlTemplate { get; set; } = "";

    /// <summary>JSON array of lower-case service level names.</summary>
    public string ServiceLevels { get; set; } = "[]";

    public bool IsDefault { get; set; }

    /// <summary>The webhook secret, encrypted at rest.</summary>
    public string WebhookSecret { get; set; } = "";

    public DateTimeOffset? SecretRotatedAt { get; set; }
    public long Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public IReadOnlyList<string> Levels => JsonSerializer.Deserialize<List<string>>(ServiceLevels) ?? [];

    public bool Offers(string serviceLevel) => Levels.Contains(serviceLevel, StringComparer.Ordinal);

    public static string LevelsJson(IEnumerable<string> levels) => JsonSerializer.Serialize(levels.Select(NormalizeLevel).Distinct().ToList());

    public static string NormalizeCode(string code) => code.Trim().ToUpperInvariant();

    public static string NormalizeLevel(string level) => level.Trim().ToLowerInvariant();

    public string TrackingUrl(string waybill) => TrackingUrlTemplate.Replace(WaybillPlaceholder, Uri.EscapeDataString(waybill), StringComparison.Ordinal);
}
