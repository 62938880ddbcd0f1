using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Tessera.ServiceDefaults.Security;

namespace Tessera.Web.Gateway;

public sealed class RateLimitOptions
{
    public const string Section = "Tessera:RateLimit";

    /// <summary>Burst a client may send at once.</summary>
    public int ApiBurst { get; set; } = 400;

    /// <summary>Sustained requests per second per client.</summary>
    public int ApiPerSecond { get; set; } = 200;

    /// <summary>Sign-in attempts per minute per address.</summary>
    public int SignInPerMinute { get; set; } = 30;
}

/// <summary>
/// Per-client limits: an authenticated client is its tenant and user (so one noisy integration cannot starve the
/// rest), an anonymous one its address. Refusals are 429 problem details with Retry-After.
/// </summary>
public static class RateLimits
{
    public const string Api = "api";
    public const string SignIn = "sign-in";

    public static IServiceCollection AddGatewayRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RateLimitOptions>(configuration.GetSection(RateLimitOptions.Section));
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = "This client sent more requests than allowed. Wait for the time in Retry-After and try again.",
                    },
                });
            };
            options.AddPolicy(Api, context => RateLimitPartition.GetTokenBucketLimiter(ClientKey(context), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = Settings(context).ApiBurst,
                TokensPerPeriod = Settings(context).ApiPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
            options.AddPolicy<string, TrackingWebhooks.Limit>(TrackingWebhooks.RateLimit);
            options.AddPolicy(SignIn, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = Settings(context).SignInPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
        });
        return services;
    }

    private static RateLimitOptions Settings(HttpContext context) =>
        context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<RateLimitOptions>>().Value;

    private static string ClientKey(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true
            ? $"{context.User.FindFirst(TesseraClaims.Tenant)?.Value}/{context.User.Actor()}"
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
