using Tessera.ServiceDefaults.Idempotency;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Tessera.Web.Gateway;

/// <summary>
/// Sends a request again to another instance of the same service when the one picked could not be talked to, so that
/// an instance stopping (a deploy, a crash) is not seen by callers while the health checks catch up. Only what may be
/// sent twice is: a request that never reached the instance (the connection was refused), or one whose method is
/// idempotent or that carries an Idempotency-Key (the services answer a repeat with the first answer). The body must
/// be one the gateway holds whole; a streamed upload is never sent twice. A service that is merely slow is not retried:
/// its 504 stands, as a second instance would only be loaded with the same work.
/// </summary>
public static class AnotherInstance
{
    /// <summary>Attempts at most, however many instances a service has.</summary>
    public const int MaxAttempts = 3;

    private static readonly HashSet<string> Idempotent = new(StringComparer.OrdinalIgnoreCase)
    {
        HttpMethods.Get, HttpMethods.Head, HttpMethods.Options, HttpMethods.Put, HttpMethods.Delete,
    };

    /// <summary>YARP's pipeline step before an instance is picked: each attempt goes through load balancing and the passive health check again.</summary>
    public static async Task RetryAsync(HttpContext context, RequestDelegate next)
    {
        var proxy = context.GetReverseProxyFeature();
        var candidates = proxy.AvailableDestinations;
        var tried = new List<DestinationState>();
        for (var attempt = 1; ; attempt++)
        {
            await next(context);
            if (proxy.ProxiedDestination is { } destination)
                tried.Add(destination);
            var untried = candidates.Where(d => !tried.Contains(d)).ToList();
            if (attempt >= MaxAttempts || untried.Count == 0 || !MaySendAgain(context))
                return;

            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.StatusCode = StatusCodes.Status200OK;
            if (context.Request.Body.CanSeek)
                context.Request.Body.Position = 0;
            proxy.AvailableDestinations = untried;
            proxy.ProxiedDestination = null;
        }
    }

    private static bool MaySendAgain(HttpContext context)
    {
        if (context.Features.Get<IForwarderErrorFeature>() is not { Error: ForwarderError.Request } failure || context.Response.HasStarted)
            return false;
        var hasBody = context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0;
        if (hasBody && !context.Request.Body.CanSeek)
            return false;
        var neverReached = failure.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError };
        return neverReached || Idempotent.Contains(context.Request.Method) || context.Request.Headers.ContainsKey(IdempotentRequests.HeaderName);
    }
}
