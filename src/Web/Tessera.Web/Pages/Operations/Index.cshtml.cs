using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Messaging.Api;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Telemetry;
using Tessera.Web.Data;
using Tessera.Web.FrontEnd;
using Tessera.Web.Operations;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Operations;

public sealed record ServiceCard(string Service, ServiceSnapshot? Snapshot, ApiProblem? Problem);

/// <summary>One invariant of one service for one tenant: its latest result and the runs before it, newest first.</summary>
public sealed record InvariantRow(InvariantRunRecord Latest, IReadOnlyList<InvariantRunRecord> History);

/// <summary>What the console shows, all of it read from what the scheduled checks stored: a visit asks no service.</summary>
public sealed record ConsoleView(
    IReadOnlyList<ServiceCard> Cards, IReadOnlyList<AlertRecord> Alerts, IReadOnlyList<RecentErrorDto> Errors, DateTimeOffset? CheckedAt,
    TimeSpan CheckInterval, bool WebhookConfigured);

/// <summary>
/// The operations console, for the installation's operators: every service and instance, the feeds' lag, parked
/// messages to replay or discard, the invariants' history, recent errors with their trace ids, and the alerts.
/// </summary>
public sealed class IndexModel(
    WebDbContext db, OperationsApi operations, ConsoleIdentity identity, IServiceProvider services, IOptions<ConsoleOptions> console, IOptions<AlertOptions> alerts)
    : PageModel
{
    private const int HistoryShown = 10;
    private const int ErrorsShown = 30;
    private const int ClearedShown = 20;

    public ConsoleView View { get; private set; } = null!;
    public IReadOnlyList<InvariantRow> Invariants { get; private set; } = [];
    public TimeSpan InvariantInterval => console.Value.InvariantInterval;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        View = await LoadAsync(null, null, cancellationToken);
        Invariants = await InvariantsAsync(cancellationToken);
    }

    /// <summary>The part of the page that follows the checks, polled by the page.</summary>
    public async Task<IActionResult> OnGetLiveAsync(CancellationToken cancellationToken) => Partial("_Live", await LoadAsync(null, null, cancellationToken));

    public async Task<IActionResult> OnGetInvariantsAsync(CancellationToken cancellationToken) => Partial("_Invariants", await InvariantsAsync(cancellationToken));

    /// <summary>"Check now": the invariants run at once instead of at their next turn, and go into their history like any run.</summary>
    public async Task<IActionResult> OnPostCheckAsync(CancellationToken cancellationToken)
    {
        var round = services.GetRequiredService<ConsoleRound>();
        var snapshots = (await ConsoleRound.SnapshotsAsync(db, cancellationToken)).Values.ToList();
        await services.GetRequiredService<InvariantSchedule>().RunAsync(await round.TenantsAsync(cancellationToken), snapshots, cancellationToken);
        return Partial("_Invariants", await InvariantsAsync(cancellationToken));
    }

    public Task<IActionResult> OnPostReplayAsync(string service, string tenant, Guid id, CancellationToken cancellationToken) =>
        ResolveAsync(service, tenant, id, replay: true, cancellationToken);

    public Task<IActionResult> OnPostDiscardAsync(string service, string tenant, Guid id, CancellationToken cancellationToken) =>
        ResolveAsync(service, tenant, id, replay: false, cancellationToken);

    private async Task<IActionResult> ResolveAsync(string service, string tenant, Guid id, bool replay, CancellationToken cancellationToken)
    {
        if (!ServiceCatalog.Contains(service) || !await db.Tenants.AnyAsync(t => t.Id == tenant, cancellationToken))
            return NotFound();
        var result = await Section<ApiResult<InboxMessageDto>>.LoadAsync(
            () => operations.ResolveAsync(service, id, replay, identity.ForOperator(User.Actor(), tenant), cancellationToken), "");
        var problem = !result.IsUp ? ProblemExtensions.Local($"{result.Down!.Title} is unavailable; nothing changed.") : result.Value!.Problem;
        // The card shows the service as it is now, not as the last round saw it.
        var round = services.GetRequiredService<ConsoleRound>();
        await round.RefreshAsync([service], await round.TenantsAsync(cancellationToken), cancellationToken);
        var view = await LoadAsync(service, problem, cancellationToken);
        return Partial("_ServiceCard", view.Cards.Single(c => c.Service == service));
    }

    private async Task<ConsoleView> LoadAsync(string? service, ApiProblem? problem, CancellationToken cancellationToken)
    {
        var snapshots = await ConsoleRound.SnapshotsAsync(db, cancellationToken);
        var cards = ServiceCatalog.Names.Select(s => new ServiceCard(s, snapshots.GetValueOrDefault(s), s == service ? problem : null)).ToList();
        var open = await db.Alerts.AsNoTracking().Where(a => a.ClearedAt == null).OrderByDescending(a => a.Id).ToListAsync(cancellationToken);
        var cleared = await db.Alerts.AsNoTracking().Where(a => a.ClearedAt != null).OrderByDescending(a => a.ClearedAt).Take(ClearedShown).ToListAsync(cancellationToken);
        var errors = snapshots.Values.SelectMany(s => s.Errors).OrderByDescending(e => e.At).Take(ErrorsShown).ToList();
        var checkedAt = snapshots.Count == 0 ? (DateTimeOffset?)null : snapshots.Values.Max(s => s.TakenAt);
        return new ConsoleView(cards, [.. open, .. cleared], errors, checkedAt, console.Value.CheckInterval, alerts.Value.Webhook is not null);
    }

    private async Task<IReadOnlyList<InvariantRow>> InvariantsAsync(CancellationToken cancellationToken)
    {
        var latest = await services.GetRequiredService<AlertBook>().LatestRunsAsync(cancellationToken);
        var recent = await db.InvariantRuns.AsNoTracking().OrderByDescending(r => r.Id).Take(2000).ToListAsync(cancellationToken);
        return latest
            .OrderBy(r => r.Holds).ThenBy(r => r.Invariant.Length).ThenBy(r => r.Invariant).ThenBy(r => r.Service).ThenBy(r => r.TenantId)
            .Select(r => new InvariantRow(r, recent.Where(h => h.Service == r.Service && h.TenantId == r.TenantId && h.Invariant == r.Invariant)
                .Take(HistoryShown).ToList()))
            .ToList();
    }
}
