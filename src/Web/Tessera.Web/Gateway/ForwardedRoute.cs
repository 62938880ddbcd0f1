using Microsoft.AspNetCore.Mvc;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Tessera.Web.Gateway;

/// <summary>
/// A kind of route the gateway forwards through YARP: the public API (<see cref="ServiceApi"/>) or the carriers'
/// tracking webhook (<see cref="TrackingWebhooks"/>). Each says which routes it has, what it refuses before any service
/// is asked, how the request to the service is made (path, credentials, headers), and what the caller is told when
/// the service does not answer. YARP does the rest: picking an instance, forwarding, and cutting the caller's
/// connection when a service dies half-way through its answer (the status line is out by then, so a broken answer is
/// the only honest one: never a short body that reads as whole).
/// </summary>
public abstract class ForwardedRoute
{
    private const string KindKey = "Tessera.Gateway.Route";

    public static readonly IReadOnlyList<ForwardedRoute> All = [new ServiceApi(), new TrackingWebhooks()];

    /// <summary>Names the kind in its routes' metadata, so that a request finds its kind again.</summary>
    protected abstract string Kind { get; }

    /// <summary>The routes of this kind to the services that have an address (their cluster ids).</summary>
    public abstract IEnumerable<RouteConfig> Routes(IReadOnlyCollection<string> services);

    /// <summary>Refuses what must not reach the service, answering the caller itself; true to forward.</summary>
    protected abstract Task<bool> AdmitAsync(HttpContext context, string service);

    /// <summary>The request to the service and which headers pass each way.</summary>
    protected abstract void AddTransforms(TransformBuilderContext transforms);

    /// <summary>Answers a request that failed before anything was sent to the caller.</summary>
    protected abstract Task FailedAsync(HttpContext context, string service, ForwarderError error);

    protected RouteConfig Route(string id, string cluster, string path) => new()
    {
        RouteId = id,
        ClusterId = cluster,
        Match = new RouteMatch { Path = path },
        // A forwarded call is bounded by the cluster's activity timeout (GatewayOptions), which a long upload within its
        // own deadline does not trip; the server-wide request timeout would cut it and answer 400 instead of 504.
        TimeoutPolicy = "Disable",
        Metadata = new Dictionary<string, string> { [KindKey] = Kind },
    };

    private static ForwardedRoute Of(RouteConfig route) => All.Single(kind => kind.Kind == route.Metadata![KindKey]);

    /// <summary>The gateway's step in YARP's pipeline, before an instance is picked.</summary>
    public static async Task ForwardAsync(HttpContext context, RequestDelegate next)
    {
        var route = context.GetReverseProxyFeature().Route.Config;
        var kind = Of(route);
        if (!await kind.AdmitAsync(context, route.ClusterId!))
            return;
        await next(context);
        if (context.Features.Get<IForwarderErrorFeature>() is { } failure && !context.Response.HasStarted)
            await kind.FailedAsync(context, route.ClusterId!, failure.Error);
    }

    public static void ApplyTransforms(TransformBuilderContext transforms) => Of(transforms.Route).AddTransforms(transforms);

    /// <summary>Whether the service failed to answer (false: it was too slow), or null when the caller went away or its body broke.</summary>
    protected static bool? Unavailable(ForwarderError error) => error switch
    {
        ForwarderError.RequestTimedOut => false,
        ForwarderError.NoAvailableDestinations or ForwarderError.Request or ForwarderError.RequestBodyDestination
            or ForwarderError.ResponseHeaders or ForwarderError.ResponseBodyDestination => true,
        _ => null,
    };

    /// <summary>Forwards a body read whole at the gateway: announced with its length, and readable again for a retry.</summary>
    protected static void ReplaceBody(HttpContext context, byte[] body)
    {
        context.Request.Body = new MemoryStream(body, writable: false);
        context.Request.Headers.Remove("Transfer-Encoding");
        context.Request.ContentLength = body.Length;
    }

    protected static Task WriteProblem(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}
