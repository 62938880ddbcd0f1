using Microsoft.EntityFrameworkCore;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Web.Data;

public sealed class TenantRecord
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";

    /// <summary>IANA zone of the tenant's business: business dates ("today's orders") are days in this zone.</summary>
    public string TimeZone { get; set; } = "Asia/Ho_Chi_Minh";

    /// <summary>The tenant's home currency (ISO 4217), used for new orders and for revenue.</summary>
    public string Currency { get; set; } = "VND";

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A person who signs in. Roles are per tenant; the password is stored as an ASP.NET Core Identity hash (PBKDF2).</summary>
public sealed class UserRecord : IVersioned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Username { get; set; } = "";
    public string? DisplayName { get; set; }
    public string PasswordHash { get; set; } = "";
    public string Roles { get; set; } = "";
    public bool Disabled { get; set; }
    public long Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public IReadOnlyList<string> RoleList => Roles.Split(',', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// The web front-end's own database: tenants and their users. Users are looked up across tenants only by sign-in,
/// which names the tenant explicitly, so these tables carry no tenant filter.
/// </summary>
public sealed class WebDbContext(DbContextOptions<WebDbContext> options, ITenantContext tenant, WriteGate gate)
    : ServiceDbContext(options, tenant, gate)
{
    public DbSet<TenantRecord> Tenants => Set<TenantRecord>();
    public DbSet<UserRecord> Users => Set<UserRecord>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<TenantRecord>(e => e.ToTable("tenants"));
        modelBuilder.Entity<UserRecord>(e =>
        {
            e.ToTable("users");
            e.HasIndex(u => new { u.TenantId, u.Username }).IsUnique();
            e.Ignore(u => u.RoleList);
        });
    }
}
