using Yarp.ReverseProxy.Configuration;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;

namespace Tessera.Web.Gateway;

/// <summary>
/// The public API: /api/&lt;service&gt;/… and the carriers' tracking webhook, forwarded by YARP to the instances of each
/// service (<see cref="ServiceRoutes"/>), with the gateway's own rules around it (<see cref="ForwardedRoute"/>) and
/// per-client rate limits.
/// </summary>
public static class GatewayModule
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        // Every body is small unless its route says otherwise (BodyLimit.Routes, the import page's RequestSizeLimit).
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = BodyLimit.JsonBytes);
        builder.Services.AddGatewayRateLimits(builder.Configuration);
        builder.Services.Configure<GatewayOptions>(builder.Configuration.GetSection(GatewayOptions.Section));
        builder.Services.AddReverseProxy().AddTransforms(ForwardedRoute.ApplyTransforms);
        builder.Services.AddSingleton<IProxyConfigProvider, ServiceRoutes>();
        builder.Services.AddSingleton<IForwarderHttpClientFactory, ServiceClientFactory>();
        // An instance taken out for failing calls is given another chance after this long (the active check keeps out
        // one that is still down); YARP never reactivates sooner than its detection window, so both follow the setting.
        builder.Services.AddOptions<TransportFailureRateHealthPolicyOptions>()
            .Configure<IOptions<GatewayOptions>>((policy, gateway) => policy.DetectionWindowSize = gateway.Value.PassiveReactivationPeriod);
        // YARP logs every forwarded URL at Information, query string included, and a search may hold a phone number.
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(ForwardedRoute.ForwardAsync);
            // Around the choice of an instance, so that a second attempt goes elsewhere; a JSON body is held whole by then
            // (ForwardedRoute.ReplaceBody), so it can be sent again.
            proxy.Use(AnotherInstance.RetryAsync);
            proxy.Use(WarmingUp.ReadsOnlyAsync);
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        app.Map("/api/{service}/{**rest}", ServiceApi.NoSuchApiAsync)
            .RequireRateLimiting(RateLimits.Api)
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>The connections to the services: a service that cannot be reached is known within seconds, and a new address behind a name is picked up.</summary>
    private sealed class ServiceClientFactory(ILogger<ForwarderHttpClientFactory> logger) : ForwarderHttpClientFactory(logger)
    {
        protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
        {
            base.ConfigureHandler(context, handler);
            handler.ConnectTimeout = TimeSpan.FromSeconds(3);
            handler.PooledConnectionLifetime = TimeSpan.FromMinutes(2);
        }
    }
}
