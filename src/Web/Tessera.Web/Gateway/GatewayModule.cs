namespace Tessera.Web.Gateway;

/// <summary>The public API: /api/&lt;service&gt;/… forwarded to the service, per-client rate limits.</summary>
public static class GatewayModule
{
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder)
    {
        // Every body is small unless its route says otherwise (BodyLimit.Routes, the import page's RequestSizeLimit).
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = BodyLimit.JsonBytes);
        builder.Services.AddGatewayRateLimits(builder.Configuration);
        builder.Services.AddHttpClient(ServiceForwarder.ClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                UseCookies = false,
                AllowAutoRedirect = false,
                UseProxy = false,
                ConnectTimeout = TimeSpan.FromSeconds(3),
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            })
            .ConfigureHttpClient(c => c.Timeout = TimeSpan.FromSeconds(60));
        builder.Services.AddSingleton<ServiceForwarder>();
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.MapTrackingWebhooks();
        app.Map("/api/{service}/{**rest}", (HttpContext context, string service, ServiceForwarder forwarder) => forwarder.ForwardAsync(context, service))
            .RequireRateLimiting(RateLimits.Api)
            .ExcludeFromDescription();
        return app;
    }
}
