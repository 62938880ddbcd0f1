using System.Diagnostics;
using Microsoft.Extensions.Options;
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
/// When every instance has been tried and none answered — the service is restarting (the AppHost brings a crashed
/// service back within seconds) or being replaced — a request that may be sent again is held and tried again for up to
/// <see cref="GatewayOptions.HoldWhileUnavailable"/> instead of failing at once; only then is the caller told, with a
/// 503 naming the service. What may not be sent twice (a plain POST that reached a service which died before answering)
/// is answered 503 at once, as before.
/// </summary>
public static class AnotherInstance
{
    /// <summary>Attempts at most in one round over the instances, however many a service has.</summary>
    public const int MaxAttempts = 3;

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    private static readonly HashSet<string> Idempotent = new(StringComparer.OrdinalIgnoreCase)
    {
        HttpMethods.Get, HttpMethods.Head, HttpMethods.Options, HttpMethods.Put, HttpMethods.Delete,
    };

    /// <summary>YARP's pipeline step before an instance is picked: each attempt goes through load balancing and the passive health check again.</summary>
    public static async Task RetryAsync(HttpContext context, RequestDelegate next)
    {
        var proxy = context.GetReverseProxyFeature();
        var hold = context.RequestServices.GetRequiredService<IOptionsMonitor<GatewayOptions>>().CurrentValue.HoldWhileUnavailable;
        var started = Stopwatch.GetTimestamp();
        var pause = FirstPause;
        var candidates = proxy.AvailableDestinations;
        var tried = new List<DestinationState>();
        for (var attempt = 1; ; attempt++)
        {
            await next(context);
            if (proxy.ProxiedDestination is { } destination)
                tried.Add(destination);
            var untried = candidates.Where(d => !tried.Contains(d)).ToList();
            if (attempt < MaxAttempts && untried.Count > 0 && MaySendAgain(context))
            {
                Reset(context, proxy, untried);
                continue;
            }

            if (!Unreachable(context) || Stopwatch.GetElapsedTime(started) + pause > hold)
                return;
            try
            {
                await Task.Delay(pause, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return; // the caller went away; the failure already recorded stands
            }
            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            (attempt, candidates) = (0, proxy.AllDestinations);
            tried.Clear();
            Reset(context, proxy, candidates);
        }
    }

    private static void Reset(HttpContext context, IReverseProxyFeature proxy, IReadOnlyList<DestinationState> destinations)
    {
        context.Features.Set<IForwarderErrorFeature>(null);
        context.Response.StatusCode = StatusCodes.Status200OK;
        if (context.Request.Body.CanSeek)
            context.Request.Body.Position = 0;
        proxy.AvailableDestinations = destinations;
        proxy.ProxiedDestination = null;
    }

    /// <summary>
    /// The last attempt got no answer and may be sent again: no instance was listening (nothing was sent), or the call is
    /// one a service answers the same when it comes twice — so it may wait for the service to come back.
    /// </summary>
    private static bool Unreachable(HttpContext context) => !context.RequestAborted.IsCancellationRequested && MaySendAgain(context);

    private static bool HasBody(HttpContext context) => context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0;

    private static bool MaySendAgain(HttpContext context)
    {
        if (context.Features.Get<IForwarderErrorFeature>() is not { Error: ForwarderError.Request } failure || context.Response.HasStarted)
            return false;
        if (HasBody(context) && !context.Request.Body.CanSeek)
            return false;
        var neverReached = failure.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError };
        return neverReached || Idempotent.Contains(context.Request.Method) || context.Request.Headers.ContainsKey(IdempotentRequests.HeaderName);
    }
}
