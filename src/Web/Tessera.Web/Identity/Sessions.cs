using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Telemetry;
using Tessera.Web.Data;

namespace Tessera.Web.Identity;

public sealed class SessionSettings
{
    public const string Section = "Tessera:Sessions";

    /// <summary>How long an access token works; clients refresh it with their refresh token.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>An API session lapses when its refresh token goes unused this long.</summary>
    public TimeSpan RefreshIdleLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>An API session ends this long after the password grant, however often it is refreshed.</summary>
    public TimeSpan ApiSessionLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A browser session ends this long after sign-in (the cookie also lapses after 10 idle hours).</summary>
    public TimeSpan BrowserSessionLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long a process trusts what it last read about a session. A revocation made in this process applies at
    /// once; one made by another instance of the web front-end applies within this time.
    /// </summary>
    public TimeSpan RecheckEvery { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>What a request needs to know about its session: whether it still holds, and the user's current roles.</summary>
public sealed record SessionState(string Id, string TenantId, string Username, bool Active, string? EndedBecause, IReadOnlyList<string> Roles, long UserVersion);

/// <summary>A refresh: the new tokens' user and session, or why it was refused.</summary>
public sealed record RefreshOutcome(UserRecord? User, string? SessionId, string? RefreshToken, string? Failure);

/// <summary>
/// Reads sessions for every authenticated request, from memory for a few seconds (<see cref="SessionSettings.RecheckEvery"/>)
/// and from the front-end's database after that; a revocation in this process drops the memory at once.
/// </summary>
public sealed class SessionCache(IMemoryCache cache, IServiceScopeFactory scopes, IOptions<SessionSettings> options, TimeProvider clock)
{
    public async ValueTask<SessionState?> GetAsync(string sessionId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(Key(sessionId), out SessionState? cached))
            return cached;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WebDbContext>();
        var row = await db.Sessions.AsNoTracking()
            .Where(s => s.Id == sessionId)
            .Join(db.Users.AsNoTracking(), s => s.UserId, u => u.Id, (s, u) => new { Session = s, User = u })
            .FirstOrDefaultAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var state = row is null
            ? null
            : new SessionState(row.Session.Id, row.Session.TenantId, row.User.Username, EndedBecause(row.Session, row.User, now) is null,
                EndedBecause(row.Session, row.User, now), row.User.RoleList, row.User.Version);
        cache.Set(Key(sessionId), state, options.Value.RecheckEvery);
        return state;
    }

    public void Forget(IEnumerable<string> sessionIds)
    {
        foreach (var id in sessionIds)
            cache.Remove(Key(id));
    }

    /// <summary>For the access-token scheme: null when the token's session holds and its roles are the user's, else why not.</summary>
    public async ValueTask<string?> CheckAccessTokenAsync(HttpContext context, TokenClaims claims)
    {
        if (claims.SessionId is null)
            return "the token belongs to no session; obtain a new token";
        var state = await GetAsync(claims.SessionId, context.RequestAborted);
        if (state is null || state.TenantId != claims.Tenant || state.Username != claims.Subject)
            return "the token's session does not exist";
        if (!state.Active)
            return $"the token's session has ended ({state.EndedBecause}); sign in again";
        if (!state.Roles.ToHashSet().SetEquals(claims.Roles))
            return "the user's roles have changed; refresh the token";
        return null;
    }

    internal static string? EndedBecause(SessionRecord session, UserRecord user, DateTimeOffset now) =>
        user.Disabled ? "the user is disabled"
        : session.RevokedAt is not null ? session.RevokedReason ?? "revoked"
        : session.ExpiresAt <= now || session.EndsAt <= now ? "expired"
        : null;

    private static string Key(string sessionId) => "session:" + sessionId;
}

/// <summary>
/// Starting, refreshing and ending sessions (ADR 0011). Refresh tokens are "&lt;session id&gt;.&lt;secret&gt;"; only a
/// hash of the secret is stored, and each refresh replaces it. Presenting a replaced secret again means the token was
/// copied: the whole session is revoked.
/// </summary>
public sealed class Sessions(WebDbContext db, SessionCache cache, IOptions<SessionSettings> options, TimeProvider clock)
{
    public SessionSettings Settings => options.Value;

    public async Task<SessionRecord> StartBrowserAsync(UserRecord user, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var session = New(user, SessionKind.Browser, now, now + Settings.BrowserSessionLifetime, now + Settings.BrowserSessionLifetime);
        db.Sessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        return session;
    }

