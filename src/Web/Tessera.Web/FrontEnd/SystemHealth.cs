using System.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults;
using Tessera.ServiceDefaults.Hosting;

namespace Tessera.Web.FrontEnd;

/// <summary>
/// The public /health/ready is the whole system's: besides the front-end's own database, one entry per service behind
/// it, each asked for its own readiness. A service that is down makes the answer 503, naming it.
/// </summary>
public static class SystemHealth
{
    public const string Client = "system-health";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public static IServiceCollection AddSystemHealth(this IServiceCollection services)
    {
        // No retries and a short timeout: a health answer that waits for a dead service is no answer.
        services.AddHttpClient(Client, c => c.Timeout = Timeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5) });
        var checks = services.AddHealthChecks();
        foreach (var service in ServiceCatalog.Names)
            checks.Add(new HealthCheckRegistration(service, sp => new ServiceReadyCheck(service, sp.GetRequiredService<IHttpClientFactory>(),
                sp.GetRequiredService<IOptionsMonitor<TesseraOptions>>()), HealthStatus.Unhealthy, [HealthTags.Dependency], Timeout + TimeSpan.FromSeconds(1)));
        return services;
    }

    private sealed class ServiceReadyCheck(string service, IHttpClientFactory clients, IOptionsMonitor<TesseraOptions> options) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                using var response = await clients.CreateClient(Client).GetAsync(new Uri(options.CurrentValue.ServiceUri(service), "/health/self"), cancellationToken);
                return response.StatusCode == HttpStatusCode.OK
                    ? HealthCheckResult.Healthy($"{service} is ready.")
                    : HealthCheckResult.Unhealthy($"{service} is not ready (it answered {(int)response.StatusCode}).");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy($"{service} is not answering.");
            }
        }
    }
}
