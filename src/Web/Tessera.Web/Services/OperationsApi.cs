using System.Net.Http.Json;
using System.Text.Json;
using Tessera.Messaging.Api;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Http;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Web.Services;

public sealed record ServiceHealth(string Service, bool Ready, string Detail);

/// <summary>What the pages ask every service directly: is it ready (the dashboard), and resolving a parked message (the operations console).</summary>
public sealed class OperationsApi(IHttpClientFactory clients)
{
    public static IReadOnlyList<string> Services => ServiceCatalog.Names;

    private HttpClient Client(string service) =>
        Services.Contains(service) ? clients.CreateClient(ServiceClientRegistration.NamedClient(service)) : throw new ArgumentOutOfRangeException(nameof(service));

    public async Task<ServiceHealth> HealthAsync(string service, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Client(service).GetAsync("/health/ready", cancellationToken);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            // A service with two databases reports the same sentence twice: say each thing once.
            var checks = body.TryGetProperty("checks", out var c)
                ? string.Join(" ", c.EnumerateArray().Select(x => x.GetProperty("description").GetString()).Where(d => !string.IsNullOrEmpty(d)).Distinct())
                : "";
            return new ServiceHealth(service, response.IsSuccessStatusCode, checks);
        }
        catch (DependencyUnavailableException)
        {
            return new ServiceHealth(service, false, "Not answering.");
        }
    }

    /// <param name="token">The operator's, in the tenant of the message (<see cref="Operations.ConsoleIdentity.ForOperator"/>).</param>
    public async Task<ApiResult<InboxMessageDto>> ResolveAsync(string service, Guid id, bool replay, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/{service}/messaging/parked/{id}/{(replay ? "replay" : "discard")}");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return await ApiResult<InboxMessageDto>.ReadAsync(await Client(service).SendAsync(request, cancellationToken), cancellationToken);
    }
}
