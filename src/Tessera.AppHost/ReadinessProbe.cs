using System.Net;
using System.Text.Json;

namespace Tessera.AppHost;

internal readonly record struct ProbeResult(bool IsReady, string Detail);

/// <summary>
/// Asks a service whether it is ready itself: GET /health/self must answer 200. (The web front-end's /health/ready is
/// the whole system's; the AppHost watches each process on its own.)
/// </summary>
internal sealed class ReadinessProbe : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);

    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        // The services are on this machine: an HTTP(S)_PROXY from the environment must not be used for them.
        UseProxy = false,
        // A restarted child listens on the same port; do not keep connections to the old process around for long.
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
    })
    {
        Timeout = RequestTimeout,
    };

    public async Task<ProbeResult> CheckAsync(string baseUrl, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(baseUrl + "/health/self", cancellationToken);
            return response.StatusCode == HttpStatusCode.OK
                ? new ProbeResult(true, "ready")
                : new ProbeResult(false, $"/health/self answered {(int)response.StatusCode}");
        }
        catch (HttpRequestException ex)
        {
            // "Connection refused" is the normal answer until Kestrel listens; the caller keeps the detail for its report.
            return new ProbeResult(false, ex.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProbeResult(false, $"/health/self did not answer within {RequestTimeout.TotalSeconds:0} s");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new ProbeResult(false, "the AppHost is stopping");
        }
    }

    /// <summary>Which generation of run/services.json the process at <paramref name="baseUrl"/> has applied; null when it does not say.</summary>
    public async Task<long?> ServicesGenerationAsync(string baseUrl, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(baseUrl + "/health/self", cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var health = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            return health.RootElement.TryGetProperty("servicesGeneration", out var generation) && generation.TryGetInt64(out var value) ? value : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