    public async Task<(SessionRecord Session, string RefreshToken)> StartApiAsync(UserRecord user, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var session = New(user, SessionKind.Api, now, now + Settings.RefreshIdleLifetime, now + Settings.ApiSessionLifetime);
        var refresh = NewRefreshSecret(session);
        db.Sessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        return (session, refresh);
    }

    public async Task<RefreshOutcome> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var dot = refreshToken.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
            return Refused("the refresh token is malformed");
        var (sessionId, secret) = (refreshToken[..dot], refreshToken[(dot + 1)..]);

        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        // The session stays locked until this refresh commits (PostgreSQL; SQLite has one writer anyway): the same refresh
        // token presented twice at once is honoured once, and the second is seen as a replay (docs/adr/0024).
        var session = await db.Sessions.Where(s => s.Id == sessionId && s.Kind == SessionKind.Api).ForUpdate().FirstOrDefaultAsync(cancellationToken);
        if (session is null)
            return Refused("the refresh token is not known");
        var user = await db.Users.FirstAsync(u => u.Id == session.UserId, cancellationToken);
        var now = clock.GetUtcNow();
        if (SessionCache.EndedBecause(session, user, now) is { } ended)
            return Refused($"the session has ended ({ended}); sign in again");
        if (session.RefreshHash is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(session.RefreshHash)))
        {
            session.RevokedAt = now;
            session.RevokedReason = "a replaced refresh token was presented again";
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            cache.Forget([session.Id]);
            return Refused("the refresh token was already used; the session is ended, sign in again");
        }

        var next = NewRefreshSecret(session);
        session.ExpiresAt = Min(now + Settings.RefreshIdleLifetime, session.EndsAt);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new RefreshOutcome(user, session.Id, next, null);
    }

    public async Task RevokeAsync(string sessionId, string reason, CancellationToken cancellationToken)
    {
        await using (var transaction = await db.BeginWriteAsync(cancellationToken))
        {
            await db.Sessions.Where(s => s.Id == sessionId && s.RevokedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, clock.GetUtcNow()).SetProperty(s => s.RevokedReason, reason), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        cache.Forget([sessionId]);
    }

    /// <summary>
    /// Revokes every session of the user but <paramref name="except"/>, inside the caller's open write transaction;
    /// call <see cref="SessionCache.Forget"/> with the result once it is committed.
    /// </summary>
    public async Task<IReadOnlyList<string>> RevokeUserSessionsAsync(Guid userId, string reason, string? except, CancellationToken cancellationToken)
    {
        var open = await db.Sessions.Where(s => s.UserId == userId && s.RevokedAt == null && s.Id != except).Select(s => s.Id).ToListAsync(cancellationToken);
        if (open.Count > 0)
            await db.Sessions.Where(s => open.Contains(s.Id))
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, clock.GetUtcNow()).SetProperty(s => s.RevokedReason, reason), cancellationToken);
        return open;
    }

    private static SessionRecord New(UserRecord user, SessionKind kind, DateTimeOffset now, DateTimeOffset expires, DateTimeOffset ends) => new()
    {
        Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        TenantId = user.TenantId,
        UserId = user.Id,
        Kind = kind,
        CreatedAt = now,
        ExpiresAt = expires,
        EndsAt = ends,
    };

    private static string NewRefreshSecret(SessionRecord session)
    {
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        session.RefreshHash = Hash(secret);
        return session.Id + "." + secret;
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static RefreshOutcome Refused(string reason) => new(null, null, null, reason);
}

/// <summary>Drops sessions and sign-in failure counts a day after they stopped mattering.</summary>
internal sealed class SessionCleanup(IServiceScopeFactory scopes, TimeProvider clock, ILogger<SessionCleanup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            var run = TesseraTelemetry.Job("web.session-cleanup");
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<WebDbContext>();
                var cutoff = clock.GetUtcNow().AddDays(-1);
                await using var transaction = await db.BeginWriteAsync(stoppingToken);
                var sessions = await db.Sessions.Where(s => s.ExpiresAt < cutoff || s.EndsAt < cutoff || s.RevokedAt < cutoff).ExecuteDeleteAsync(stoppingToken);
                var failures = await db.SignInFailures.Where(f => f.LastFailureAt < cutoff && (f.LockedUntil == null || f.LockedUntil < cutoff))
                    .ExecuteDeleteAsync(stoppingToken);
                await transaction.CommitAsync(stoppingToken);
                if (sessions + failures > 0)
                    logger.LogInformation("Removed {Sessions} ended sessions and {Failures} old sign-in failure counts", sessions, failures);
                run.Succeeded();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                run.Failed();
                logger.LogWarning(ex, "Session cleanup failed; will retry");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
