using System.Collections.Concurrent;
using Tessera.ServiceDefaults.Security;

namespace Tessera.Web.Operations;

/// <summary>
/// The tokens the console calls the services with. The scheduled checks act as the installation's operator for each
/// tenant in turn (the services' invariants, inboxes and parked messages are per tenant); a replay or discard from the
/// page acts as the operator who pressed it, in the tenant of the message.
/// </summary>
public sealed class ConsoleIdentity([FromKeyedServices(TokenAudiences.Internal)] SignedTokenCodec codec, TimeProvider clock)
{
    public const string Actor = "svc:web/operations";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private static readonly string[] CheckRoles = [Roles.Service, Roles.Operator];
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset RenewAt)> _cache = new();

    public string ForChecks(string tenant)
    {
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(tenant, out var cached) && cached.RenewAt > now)
            return cached.Token;
        var token = codec.Issue(Actor, tenant, CheckRoles, TokenAudiences.Internal, Lifetime);
        _cache[tenant] = (token, now + Lifetime - TimeSpan.FromMinutes(1));
        return token;
    }

    public string ForOperator(string actor, string tenant) =>
        codec.Issue(actor, tenant, [Roles.Operator], TokenAudiences.Internal, TimeSpan.FromMinutes(1));
}
