using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults.Data.Backup;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Idempotency;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.OpenApi;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Telemetry;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// What every Tessera service shares: JSON logs with trace ids, problem details, request timeouts, graceful shutdown,
    /// the signed internal token on every endpoint, the tenant context, health checks and an OpenAPI document.
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        FilePermissions.OwnerOnlyFromNowOn();
        // Last, so its addresses win over the environment the process was started with; reloaded when the AppHost rewrites it.
        if (builder.Configuration[$"{TesseraOptions.Section}:{nameof(TesseraOptions.ServicesFile)}"] is { Length: > 0 } servicesFile)
            builder.Configuration.AddJsonFile(servicesFile, optional: true, reloadOnChange: true);
        if (builder.Configuration[$"{TesseraOptions.Section}:{nameof(TesseraOptions.ListenHandles)}"] is { Length: > 0 } listenHandles)
            HandedListenSockets.Use(builder, listenHandles);
        builder.Services.Configure<TesseraOptions>(builder.Configuration.GetSection(TesseraOptions.Section));
        // Nothing in an answer needs to say which web server produced it.
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.AddServerHeader = false);
        builder.Services.PostConfigure<TesseraOptions>(o => o.ServiceName = serviceName);

        builder.AddJsonLogging();
        builder.AddTesseraTelemetry(serviceName);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
        builder.Services.AddHostedService<ParentProcessWatcher>();
        builder.Services.AddSingleton<Standby>();
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
        });
        builder.Services.AddExceptionHandler<ExceptionToProblem>();
        builder.Services.ConfigureHttpJsonOptions(o => TesseraJson.ConfigureInput(o.SerializerOptions));
        // A body or parameter the framework cannot bind throws, so that ExceptionToProblem can name the field and what it
        // expects instead of the framework's bare 400.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddRequestTimeouts(o => o.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = TimeSpan.FromSeconds(30),
            TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
        });
        builder.Services.AddTesseraOpenApi();
        builder.Services.AddHealthChecks().AddCheck("process", () => HealthCheckResult.Healthy(), tags: ["live"]);
        builder.Services.AddHttpContextAccessor();

        // Everything that depends on configuration is resolved lazily: test hosts apply their settings at build time.
        builder.Services.AddSingleton(sp => SecretStore.ForDataDir(sp.GetRequiredService<IOptions<TesseraOptions>>().Value.ResolveDataDir()));
        builder.Services.AddKeyedSingleton(TokenAudiences.Internal, (sp, _) => new SignedTokenCodec(
            InternalSigningKeys(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<SecretStore>()), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<ServiceTokenProvider>();
        builder.Services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<TokenAuthenticationOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, o =>
            {
                o.Audience = TokenAudiences.Internal;
                o.CodecKey = TokenAudiences.Internal;
            });
        builder.Services.AddAuthorization(o =>
        {
            // Every endpoint needs a valid token unless it says otherwise (health and the OpenAPI document do).
            o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        });
        builder.Services.AddScoped<TenantContext>();
        builder.Services.AddScoped<ITenantContext>(sp => sp.GetRequiredService<TenantContext>());
        builder.Services.AddSingleton<IdempotentRequests>();
        return builder;
    }

    /// <summary>The signing keys shared by the web front-end and the services: from configuration when deployed, else the data folder.</summary>
    public static IReadOnlyList<byte[]> InternalSigningKeys(IConfiguration configuration, SecretStore secrets)
    {
        var configured = configuration["Tessera:Security:InternalTokenKeys"];
        return string.IsNullOrWhiteSpace(configured)
            ? [secrets.GetOrCreateKey("internal-token")]
            : configured.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Convert.FromBase64String).ToArray();
    }

    public static WebApplicationBuilder AddJsonLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            o.JsonWriterOptions = new JsonWriterOptions { Indented = false };
        });
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        // Framework categories print full URLs (a query string may hold a phone number) and per-request chatter;
        // RequestLogging writes one line per request with the route template instead.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        return builder;
    }

    private const string UnsupportedMediaType = "expected application/json for this request's body.";

    /// <summary>The middleware every service runs, in order.</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseMetricsEndpoint(app.Services.GetRequiredService<IOptions<TesseraOptions>>().Value.ServiceName);
        app.UseExceptionHandler();
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var status = http.Response.StatusCode;
            var title = ReasonPhrases.GetReasonPhrase(status);
            if (http.RequestServices.GetService<IHtmlErrorPage>() is { } page && page.Handles(http))
            {
                await page.WriteAsync(http, status, title, status switch
                {
                    404 => "There is no page at this address.",
                    400 => "The request could not be accepted; the form may have expired. Go back, reload the page and try again.",
                    405 => "This address does not accept that kind of request.",
                    _ => "The request could not be completed.",
                });
                return;
            }
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = status == StatusCodes.Status415UnsupportedMediaType
                    ? new HttpValidationProblemDetails(new Dictionary<string, string[]> { ["Content-Type"] = [UnsupportedMediaType] })
                    {
                        Status = status, Title = title, Detail = "Content-Type: " + UnsupportedMediaType,
                    }
                    : new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title },
            });
        });
        app.UseMiddleware<RequestLogging>();
        app.UseRouting();
        app.UseRequestTimeouts();
        app.UseAuthentication();
        app.Use(async (context, next) =>
        {
            var tenant = context.User.FindFirst(TesseraClaims.Tenant)?.Value;
            if (tenant is not null && tenant != TesseraClaims.AnyTenant)
                context.RequestServices.GetRequiredService<TenantContext>().Set(tenant);
            await next(context);
        });
        app.UseAuthorization();
        return app;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains("live"), ResponseWriter = WriteHealth })
            .AllowAnonymous().DisableRequestTimeout();
        // /health/self: this process and its database. /health/ready adds what it depends on (the web front-end's is
        // every service behind it), so that a probe of the public port says whether the whole system is ready.
        app.MapHealthChecks("/health/self", new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthTags.Ready), ResponseWriter = WriteHealth })
            .AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(HealthTags.Ready) || c.Tags.Contains(HealthTags.Dependency),
            ResponseWriter = WriteHealth,
        }).AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        var api = "/api/" + app.Services.GetRequiredService<IOptions<TesseraOptions>>().Value.ServiceName;
        app.MapOperationsTelemetry(api);
        if (app.Services.GetService<DatabaseSnapshots>() is not null)
            app.MapBackupEndpoints(api);
        return app;
    }

    private static Task WriteHealth(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var options = context.RequestServices.GetRequiredService<IOptionsMonitor<TesseraOptions>>().CurrentValue;
        return context.Response.WriteAsJsonAsync(new
        {
            service = options.ServiceName,
            status = report.Status.ToString(),
            version = BuildInfo.Version,
            startedAt = BuildInfo.StartedAt,
            uptimeSeconds = (long)BuildInfo.Uptime.TotalSeconds,
            pid = Environment.ProcessId,
            servicesGeneration = options.ServicesGeneration,
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
    }
}

public static class HealthTags
{
    /// <summary>A check of the process itself (its database, its migrations).</summary>
    public const string Ready = "ready";

    /// <summary>A check of another process this one needs (reported by /health/ready, not /health/self).</summary>
    public const string Dependency = "dependency";
}

/// <summary>One log line per request with the route template, never the raw query string (it may hold personal data).</summary>
internal sealed class RequestLogging(RequestDelegate next, ILogger<RequestLogging> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var route = (context.GetEndpoint() as Microsoft.AspNetCore.Routing.RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
            var level = context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/events")
                ? LogLevel.Debug
                : LogLevel.Information;
            logger.Log(level, "HTTP {Method} {Route} answered {Status} in {ElapsedMs:0.0} ms",
                context.Request.Method, route, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}
