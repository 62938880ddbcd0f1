using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

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
        // YARP logs every forwarded URL at Information, query string included, and a search may hold a phone number.
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(ForwardedRoute.ForwardAsync);
            // A retry of idempotent requests while a service restarts belongs here, around the choice of an instance: a
            // JSON body is buffered by then (ForwardedRoute.ReplaceBody), so it can be sent again.
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
