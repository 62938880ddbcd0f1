using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.ServiceDefaults.Idempotency;

/// <summary>The stored response of a create request, replayed when the same Idempotency-Key comes again.</summary>
public sealed class IdempotencyRecord : ITenantOwned
{
    public string TenantId { get; set; } = "";
    public string Scope { get; set; } = "";
    public string Key { get; set; } = "";
    public string RequestHash { get; set; } = "";
    public int StatusCode { get; set; }
    public string ResponseBody { get; set; } = "";
    public string? Location { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    internal static void Configure(EntityTypeBuilder<IdempotencyRecord> entity)
    {
        entity.ToTable("idempotency_keys");
        entity.HasKey(r => new { r.TenantId, r.Scope, r.Key });
    }
}
