using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults.Http;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Security;
using Tessera.Web.Identity;

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
public static partial class TrackingWebhooks
{
    public const string Route = "/api/webhooks/{tenant}/tracking/{carrierCode}";
    public const string SignatureHeader = "X-Tessera-Signature";
    public const int MaxBodyBytes = 256 * 1024;

    public static WebApplication MapTrackingWebhooks(this WebApplication app)
    {
        app.MapPost(Route, ForwardAsync)
            .AllowAnonymous()
            .RequireRateLimiting(new Limit())
            .DisableAntiforgery()
            .ExcludeFromDescription();
        return app;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$")]
    private static partial Regex CarrierCode();

    private static async Task ForwardAsync(
        HttpContext context, string tenant, string carrierCode, Accounts accounts, IHttpClientFactory clients, ServiceTokenProvider tokens,
        IOptions<TesseraOptions> options, ILoggerFactory logs)
    {
        if (!Regex.IsMatch(tenant, Accounts.TenantPattern) || !CarrierCode().IsMatch(carrierCode)
            || !await accounts.TenantExistsAsync(tenant, context.RequestAborted))
        {
            await WriteProblem(context, StatusCodes.Status404NotFound, "No such webhook",
                "Check the address Tessera gave you: /api/webhooks/{tenant}/tracking/{carrier code}.");
            return;
        }
        var body = await context.Request.ReadUpToAsync(MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            await WriteProblem(context, StatusCodes.Status413PayloadTooLarge, "The body is too large",
                $"A tracking call is at most {MaxBodyBytes / 1024} KB; send the events in several calls.");
            return;
        }
        if (!options.Value.Services.TryGetValue("logistics", out var baseUrl))
            throw new InvalidOperationException("No URL is configured for service 'logistics'. Set Tessera:Services:logistics.");

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(baseUrl), $"/api/logistics/tracking/{Uri.EscapeDataString(carrierCode)}"))
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType ?? "application/json");
        if (context.Request.Headers.TryGetValue(SignatureHeader, out var signature))
            request.Headers.TryAddWithoutValidation(SignatureHeader, signature.ToString());
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetToken(tenant));
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", context.Connection.RemoteIpAddress?.ToString());

        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(ServiceForwarder.ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException ex)
        {
            logs.CreateLogger(typeof(TrackingWebhooks).FullName!).LogWarning("Logistics did not answer a tracking webhook: {Error}", ex.Message);
            context.Response.Headers.RetryAfter = "30";
            await WriteProblem(context, StatusCodes.Status503ServiceUnavailable, "Logistics is unavailable",
                "Tracking updates cannot be taken right now; send them again later. Nothing was recorded.");
            return;
        }
        catch (TaskCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            context.Response.Headers.RetryAfter = "30";
            await WriteProblem(context, StatusCodes.Status504GatewayTimeout, "Logistics took too long",
                "Send the updates again later; events already taken are recognized by their event id.");
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            if (response.Content.Headers.ContentType is { } contentType)
                context.Response.ContentType = contentType.ToString();
            if (response.Headers.RetryAfter is { } retryAfter)
                context.Response.Headers.RetryAfter = retryAfter.ToString();
            if (response.StatusCode != HttpStatusCode.NoContent)
                await ServiceForwarder.CopyBodyAsync(context, response, "logistics", logs.CreateLogger(typeof(TrackingWebhooks).FullName!));
        }
    }

    private static Task WriteProblem(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).AsTask();
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
