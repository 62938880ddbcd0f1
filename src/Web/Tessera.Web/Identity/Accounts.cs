using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;
using Tessera.Web.Data;

namespace Tessera.Web.Identity;

public sealed record AccountResult(bool Succeeded, string? Field = null, string? Error = null)
{
    public static readonly AccountResult Ok = new(true);

    public static AccountResult Fail(string field, string error) => new(false, field, error);
}

/// <summary>A sign-in: the user when it succeeded; when the account is locked after repeated failures, until when.</summary>
public sealed record SignInOutcome(UserRecord? User, DateTimeOffset? LockedUntil)
{
    public TimeSpan RetryAfter(DateTimeOffset now) => LockedUntil is { } until && until > now ? until - now : TimeSpan.Zero;
}

/// <summary>Tenants and their users: sign-in checks, administration, and the bootstrap of the demo tenant.</summary>
public sealed class Accounts(WebDbContext db, IPasswordHasher<UserRecord> hasher, Sessions sessions, SessionCache sessionCache, TimeProvider clock)
{
    public const string TenantPattern = "^[a-z0-9][a-z0-9-]{1,31}$";
    public const string UsernamePattern = "^[A-Za-z0-9._@-]{1,64}$";
    public const int MinimumPasswordLength = 10;

    /// <summary>Longer passwords are refused rather than hashed: nobody types more, and hashing megabytes costs the server.</summary>
    public const int MaximumPasswordLength = 128;

    /// <summary>Failed sign-ins in a row, from any addresses, before an account is locked for a while.</summary>
    public const int FailuresBeforeLock = 5;

    public static readonly TimeSpan FirstLock = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan LongestLock = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Checks a sign-in. A missing user costs the same hashing time as a wrong password. Failures are counted per
    /// (tenant, username) whether the user exists or not: after <see cref="FailuresBeforeLock"/> in a row the name is
    /// locked for 30 s, doubling with each further failure up to 15 minutes, and even the right password is refused
    /// until then. A success clears the count.
    /// </summary>
    public async Task<SignInOutcome> SignInAsync(string tenant, string username, string password, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var failures = await db.SignInFailures.AsNoTracking().FirstOrDefaultAsync(f => f.TenantId == tenant && f.Username == username, cancellationToken);
        if (failures?.LockedUntil > now)
            return new SignInOutcome(null, failures.LockedUntil);

        var user = await db.Users.FirstOrDefaultAsync(u => u.TenantId == tenant && u.Username == username, cancellationToken);
        var result = user is null || user.Disabled || password.Length > MaximumPasswordLength
            ? Verify(null, password)
            : Verify(user, password);
        if (result == PasswordVerificationResult.Failed)
        {
            await CountFailureAsync(tenant, username, now, cancellationToken);
            return new SignInOutcome(null, null);
        }

        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
            user!.PasswordHash = hasher.HashPassword(user, password);
        if (failures is not null)
            await db.SignInFailures.Where(f => f.TenantId == tenant && f.Username == username).ExecuteDeleteAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new SignInOutcome(user, null);
    }

    private PasswordVerificationResult Verify(UserRecord? user, string password)
    {
        if (user is not null)
            return hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        hasher.VerifyHashedPassword(new UserRecord(), DummyHash.Value, password.Length > MaximumPasswordLength ? "" : password);
        return PasswordVerificationResult.Failed;
    }

