using Microsoft.EntityFrameworkCore;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Web.Data;

public sealed class TenantRecord : IVersioned
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";

    /// <summary>IANA zone of the tenant's business: business dates ("today's orders") are days in this zone.</summary>
    public string TimeZone { get; set; } = "Asia/Ho_Chi_Minh";

    /// <summary>The tenant's home currency (ISO 4217), used for new orders and for revenue.</summary>
    public string Currency { get; set; } = "VND";

    /// <summary>The language of users who chose none (en-US, vi-VN); null: the browser's.</summary>
    public string? DefaultLanguage { get; set; }

    /// <summary>The languages offered to the tenant's users, comma-separated.</summary>
    public string Languages { get; set; } = "en-US,vi-VN";

    /// <summary>The warehouse new orders, purchase orders and transfers start from.</summary>
    public string? DefaultWarehouse { get; set; }

    /// <summary>The series printed on invoices (the form and serial symbol, e.g. 1C26TAA).</summary>
    public string? InvoiceSeries { get; set; }

    public long Version { get; set; } = 1;

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A person who signs in. Roles are per tenant; the password is stored as an ASP.NET Core Identity hash (PBKDF2).</summary>
public sealed class UserRecord : IVersioned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Username { get; set; } = "";
    public string? DisplayName { get; set; }

    /// <summary>The language the user chose (en-US, vi-VN); null: the tenant's default.</summary>
    public string? Language { get; set; }
    public string PasswordHash { get; set; } = "";
    public string Roles { get; set; } = "";
    public bool Disabled { get; set; }
    public long Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public IReadOnlyList<string> RoleList => Roles.Split(',', StringSplitOptions.RemoveEmptyEntries);
}

public enum SessionKind
{
    /// <summary>A browser signed in with the sign-in page; it holds the session cookie.</summary>
    Browser,

    /// <summary>An API client granted tokens by POST /api/auth/token; it holds a refresh token.</summary>
    Api,
}

/// <summary>
/// A server-side session: what a session cookie or an access token points at (its "sid"), so that signing out,
/// disabling a user or changing their password ends it at once rather than when the cookie or token expires.
/// </summary>
public sealed class SessionRecord
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public Guid UserId { get; set; }
    public SessionKind Kind { get; set; }

    /// <summary>SHA-256 (hex) of the current refresh token's secret; each refresh replaces it.</summary>
    public string? RefreshHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the session lapses unless used: an API session's refresh token moves it on each refresh.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When the session ends however much it is used; the user signs in again after that.</summary>
    public DateTimeOffset EndsAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedReason { get; set; }
}

/// <summary>Consecutive failed sign-ins of one (tenant, username), existing or not, and the lock they led to.</summary>
public sealed class SignInFailureRecord
{
    public string TenantId { get; set; } = "";
    public string Username { get; set; } = "";
    public int Failures { get; set; }
    public DateTimeOffset LastFailureAt { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
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
    public DbSet<SessionRecord> Sessions => Set<SessionRecord>();
    public DbSet<SignInFailureRecord> SignInFailures => Set<SignInFailureRecord>();
    public DbSet<Operations.ServiceSnapshotRecord> ServiceSnapshots => Set<Operations.ServiceSnapshotRecord>();
    public DbSet<Operations.InvariantRunRecord> InvariantRuns => Set<Operations.InvariantRunRecord>();
    public DbSet<Operations.AlertRecord> Alerts => Set<Operations.AlertRecord>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<TenantRecord>(e => e.ToTable("tenants"));
        modelBuilder.Entity<UserRecord>(e =>
        {
            e.ToTable("users");
            e.HasIndex(u => new { u.TenantId, u.Username }).IsUnique();
            e.Ignore(u => u.RoleList);
        });
        modelBuilder.Entity<SessionRecord>(e =>
        {
            e.ToTable("sessions");
            e.Property(x => x.Kind).HasConversion<string>();
        });
        modelBuilder.Entity<SignInFailureRecord>(e =>
        {
            e.ToTable("sign_in_failures");
            e.HasKey(x => new { x.TenantId, x.Username });
        });
        Operations.ConsoleRecords.Configure(modelBuilder);
    }
}
