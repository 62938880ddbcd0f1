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

/// <summary>What the operations page asks every service: is it ready, how far behind are its feeds, what did it park.</summary>
public sealed class OperationsApi(IHttpClientFactory clients)
{
    public static IReadOnlyList<string> Services => ServiceCatalog.Names;

    /// <summary>The services that own invariants (blueprint section 7) and check them at GET /api/&lt;service&gt;/consistency.</summary>
    public static IReadOnlyList<string> Checked => ServiceCatalog.WithInvariants;

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

    public async Task<MessagingStatusDto> StatusAsync(string service, CancellationToken cancellationToken) =>
        (await Client(service).GetFromJsonAsync<MessagingStatusDto>($"/api/{service}/messaging/status", TesseraJson.Options, cancellationToken))!;

    public async Task<PagedResult<InboxMessageDto>> ParkedAsync(string service, CancellationToken cancellationToken) =>
        (await Client(service).GetFromJsonAsync<PagedResult<InboxMessageDto>>($"/api/{service}/messaging/parked?pageSize=100", TesseraJson.Options, cancellationToken))!;

    public async Task<ConsistencyReportDto> ConsistencyAsync(string service, CancellationToken cancellationToken) =>
        (await Client(service).GetFromJsonAsync<ConsistencyReportDto>($"/api/{service}/consistency", TesseraJson.Options, cancellationToken))!;

    public async Task<ApiResult<InboxMessageDto>> ResolveAsync(string service, Guid id, bool replay, CancellationToken cancellationToken) =>
        await ApiResult<InboxMessageDto>.ReadAsync(
            await Client(service).PostAsync($"/api/{service}/messaging/parked/{id}/{(replay ? "replay" : "discard")}", null, cancellationToken), cancellationToken);
}