    private async Task CountFailureAsync(string tenant, string username, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        // Failed sign-ins at once on PostgreSQL would read the same count (or both insert the first): each waits here for
        // the one before it, so every failure is counted and the lock comes at exactly the configured count (docs/adr/0024).
        await db.LockAsync($"sign-in:{tenant}:{username}", cancellationToken);
        var record = await db.SignInFailures.FirstOrDefaultAsync(f => f.TenantId == tenant && f.Username == username, cancellationToken);
        if (record is null)
        {
            record = new SignInFailureRecord { TenantId = tenant, Username = username };
            db.SignInFailures.Add(record);
        }
        record.Failures++;
        record.LastFailureAt = now;
        if (record.Failures >= FailuresBeforeLock)
        {
            var doublings = Math.Min(record.Failures - FailuresBeforeLock, 10);
            var lockFor = TimeSpan.FromTicks(Math.Min(FirstLock.Ticks << doublings, LongestLock.Ticks));
            record.LockedUntil = now + lockFor;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The claims of a signed-in user: the session they belong to (revocable), and the version that lets a live
    /// session notice role changes.
    /// </summary>
    public static ClaimsPrincipal Principal(UserRecord user, string authenticationType, string sessionId)
    {
        var claims = new List<Claim>
        {
            new(TesseraClaims.Subject, user.Username),
            new(TesseraClaims.Tenant, user.TenantId),
            new(TesseraClaims.Session, sessionId),
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

    /// <summary>Creates the tenant with its first administrator; false when a tenant with its id exists already.</summary>
    public async Task<bool> CreateTenantAsync(TenantRecord tenant, string adminUsername, string adminPassword, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        await LockUsersAsync(tenant.Id, cancellationToken);
        if (await db.Tenants.AnyAsync(t => t.Id == tenant.Id, cancellationToken))
            return false;
        tenant.CreatedAt = clock.GetUtcNow();
        db.Tenants.Add(tenant);
        db.Users.Add(NewUser(tenant.Id, adminUsername, null, adminPassword, [Roles.Admin]));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<AccountResult> CreateUserAsync(string tenant, string username, string? displayName, string password, IReadOnlyCollection<string> roles,
        CancellationToken cancellationToken)
    {
        if (CheckRoles(roles) is { } invalid)
            return invalid;
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        await LockUsersAsync(tenant, cancellationToken);
        if (await db.Users.AnyAsync(u => u.TenantId == tenant && u.Username == username, cancellationToken))
            return AccountResult.Fail("username", $"A user named '{username}' already exists.");
        db.Users.Add(NewUser(tenant, username, displayName, password, roles));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return AccountResult.Ok;
    }

    /// <summary>
    /// Changes a user's roles, name, enabled state and (when given) password. A tenant always keeps one enabled
    /// administrator, and nobody can lock themselves out. Disabling a user or setting a password ends every session of
    /// theirs — but the acting one, when people set their own password — so that cookies and tokens stop working at once.
    /// </summary>
    public async Task<AccountResult> UpdateUserAsync(string tenant, string username, string actingUser, string? actingSession, string? displayName,
        IReadOnlyCollection<string> roles, bool disabled, string? newPassword, CancellationToken cancellationToken)
    {
        if (CheckRoles(roles) is { } invalid)
            return invalid;
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        await LockUsersAsync(tenant, cancellationToken);
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
        var reason = disabled && !user.Disabled ? "the user was disabled" : !string.IsNullOrEmpty(newPassword) ? "the password was changed" : null;
        user.Disabled = disabled;
        if (!string.IsNullOrEmpty(newPassword))
            user.PasswordHash = hasher.HashPassword(user, newPassword);
        await db.SaveChangesAsync(cancellationToken);
        var ended = reason is null ? [] : await sessions.RevokeUserSessionsAsync(user.Id, reason, username == actingUser ? actingSession : null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        sessionCache.Forget(ended);
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
        await LockUsersAsync(tenant, cancellationToken);
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
            await sessions.RevokeUserSessionsAsync(user.Id, "the password was changed", null, cancellationToken);
            changed = true;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return changed;
    }

    /// <summary>
    /// Changes to a tenant and its users check before they write — a free username, one enabled administrator left, the
    /// tenant not there yet (several instances starting together create the demo tenant once). On PostgreSQL they take
    /// their turn per tenant, as SQLite's single writer makes them (docs/adr/0024).
    /// </summary>
    private Task LockUsersAsync(string tenant, CancellationToken cancellationToken) => db.LockAsync($"users:{tenant}", cancellationToken);

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

/// <summary>The checks the administration pages make on what people type for an account.</summary>
public static class AccountForms
{
    public static AccountResult? CheckPassword(string? password, bool required)
    {
        if (string.IsNullOrEmpty(password))
            return required ? AccountResult.Fail("password", $"A password needs at least {Accounts.MinimumPasswordLength} characters.") : null;
        if (password.Length < Accounts.MinimumPasswordLength)
            return AccountResult.Fail("password", $"A password needs at least {Accounts.MinimumPasswordLength} characters.");
        if (password.Length > Accounts.MaximumPasswordLength)
            return AccountResult.Fail("password", $"A password has at most {Accounts.MaximumPasswordLength} characters.");
        return null;
    }

    public static AccountResult? CheckDisplayName(string? name)
    {
        if (name is { Length: > 200 })
            return AccountResult.Fail("displayName", "A name has at most 200 characters.");
        return TextRules.IsClean(name) ? null : AccountResult.Fail("displayName", "A name cannot contain control or bidirectional formatting characters.");
    }
}
