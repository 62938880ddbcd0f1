using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Security;

namespace Tessera.ServiceDefaults.Telemetry;

/// <summary>Settings of section "Tessera:Telemetry".</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Tessera:Telemetry";

    /// <summary>
    /// Where to send traces and metrics over OTLP (e.g. http://collector:4317). Unset: the standard
    /// OTEL_EXPORTER_OTLP_ENDPOINT variable decides; neither set, nothing is exported.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Share of new traces recorded (0..1); a trace begun elsewhere keeps the caller's decision.</summary>
    public double SampleRatio { get; set; } = 1.0;

    /// <summary>How many finished spans to keep in memory for GET /api/&lt;service&gt;/operations/traces/{id}; 0 keeps none.</summary>
    public int KeepSpans { get; set; }

    /// <summary>/metrics answers callers on this machine only unless this is set (a scraper on another host).</summary>
    public bool MetricsFromAnyAddress { get; set; }
}

/// <summary>
/// OpenTelemetry for every Tessera process: traces of incoming requests, outgoing HTTP calls and Tessera's own spans
/// (event publication and handling, continued across services through the envelope's traceparent); metrics of the
/// same plus Tessera's meter, scraped at /metrics in Prometheus' text format and pushed over OTLP when configured.
/// </summary>
public static class TelemetryRegistration
{
    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder AddTesseraTelemetry(this WebApplicationBuilder builder, string serviceName)
    {
        var settings = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        builder.Services.Configure<TelemetryOptions>(builder.Configuration.GetSection(TelemetryOptions.Section));
        // The standard OTEL_EXPORTER_OTLP_* variables configure the exporter themselves (protocol, headers); an endpoint
        // in Tessera's own section overrides theirs.
        var configured = settings.OtlpEndpoint is { Length: > 0 } endpoint ? new Uri(endpoint) : null;
        var exportOtlp = configured is not null || builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 };

        var errors = new RecentErrors { Service = serviceName };
        builder.Services.AddSingleton(errors);
        builder.Logging.AddProvider(new RecentErrorsLoggerProvider(errors));
        var spans = settings.KeepSpans > 0 ? new RecentSpans(settings.KeepSpans, serviceName) : null;
        if (spans is not null)
            builder.Services.AddSingleton(spans);

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceVersion: BuildInfo.Version,
                serviceInstanceId: $"{Environment.MachineName}:{Environment.ProcessId}"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(TesseraTelemetry.Name)
                    .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(Math.Clamp(settings.SampleRatio, 0, 1))))
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsPlumbing(context.Request.Path))
                    // A feed long-poll is plumbing that runs all the time; the events it carries are traced by their own spans.
                    .AddHttpClientInstrumentation(o => o.FilterHttpRequestMessage = request => request.RequestUri is not { } uri || !IsPlumbing(uri.AbsolutePath));
                if (exportOtlp)
                    tracing.AddOtlpExporter(o => o.Endpoint = configured ?? o.Endpoint);
                if (spans is not null)
                    tracing.AddInMemoryExporter(spans);
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(TesseraTelemetry.Name, "Tessera.*")
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddPrometheusExporter();
                if (exportOtlp)
                    metrics.AddOtlpExporter((o, reader) =>
                    {
                        o.Endpoint = configured ?? o.Endpoint;
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 15_000;
                    });
            });
        return builder;
    }

    /// <summary>Health probes, scrapes and the event feed: polled constantly, and nobody's business transaction.</summary>
    private static bool IsPlumbing(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/events");

    private static bool IsPlumbing(string path) => IsPlumbing(new PathString(path));

    /// <summary>
    /// /metrics of a back-end service, before authentication: a Prometheus scraper carries no Tessera token, and these
    /// ports are bound to 127.0.0.1 by the AppHost. It answers callers on this machine only unless
    /// <see cref="TelemetryOptions.MetricsFromAnyAddress"/> is set; others get a 404 as if it were not there.
    /// Any other process (the web front-end) holds the public port, where a reverse proxy on the same host would make
    /// every caller look local: it serves its metrics with <see cref="MapOperatorMetrics"/> instead.
    /// </summary>
    public static WebApplication UseMetricsEndpoint(this WebApplication app, string serviceName)
    {
        if (!ServiceCatalog.Contains(serviceName))
            return app;
        var anyAddress = app.Configuration.GetValue<bool>($"{TelemetryOptions.Section}:{nameof(TelemetryOptions.MetricsFromAnyAddress)}");
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            context => context.Request.Path == MetricsPath && (anyAddress || IsLocal(context.Connection.RemoteIpAddress)));
        return app;
    }

    /// <summary>/metrics on the public port: only for a caller whose token the policy accepts (an operator's), never anonymous.</summary>
    public static IEndpointConventionBuilder MapOperatorMetrics(this IEndpointRouteBuilder endpoints, Action<AuthorizationPolicyBuilder> policy) =>
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(policy).ExcludeFromDescription();

    private static bool IsLocal(IPAddress? address) => address is null || IPAddress.IsLoopback(address);

    /// <summary>Recent errors and, when kept, the spans of one trace: for operators and the web front-end's console.</summary>
    public static void MapOperationsTelemetry(this IEndpointRouteBuilder endpoints, string apiPrefix)
    {
        var group = endpoints.MapGroup(apiPrefix + "/operations").WithTags("Operations")
            .RequireAuthorization(p => p.RequireRole(Roles.Operator, Roles.Service));
        group.MapGet("/errors", (RecentErrors errors, int? limit) => TypedResults.Ok(errors.Latest(Math.Clamp(limit ?? 50, 1, 200))))
            .WithName("RecentErrors")
            .WithSummary("The errors this process logged lately, newest first, each with its trace id.");
        group.MapGet("/traces/{traceId}", (string traceId, IServiceProvider services) =>
                TypedResults.Ok(services.GetService<RecentSpans>()?.OfTrace(traceId.ToLowerInvariant()) ?? []))
            .WithName("TraceSpans")
            .WithSummary("The spans of one trace this process still keeps in memory (Tessera:Telemetry:KeepSpans; none when it is 0).");
    }
}
