using System.Net.Http.Headers;
using Tessera.ServiceDefaults.Http;
using Tessera.ServiceDefaults.Security;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Tessera.Web.Gateway;

/// <summary>
/// /api/&lt;service&gt;/… forwarded to that service unchanged, and nothing outside it. Bodies are taken within their
/// limits (<see cref="BodyLimit"/>) before the service is asked. The caller's access token was validated here; the
/// service receives a fresh internal token (one minute) carrying the same user, tenant and roles, never the client's own
/// token or cookies. A service that does not answer yields 503 naming it, so the client (and the UI) can say exactly
/// what is down.
/// </summary>
public sealed class ServiceApi : ForwardedRoute
{
    private static readonly TimeSpan InternalTokenLifetime = TimeSpan.FromMinutes(1);
    private static readonly Uri Neutral = new("http://service.invalid/");

    /// <summary>
    /// Content headers the service never sees (besides the hop-by-hop ones YARP drops, Cookie, and Authorization, which
    /// is replaced): no service decodes a Content-Encoding, so the body limit measures what the service reads.
    /// </summary>
    private static readonly string[] WithheldContentHeaders = ["Content-Encoding", "Content-Language"];

    protected override string Kind => "api";

    public override IEnumerable<RouteConfig> Routes(IReadOnlyCollection<string> services) =>
        services.Select(service => Route("api-" + service, service, $"/api/{service}/{{**rest}}") with { RateLimiterPolicy = RateLimits.Api });

    /// <summary>/api/&lt;name&gt;/… where no service of that name has an address.</summary>
    public static Task NoSuchApiAsync(HttpContext context, string service) =>
        WriteProblem(context, StatusCodes.Status404NotFound, "No such API", $"There is no service '{service}' behind /api/{service}.");

    protected override async Task<bool> AdmitAsync(HttpContext context, string service)
    {
        if (!StaysUnder(context, service))
        {
            await WriteProblem(context, StatusCodes.Status400BadRequest, "The address is not valid",
                $"Only the API of {service} is reachable here: /api/{service}/….");
            return false;
        }
        if (context.Request.ContentLength is not > 0 && context.Request.Headers.TransferEncoding.Count == 0)
            return true;

        var limit = BodyLimit.For(context.Request);
        if (context.Request.ContentLength > limit.MaxBytes)
        {
            await Refuse(context, BodyRefusal.TooLarge(limit));
            return false;
        }
        limit.AllowOn(context);
        if (limit.Streamed)
        {
            var guarded = new GuardedBody(context.Request.Body, limit, context.RequestAborted);
            context.Response.RegisterForDispose(guarded);
            context.Request.Body = guarded;
            return true;
        }
        var (body, refusal) = await ReadWholeAsync(context, limit);
        if (refusal is not null)
        {
            await Refuse(context, refusal);
            return false;
        }
        ReplaceBody(context, body!);
        return true;
    }

    protected override void AddTransforms(TransformBuilderContext transforms)
    {
        transforms.UseDefaultForwarders = false;
        transforms.AddXForwardedFor();
        transforms.AddRequestTransform(request =>
        {
            var context = request.HttpContext;
            var proxied = request.ProxyRequest;
            proxied.RequestUri = new Uri(request.DestinationPrefix.TrimEnd('/') + RawTarget(context));
            proxied.Headers.Remove("Cookie");
            foreach (var header in WithheldContentHeaders)
                proxied.Content?.Headers.Remove(header);
            var user = context.User;
            var codec = context.RequestServices.GetRequiredKeyedService<SignedTokenCodec>(TokenAudiences.Internal);
            proxied.Headers.Authorization = new AuthenticationHeaderValue("Bearer", codec.Issue(
                user.Actor(), user.FindFirst(TesseraClaims.Tenant)!.Value,
                user.FindAll(TesseraClaims.Role).Select(r => r.Value), TokenAudiences.Internal, InternalTokenLifetime));
            return ValueTask.CompletedTask;
        });
        transforms.AddResponseTransform(response =>
        {
            response.HttpContext.Response.Headers.Remove("Server");
            return ValueTask.CompletedTask;
        });
    }

    protected override Task FailedAsync(HttpContext context, string service, ForwarderError error)
    {
        if (context.Request.Body is GuardedBody { Refusal: { } refusal })
            return Refuse(context, refusal);
        var title = char.ToUpperInvariant(service[0]) + service[1..];
        switch (Unavailable(error))
        {
            case true:
                context.Response.Headers.RetryAfter = "5";
                return WriteProblem(context, StatusCodes.Status503ServiceUnavailable, $"{title} is unavailable",
                    $"{title} is not answering right now; retrying shortly will work once it is back. Other parts of Tessera keep working.");
            case false:
                return WriteProblem(context, StatusCodes.Status504GatewayTimeout, $"{title} took too long", "Try again in a moment.");
            default:
                return Task.CompletedTask;
        }
    }

    /// <summary>The path and query exactly as the client sent them: the path guard has refused any that could be read as another path.</summary>
    private static string RawTarget(HttpContext context) => PathGuard.RawPath(context) + context.Request.QueryString.Value;

    /// <summary>Whether the raw target, resolved as a service would, stays under /api/&lt;service&gt; (never /openapi, /health or /events).</summary>
    internal static bool StaysUnder(HttpContext context, string service)
    {
        var target = new Uri(Neutral, RawTarget(context));
        var path = Uri.UnescapeDataString(target.AbsolutePath);
        var prefix = "/api/" + service;
        var underPrefix = path.Equals(prefix, StringComparison.OrdinalIgnoreCase) || path.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase);
        return underPrefix && target.Authority == Neutral.Authority && target.Scheme == Neutral.Scheme;
    }

    /// <summary>Reads a JSON body whole, within its limit and deadline, before the service is bothered with it.</summary>
    private static async Task<(byte[]? Body, BodyRefusal? Refusal)> ReadWholeAsync(HttpContext context, BodyLimit limit)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(limit.Deadline);
        try
        {
            var body = await context.Request.ReadUpToAsync(limit.MaxBytes, deadline.Token);
            return body is null ? (null, BodyRefusal.TooLarge(limit)) : (body, null);
        }
        catch (BadHttpRequestException ex) when (BodyRefusal.From(ex, limit) is { } refusal)
        {
            return (null, refusal);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            return (null, BodyRefusal.TooSlow(limit));
        }
    }

    private static Task Refuse(HttpContext context, BodyRefusal refusal) => WriteProblem(context, refusal.Status, refusal.Title, refusal.Detail);
}
