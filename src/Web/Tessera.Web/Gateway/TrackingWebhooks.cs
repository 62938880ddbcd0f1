using System.Text.RegularExpressions;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Tessera.ServiceDefaults.Http;
using Tessera.ServiceDefaults.Security;
using Tessera.Web.Identity;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Tessera.Web.Gateway;
public sealed class TrackingWebhookOptions
{
    public const string Section = "Tessera:Webhooks";

    /// <summary>Calls a carrier may send at once, per tenant, carrier and address.</summary>
    public int Burst { get; set; } = 100;

    /// <summary>Sustained calls per second, per tenant, carrier and address.</summary>
    public int PerSecond { get; set; } = 50;
}

/// <summary>
/// The public entry point of carriers' tracking webhooks (docs/tracking-webhook.md):
/// POST /api/webhooks/{tenant}/tracking/{carrierCode}, anonymous — carriers hold no Tessera account; what vouches for
/// a call is its X-Tessera-Signature, which only the logistics service can check, as only it holds the carrier's
/// secret. So this forwards the body byte for byte with the signature to POST /api/logistics/tracking/{carrierCode},
/// authenticated as the web front-end's service identity for that tenant, and answers what logistics answered. Nothing
/// else is anonymous under /api: this route only. Rate limited per tenant, carrier and address; bodies over 256 KB are
/// refused before anything is forwarded; a logistics that is down is a 503 with Retry-After, which carriers retry.
/// </summary>
public sealed partial class TrackingWebhooks : ForwardedRoute
{
    public const string Path = "/api/webhooks/{tenant}/tracking/{carrierCode}";
    public const string SignatureHeader = "X-Tessera-Signature";
    public const string RateLimit = "tracking-webhook";
    public const int MaxBodyBytes = 256 * 1024;
    private const string Logistics = "logistics";

    protected override string Kind => "tracking-webhook";

    public override IEnumerable<RouteConfig> Routes(IReadOnlyCollection<string> services) =>
        services.Contains(Logistics)
            ? [Route("tracking-webhook", Logistics, Path) with
            {
                Match = new RouteMatch { Path = Path, Methods = [HttpMethods.Post] },
                AuthorizationPolicy = "Anonymous",
                RateLimiterPolicy = RateLimit,
            }]
            : [];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$")]
    private static partial Regex CarrierCode();

    protected override async Task<bool> AdmitAsync(HttpContext context, string service)
    {
        var tenant = context.Request.RouteValues["tenant"] as string ?? "";
        var carrierCode = context.Request.RouteValues["carrierCode"] as string ?? "";
        if (!Regex.IsMatch(tenant, Accounts.TenantPattern) || !CarrierCode().IsMatch(carrierCode)
            || !await context.RequestServices.GetRequiredService<Accounts>().TenantExistsAsync(tenant, context.RequestAborted))
        {
            await WriteProblem(context, StatusCodes.Status404NotFound, "No such webhook",
                "Check the address Tessera gave you: /api/webhooks/{tenant}/tracking/{carrier code}.");
            return false;
        }
        var body = await context.Request.ReadUpToAsync(MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            await WriteProblem(context, StatusCodes.Status413PayloadTooLarge, "The body is too large",
                $"A tracking call is at most {MaxBodyBytes / 1024} KB; send the events in several calls.");
            return false;
        }
        ReplaceBody(context, body);
        return true;
    }

    /// <summary>
    /// Logistics hears only the body, its type, the signature and who sent it; the carrier hears only the status, the
    /// type, Retry-After and the body of the answer.
    /// </summary>
    protected override void AddTransforms(TransformBuilderContext transforms)
    {
        transforms.CopyRequestHeaders = false;
        transforms.CopyResponseHeaders = false;
        transforms.UseDefaultForwarders = false;
        transforms.AddXForwardedFor();
        transforms.AddRequestTransform(request =>
        {
            var context = request.HttpContext;
            var proxied = request.ProxyRequest;
            var carrierCode = (string)context.Request.RouteValues["carrierCode"]!;
            proxied.RequestUri = new Uri($"{request.DestinationPrefix.TrimEnd('/')}/api/logistics/tracking/{Uri.EscapeDataString(carrierCode)}");
            if (proxied.Content is { } content)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType ?? "application/json");
                content.Headers.ContentLength = context.Request.ContentLength;
            }
            if (context.Request.Headers.TryGetValue(SignatureHeader, out var signature))
                proxied.Headers.TryAddWithoutValidation(SignatureHeader, signature.ToString());
            var tokens = context.RequestServices.GetRequiredService<ServiceTokenProvider>();
            proxied.Headers.Authorization = new("Bearer", tokens.GetToken((string)context.Request.RouteValues["tenant"]!));
            return ValueTask.CompletedTask;
        });
        transforms.AddResponseTransform(response =>
        {
            if (response.ProxyResponse is { } answer)
            {
                if (answer.Content.Headers.ContentType is { } contentType)
                    response.HttpContext.Response.ContentType = contentType.ToString();
                if (answer.Headers.RetryAfter is { } retryAfter)
                    response.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString();
            }
            return ValueTask.CompletedTask;
        });
    }

    protected override Task FailedAsync(HttpContext context, string service, ForwarderError error)
    {
        switch (Unavailable(error))
        {
            case true:
                context.Response.Headers.RetryAfter = "30";
                return WriteProblem(context, StatusCodes.Status503ServiceUnavailable, "Logistics is unavailable",
                    "Tracking updates cannot be taken right now; send them again later. Nothing was recorded.");
            case false:
                context.Response.Headers.RetryAfter = "30";
                return WriteProblem(context, StatusCodes.Status504GatewayTimeout, "Logistics took too long",
                    "Send the updates again later; events already taken are recognized by their event id.");
            default:
                return Task.CompletedTask;
        }
    }

    /// <summary>
    /// Anonymous callers are told apart by tenant, carrier and address, so a misbehaving integration of one tenant
    /// cannot use up another's allowance. Refusals are 429 problems with Retry-After, like the rest of the gateway's.
    /// </summary>
    public sealed class Limit : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => static async (context, _) =>
        {
            var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
            context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteProblem(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
                "This carrier sent more tracking calls than allowed. Wait for the time in Retry-After and send them again.");
        };

        public RateLimitPartition<string> GetPartition(HttpContext httpContext)
        {
            var route = httpContext.Request.RouteValues;
            var key = $"webhook:{route["tenant"]}:{route["carrierCode"]}:{httpContext.Connection.RemoteIpAddress}";
            return RateLimitPartition.GetTokenBucketLimiter(key, _ =>
            {
                var settings = httpContext.RequestServices.GetRequiredService<IConfiguration>().GetSection(TrackingWebhookOptions.Section)
                    .Get<TrackingWebhookOptions>() ?? new TrackingWebhookOptions();
                return new TokenBucketRateLimiterOptions
                {
                    TokenLimit = settings.Burst,
                    TokensPerPeriod = settings.PerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                };
            });
        }
    }
}
