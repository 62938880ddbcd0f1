using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tessera.ServiceDefaults.Security;
using Tessera.Web.Data;

namespace Tessera.Web.Identity;

public sealed record AccountResult(bool Succeeded, string? Field = null, string? Error = null)
{
    public static readonly AccountResult Ok = new(true);

    public static AccountResult Fail(string field, string error) => new(false, field, error);
}

/// <summary>Tenants and their users: sign-in checks, administration, and the bootstrap of the demo tenant.</summary>
public sealed class Accounts(WebDbContext db, IPasswordHasher<UserRecord> hasher, TimeProvider clock)
{
    public const string TenantPattern = "^[a-z0-9][a-z0-9-]{1,31}$";
    public const string UsernamePattern = "^[A-Za-z0-9._@-]{1,64}$";
    public const int MinimumPasswordLength = 10;

    /// <summary>The user if the password is right; a missing user costs the same hashing time as a wrong password.</summary>
    public async Task<UserRecord?> VerifyAsync(string tenant, string username, string password, CancellationToken cancellationToken)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.TenantId == tenant && u.Username == username, cancellationToken);
        if (user is null || user.Disabled)
        {
            hasher.VerifyHashedPassword(new UserRecord(), DummyHash.Value, password);
            return null;
        }

        var result = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
            return null;
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
            await db.SaveChangesAsync(cancellationToken);
        }
        return user;
    }

    /// <summary>The claims of a signed-in user; the version lets a live session notice role changes and disabling.</summary>
    public static ClaimsPrincipal Principal(UserRecord user, string authenticationType)
    {
        var claims = new List<Claim>
        {
            new(TesseraClaims.Subject, user.Username),
            new(TesseraClaims.Tenant, user.TenantId),
            new(UserVersionClaim, user.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (user.DisplayName is { Length: > 0 } name)
            claims.Add(new Claim(DisplayNameClaim, name));
        claims.AddRange(user.RoleList.Select(r => new Claim(TesseraClaims.Role, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, TesseraClaims.Subject, TesseraClaims.Role));
    }

    public const string UserVersionClaim = "uver";
    public const string DisplayNameClaim = "name";

    public Task<UserRecord?> FindAsync(string tenant, string username, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.TenantId == tenant && u.Username == username, cancellationToken);

    public Task<TenantRecord?> TenantAsync(string tenant, CancellationToken cancellationToken) =>
        db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Id == tenant, cancellationToken);

    public Task<bool> TenantExistsAsync(string tenant, CancellationToken cancellationToken) =>
        db.Tenants.AnyAsync(t => t.Id == tenant, cancellationToken);

    public Task<List<UserRecord>> UsersAsync(string tenant, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().Where(u => u.TenantId == tenant).OrderBy(u => u.Username).ToListAsync(cancellationToken);

    public async Task CreateTenantAsync(TenantRecord tenant, string adminUsername, string adminPassword, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        tenant.CreatedAt = clock.GetUtcNow();
        db.Tenants.Add(tenant);
        db.Users.Add(NewUser(tenant.Id, adminUsername, null, adminPassword, [Roles.Admin]));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<AccountResult> CreateUserAsync(string tenant, string username, string? displayName, string password, IReadOnlyCollection<string> roles,
        CancellationToken cancellationToken)
    {
        if (CheckRoles(roles) is { } invalid)
            return invalid;
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        if (await db.Users.AnyAsync(u => u.TenantId == tenant && u.Username == username, cancellationToken))
            return AccountResult.Fail("username", $"A user named '{username}' already exists.");
        db.Users.Add(NewUser(tenant, username, displayName, password, roles));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return AccountResult.Ok;
    }

    /// <summary>
    /// Changes a user's roles, name, enabled state and (when given) password. A tenant always keeps one enabled
    /// administrator, and nobody can lock themselves out.
    /// </summary>
    public async Task<AccountResult> UpdateUserAsync(string tenant, string username, string actingUser, string? displayName,
        IReadOnlyCollection<string> roles, bool disabled, string? newPassword, CancellationToken cancellationToken)
    {
        if (CheckRoles(roles) is { } invalid)
            return invalid;
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var user = await db.Users.FirstOrDefaultAsync(u => u.TenantId == tenant && u.Username == username, cancellationToken);
        if (user is null)
            return AccountResult.Fail("username", $"No user named '{username}' exists.");

        var staysAdmin = roles.Contains(Roles.Admin) && !disabled;
        if (username == actingUser && !staysAdmin)
            return AccountResult.Fail("roles", "You cannot remove your own administrator role or disable yourself.");
        if (!staysAdmin && user.RoleList.Contains(Roles.Admin) &&
            !await db.Users.AnyAsync(u => u.TenantId == tenant && u.Username != username && !u.Disabled && u.Roles.Contains(Roles.Admin), cancellationToken))
            return AccountResult.Fail("roles", "The tenant needs at least one enabled administrator.");

        // Keep roles this page does not manage (operator) as they are.
        var kept = user.RoleList.Where(r => !Roles.TenantRoles.Contains(r));
        user.Roles = string.Join(',', kept.Concat(roles).Distinct());
        user.DisplayName = string.IsNullOrWhiteSpace(displayName) ? null : displayName.Trim();
        user.Disabled = disabled;
        if (!string.IsNullOrEmpty(newPassword))
            user.PasswordHash = hasher.HashPassword(user, newPassword);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return AccountResult.Ok;
    }

    /// <summary>
    /// Makes sure the tenant and its administrator exist. The password given (from TESSERA_ADMIN_PASSWORD or generated
    /// at first start) is authoritative: an existing administrator's password is reset to it.
    /// </summary>
    public async Task<bool> EnsureAdministratorAsync(string tenant, string tenantName, string username, string? password,
        IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        if (!await db.Tenants.AnyAsync(t => t.Id == tenant, cancellationToken))
            db.Tenants.Add(new TenantRecord { Id = tenant, Name = tenantName, CreatedAt = clock.GetUtcNow() });

        var user = await db.Users.FirstOrDefaultAsync(u => u.TenantId == tenant && u.Username == username, cancellationToken);
        var changed = false;
        if (user is null && password is not null)
        {
            db.Users.Add(NewUser(tenant, username, "Administrator", password, roles));
            changed = true;
        }
        else if (user is not null && password is not null &&
                 hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
            changed = true;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return changed;
    }

    private static AccountResult? CheckRoles(IReadOnlyCollection<string> roles)
    {
        if (roles.Count == 0)
            return AccountResult.Fail("roles", "Choose at least one role.");
        var unknown = roles.Where(r => !Roles.TenantRoles.Contains(r)).ToList();
        return unknown.Count > 0 ? AccountResult.Fail("roles", $"Unknown role: {string.Join(", ", unknown)}.") : null;
    }

    private UserRecord NewUser(string tenant, string username, string? displayName, string password, IEnumerable<string> roles)
    {
        var user = new UserRecord
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenant,
            Username = username,
            DisplayName = displayName,
            Roles = string.Join(',', roles.Distinct()),
            Version = 1,
            CreatedAt = clock.GetUtcNow(),
        };
        user.PasswordHash = hasher.HashPassword(user, password);
        return user;
    }

    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<UserRecord>().HashPassword(new UserRecord(), Guid.NewGuid().ToString()));
}
