using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.ServiceDefaults.Http;

/// <summary>
/// Authenticates calls to other services. Inside a request it acts as the caller: a fresh internal token with the
/// caller's user, tenant and roles (whether the caller came with a token or a browser session), so the callee
/// authorizes the real user. In background work it sends this service's identity token for the ambient tenant.
/// </summary>
public sealed class ServiceAuthenticationHandler(
    IHttpContextAccessor accessor,
    ServiceTokenProvider tokens,
    [FromKeyedServices(TokenAudiences.Internal)] SignedTokenCodec codec) : DelegatingHandler
{
    private static readonly TimeSpan CallerTokenLifetime = TimeSpan.FromMinutes(1);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", CallerToken() ?? tokens.GetToken(AmbientTenant.Current));
        return base.SendAsync(request, cancellationToken);
    }

    private string? CallerToken()
    {
        var user = accessor.HttpContext?.User;
        var tenant = user?.FindFirst(TesseraClaims.Tenant)?.Value;
        if (user?.Identity?.IsAuthenticated != true || tenant is null)
            return null;
        return codec.Issue(user.Actor(), tenant, user.FindAll(TesseraClaims.Role).Select(r => r.Value), TokenAudiences.Internal, CallerTokenLifetime);
    }
}
