using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Http;
using Tessera.ServiceDefaults.Json;
using Tessera.Web.Data;

namespace Tessera.Web.Operations;

/// <summary>What one round of invariant checks found for one service and tenant: the report, or why there is none.</summary>
public sealed record InvariantCheck(string Service, string Tenant, ConsistencyReportDto? Report, string? Problem);

/// <summary>
/// Runs the invariants I1–I9 of every service that owns some (GET /api/&lt;service&gt;/consistency, per tenant) and I10
/// from the feeds the console watches, and keeps each result as history with the first record that breaks it.
/// </summary>
public sealed class InvariantSchedule(
    IHttpClientFactory clients, ConsoleIdentity identity, WebDbContext db, IOptions<AlertOptions> alerts, TimeProvider clock)
{
    /// <summary>I10 is the installation's, not a tenant's: the feeds between services carry every tenant's events.</summary>
    public const string Installation = "*";

    public const string OutboxInvariant = "I10";
    public const string MessagingService = "messaging";

    public async Task<DateTimeOffset?> LastRunAsync(CancellationToken cancellationToken) =>
        await db.InvariantRuns.AsNoTracking().OrderByDescending(r => r.RunAt).Select(r => (DateTimeOffset?)r.RunAt).FirstOrDefaultAsync(cancellationToken);

    public async Task<IReadOnlyList<InvariantCheck>> RunAsync(IReadOnlyList<string> tenants, IReadOnlyList<ServiceSnapshot> snapshots, CancellationToken cancellationToken)
    {
        var checks = await Task.WhenAll(ServiceCatalog.WithInvariants.SelectMany(service => tenants.Select(tenant => CheckAsync(service, tenant, cancellationToken))));
        var now = clock.GetUtcNow();
        foreach (var check in checks.Where(c => c.Report is not null))
            foreach (var invariant in check.Report!.Invariants)
                db.InvariantRuns.Add(Record(now, check.Service, check.Tenant, invariant));
        var outbox = OutboxDeadlines(snapshots, now);
        db.InvariantRuns.Add(Record(now, MessagingService, Installation, outbox));
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return [.. checks, new InvariantCheck(MessagingService, Installation, new ConsistencyReportDto(MessagingService, now, outbox.Holds, [outbox]), null)];
    }

    private async Task<InvariantCheck> CheckAsync(string service, string tenant, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/{service}/consistency");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", identity.ForChecks(tenant));
        try
        {
            using var response = await clients.CreateClient(ServiceClientRegistration.NamedClient(service)).SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
                return new InvariantCheck(service, tenant, null, $"{service} answered {(int)response.StatusCode}.");
            return new InvariantCheck(service, tenant, await response.Content.ReadFromJsonAsync<ConsistencyReportDto>(TesseraJson.Options, cancellationToken), null);
        }
        catch (DependencyUnavailableException)
        {
            return new InvariantCheck(service, tenant, null, "Not answering.");
        }
    }

    /// <summary>I10: no outbox row is left untaken by a subscriber past the deadline, judged from the marks the checks keep.</summary>
    private InvariantResultDto OutboxDeadlines(IReadOnlyList<ServiceSnapshot> snapshots, DateTimeOffset now)
    {
        var deadline = alerts.Value.OutboxDeadline;
        var feeds = snapshots.SelectMany(s => s.Subscriptions.Select(f => (Subscriber: s.Service, Feed: f))).ToList();
        var late = feeds.Where(x => x.Feed.WaitingSince is { } since && now - since > deadline)
            .Select(x => new InvariantViolationDto($"{x.Feed.Producer} → {x.Subscriber}", string.Create(CultureInfo.InvariantCulture,
                $"event {x.Feed.WaitingPosition} of {x.Feed.Producer}'s outbox waiting since {x.Feed.WaitingSince:u}; {x.Subscriber} has read up to {x.Feed.Checkpoint}")))
            .ToList();
        return new InvariantResultDto(OutboxInvariant,
            string.Create(CultureInfo.InvariantCulture, $"No outbox event waits for a subscriber longer than {deadline.TotalMinutes:0.#} min."),
            late.Count == 0, feeds.Count, late.Count, late);
    }

    private static InvariantRunRecord Record(DateTimeOffset at, string service, string tenant, InvariantResultDto invariant) => new()
    {
        RunAt = at,
        Service = service,
        TenantId = tenant,
        Invariant = invariant.Id,
        Description = invariant.Description,
        Holds = invariant.Holds,
        Checked = invariant.Checked,
        ViolationCount = invariant.ViolationCount,
        FirstKey = invariant.Violations.FirstOrDefault()?.Key,
        FirstDetail = invariant.Violations.FirstOrDefault()?.Detail,
    };

    public async Task PruneAsync(TimeSpan retention, CancellationToken cancellationToken)
    {
        var before = (clock.GetUtcNow() - retention).UtcTicks;
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        await db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM invariant_runs WHERE run_at < {before}", cancellationToken);
        await db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM operations_alerts WHERE cleared_at < {before}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
