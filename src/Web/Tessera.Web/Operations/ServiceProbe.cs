using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Tessera.Messaging.Api;
using Tessera.Messaging.Transport;
using Tessera.Reporting.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Http;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Telemetry;

namespace Tessera.Web.Operations;

/// <summary>
/// Asks one service everything the console shows about it: each instance's health, version and uptime, the AppHost's
/// count of its restarts, the feeds it reads, its inbox and parked messages per tenant, and its latest errors.
/// </summary>
public sealed class ServiceProbe(IHttpClientFactory clients, ConsoleIdentity identity, IOptionsMonitor<TesseraOptions> options, TimeProvider clock)
{
    public const string InstanceClient = "operations-instances";
    private const int ErrorsShown = 20;

    /// <summary>The service whose own alerts (failed reconciliations, late data) the console takes over.</summary>
    public const string ReportingService = "reporting";

    public async Task<ServiceSnapshot> ProbeAsync(string service, IReadOnlyList<string> tenants, ServiceSnapshot? previous, AlertOptions alerts,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var instances = Task.WhenAll(options.CurrentValue.ServiceAddresses(service).Select(a => InstanceAsync(a, cancellationToken)));
        var supervisor = Supervisor(service, previous?.Supervisor, now, alerts.RestartLoopWindow);
        var client = clients.CreateClient(ServiceClientRegistration.NamedClient(service));
        string? problem = null;
        var subscriptions = new List<SubscriptionSnapshot>();
        var inboxes = new List<TenantInbox>();
        var parked = new List<ParkedSnapshot>();
        var own = new List<ServiceAlert>();
        IReadOnlyList<RecentErrorDto> errors = previous?.Errors ?? [];
        try
        {
            foreach (var tenant in tenants)
            {
                var status = await GetAsync<MessagingStatusDto>(client, $"/api/{service}/messaging/status", tenant, cancellationToken);
                inboxes.Add(new TenantInbox(tenant, status.Pending, status.Retrying, status.Parked));
                if (subscriptions.Count == 0)
                    subscriptions.AddRange(status.Subscriptions.Select(s => Waiting(s, previous, now)));
                if (status.Parked > 0)
                {
                    var page = await GetAsync<PagedResult<InboxMessageDto>>(client, $"/api/{service}/messaging/parked?pageSize=100", tenant, cancellationToken);
                    parked.AddRange(page.Items.Select(m => new ParkedSnapshot(tenant, m.Id, m.Producer, m.Type, m.AggregateId, m.Attempts, m.LastError, m.ParkedAt)));
                }
                if (service == ReportingService)
                    own.AddRange((await GetAsync<List<AlertDto>>(client, "/api/reporting/alerts", tenant, cancellationToken))
                        .Select(a => new ServiceAlert(tenant, a.Kind, a.Subject, a.Message, a.RaisedAt)));
            }
            if (tenants.Count > 0)
                errors = await GetAsync<List<RecentErrorDto>>(client, $"/api/{service}/operations/errors?limit={ErrorsShown}", tenants[0], cancellationToken);
        }
        catch (Exception ex) when (ex is DependencyUnavailableException or InvalidOperationException or HttpRequestException or JsonException)
        {
            problem = ex is DependencyUnavailableException ? "Not answering." : ex.Message;
            // What it last said about its feeds stays, so that a service that is down does not look caught up.
            subscriptions = previous?.Subscriptions.ToList() ?? [];
            inboxes = previous?.Inboxes.ToList() ?? [];
            parked = previous?.Parked.ToList() ?? [];
            own = previous?.Alerts.ToList() ?? [];
        }
        return new ServiceSnapshot(service, now, await instances, supervisor, subscriptions, inboxes, parked, errors, own, problem);
    }

    private async Task<T> GetAsync<T>(HttpClient client, string path, string tenant, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", identity.ForChecks(tenant));
        using var response = await client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        return (await response.Content.ReadFromJsonAsync<T>(TesseraJson.Options, cancellationToken))!;
    }

    /// <summary>
    /// Remembers the newest outbox row the subscriber had not taken and when it was first seen; the mark stays until
    /// the subscriber's checkpoint passes it (I10).
    /// </summary>
    private static SubscriptionSnapshot Waiting(SubscriptionState s, ServiceSnapshot? previous, DateTimeOffset now)
    {
        var before = previous?.Subscriptions.FirstOrDefault(p => p.Producer == s.Producer);
        (long? Position, DateTimeOffset? Since) mark = s.Checkpoint >= s.Head
            ? (null, null)
            : before is { WaitingPosition: { } waiting } && s.Checkpoint < waiting
                ? (waiting, before.WaitingSince)
                : (s.Head, now);
        var (position, since) = mark;
        return new SubscriptionSnapshot(s.Producer, s.Checkpoint, s.Head, s.Lag, s.LastSuccessAt, s.LastError, s.FailingSince, position, since);
    }

    private async Task<InstanceSnapshot> InstanceAsync(Uri address, CancellationToken cancellationToken)
    {
        var url = address.ToString().TrimEnd('/');
        try
        {
            using var response = await clients.CreateClient(InstanceClient).GetAsync(new Uri(address, "/health/ready"), cancellationToken);
            var health = await response.Content.ReadFromJsonAsync<HealthAnswer>(TesseraJson.Options, cancellationToken);
            var detail = string.Join(" ", health?.Checks?.Select(c => c.Description).Where(d => !string.IsNullOrEmpty(d)).Distinct() ?? []);
            return new InstanceSnapshot(url, response.IsSuccessStatusCode, detail, health?.Version, health?.StartedAt, health?.UptimeSeconds, health?.Pid);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new InstanceSnapshot(url, false, "Not answering.", null, null, null, null);
        }
    }

    /// <summary>The AppHost's word on the service, when this installation runs under one (run/apphost.json in the data folder).</summary>
    private SupervisorSnapshot? Supervisor(string service, SupervisorSnapshot? previous, DateTimeOffset now, TimeSpan window)
    {
        var path = Path.Combine(options.CurrentValue.ResolveDataDir(), "run", "apphost.json");
        AppHostFile? file;
        try
        {
            if (!File.Exists(path))
                return null;
            file = JsonSerializer.Deserialize<AppHostFile>(File.ReadAllText(path), TesseraJson.Options);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return previous;
        }
        var entry = file?.Services?.FirstOrDefault(s => string.Equals(s.Name, service, StringComparison.OrdinalIgnoreCase));
        if (entry is null)
            return null;
        var seen = (previous?.RestartsSeen ?? []).Where(t => now - t <= window).ToList();
        // Each restart the console did not see before counts as seen now: the window holds the restarts of its length.
        for (var i = previous?.Restarts ?? entry.Restarts; i < entry.Restarts; i++)
            seen.Add(now);
        return new SupervisorSnapshot(entry.State ?? "", entry.Restarts, seen);
    }

    private sealed record HealthAnswer(string? Status, string? Version, DateTimeOffset? StartedAt, long? UptimeSeconds, int? Pid, List<HealthCheckAnswer>? Checks);

    private sealed record HealthCheckAnswer(string? Name, string? Status, string? Description);

    private sealed record AppHostFile(List<AppHostService>? Services);

    private sealed record AppHostService(string Name, string? State, int Restarts);
}
