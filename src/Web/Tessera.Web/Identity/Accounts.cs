using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tessera.Web.Data;

namespace Tessera.Web.Identity;

/// <summary>Tenants and users: creation, password checks and the bootstrap of the demo tenant.</summary>
public sealed class Accounts(WebDbContext db, IPasswordHasher<UserRecord> hasher, TimeProvider clock)
{
    public const string TenantPattern = "^[a-z0-9][a-z0-9-]{1,31}$";
    public const string UsernamePattern = "^[A-Za-z0-9._@-]{1,64}$";

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

    public Task<bool> TenantExistsAsync(string tenant, CancellationToken cancellationToken) =>
        db.Tenants.AnyAsync(t => t.Id == tenant, cancellationToken);

    public async Task CreateTenantAsync(string id, string name, string adminUsername, string adminPassword, IEnumerable<string> adminRoles,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        db.Tenants.Add(new TenantRecord { Id = id, Name = name, CreatedAt = clock.GetUtcNow() });
        db.Users.Add(NewUser(id, adminUsername, adminPassword, adminRoles));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
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
            db.Users.Add(NewUser(tenant, username, password, roles));
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

    private UserRecord NewUser(string tenant, string username, string password, IEnumerable<string> roles)
    {
        var user = new UserRecord
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenant,
            Username = username,
            Roles = string.Join(',', roles.Distinct()),
            Version = 1,
            CreatedAt = clock.GetUtcNow(),
        };
        user.PasswordHash = hasher.HashPassword(user, password);
        return user;
    }

    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<UserRecord>().HashPassword(new UserRecord(), Guid.NewGuid().ToString()));
}
