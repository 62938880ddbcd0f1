using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.ServiceDefaults.Http;

/// <summary>
/// Authenticates calls to other services: inside a request it forwards the caller's own short-lived token, so the callee
/// authorizes the real user; in background work it sends this service's identity token for the ambient tenant.
/// </summary>
public sealed class ServiceAuthenticationHandler(IHttpContextAccessor accessor, ServiceTokenProvider tokens) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is null)
        {
            var callerToken = accessor.HttpContext is { } http ? TokenAuthenticationHandler.ReadBearer(http.Request) : null;
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
                callerToken ?? tokens.GetToken(AmbientTenant.Current));
        }
        return base.SendAsync(request, cancellationToken);
    }
}
