using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults.Hosting;

namespace Tessera.ServiceDefaults.Security;

/// <summary>Mints this service's own identity tokens for background calls to other services; cached until near expiry.</summary>
public sealed class ServiceTokenProvider(
    [FromKeyedServices(TokenAudiences.Internal)] SignedTokenCodec codec,
    IOptions<TesseraOptions> options,
    TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset RenewAt)> _cache = new();

    public string GetToken(string? tenant = null)
    {
        var key = tenant ?? TesseraClaims.AnyTenant;
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && cached.RenewAt > now)
            return cached.Token;

        var token = codec.Issue("svc:" + options.Value.ServiceName, key, [Roles.Service], TokenAudiences.Internal, Lifetime);
        _cache[key] = (token, now + Lifetime - TimeSpan.FromMinutes(1));
        return token;
    }
}
