using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Json;
using Tessera.Web.Data;

namespace Tessera.Web.Operations;

/// <summary>
/// One round of the console's checks: every service probed and its snapshot stored, the invariants when they are due,
/// the alerts brought up to date and the webhook's due deliveries sent. The page reads what a round stored.
/// </summary>
public sealed class ConsoleRound(
    WebDbContext db,
    ServiceProbe probe,
    InvariantSchedule invariants,
    AlertBook alerts,
    AlertWebhook webhook,
    IOptions<ConsoleOptions> console,
    IOptions<AlertOptions> alertOptions,
    TimeProvider clock)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var tenants = await TenantsAsync(cancellationToken);
        var snapshots = await RefreshAsync(ServiceCatalog.Names, tenants, cancellationToken);
        var last = await invariants.LastRunAsync(cancellationToken);
        if (last is null || clock.GetUtcNow() - last >= console.Value.InvariantInterval)
        {
            await invariants.RunAsync(tenants, snapshots, cancellationToken);
            await invariants.PruneAsync(console.Value.HistoryRetention, cancellationToken);
        }
        await alerts.ApplyAsync(alerts.Conditions(snapshots, await alerts.LatestRunsAsync(cancellationToken)), cancellationToken);
        await webhook.DeliverDueAsync(cancellationToken);
    }

    public Task<List<string>> TenantsAsync(CancellationToken cancellationToken) =>
        db.Tenants.AsNoTracking().OrderBy(t => t.Id).Select(t => t.Id).ToListAsync(cancellationToken);

    /// <summary>Probes the given services and stores what they said; the snapshots of all services come back.</summary>
    public async Task<IReadOnlyList<ServiceSnapshot>> RefreshAsync(IEnumerable<string> services, IReadOnlyList<string> tenants, CancellationToken cancellationToken)
    {
        var stored = await SnapshotsAsync(db, cancellationToken);
        var fresh = await Task.WhenAll(services.Select(s => probe.ProbeAsync(s, tenants, stored.GetValueOrDefault(s), alertOptions.Value, cancellationToken)));
        await using (var transaction = await db.BeginWriteAsync(cancellationToken))
        {
            // The round of the lease's holder and a replay on any instance's page store snapshots at once on PostgreSQL:
            // they take their turn, so a service's first snapshot is inserted once (docs/adr/0024).
            await db.LockAsync("operations:snapshots", cancellationToken);
            var rows = await db.ServiceSnapshots.ToDictionaryAsync(r => r.Service, cancellationToken);
            foreach (var snapshot in fresh)
            {
                if (!rows.TryGetValue(snapshot.Service, out var row))
                    db.ServiceSnapshots.Add(row = new ServiceSnapshotRecord { Service = snapshot.Service });
                row.TakenAt = snapshot.TakenAt;
                row.Body = JsonSerializer.Serialize(snapshot, TesseraJson.Options);
                stored[snapshot.Service] = snapshot;
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return ServiceCatalog.Names.Where(stored.ContainsKey).Select(s => stored[s]).ToList();
    }

    public static async Task<Dictionary<string, ServiceSnapshot>> SnapshotsAsync(WebDbContext db, CancellationToken cancellationToken) =>
        (await db.ServiceSnapshots.AsNoTracking().ToListAsync(cancellationToken))
        .ToDictionary(r => r.Service, r => JsonSerializer.Deserialize<ServiceSnapshot>(r.Body, TesseraJson.Options)!);
}

/// <summary>
/// Runs <see cref="ConsoleRound"/> every Tessera:Operations:CheckInterval in the one web instance that holds the
/// console's lease (ADR 0029); the others keep trying to take it, so one of them carries on when the holder stops.
/// </summary>
public sealed class ConsoleMonitor(IServiceScopeFactory scopes, IOptions<ConsoleOptions> options, ILogger<ConsoleMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
            return;
        var lease = settings.CheckInterval * 3 > TimeSpan.FromSeconds(30) ? settings.CheckInterval * 3 : TimeSpan.FromSeconds(30);
        using var timer = new PeriodicTimer(settings.CheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    if (await scope.ServiceProvider.GetRequiredService<ConsoleLease>().TryHoldAsync(lease, stoppingToken))
                        await scope.ServiceProvider.GetRequiredService<ConsoleRound>().RunAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogError(ex, "A round of the operations console's checks failed; the next one runs in {Interval}", settings.CheckInterval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await using var last = scopes.CreateAsyncScope();
        try
        {
            await last.ServiceProvider.GetRequiredService<ConsoleLease>().ReleaseAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.Data.Common.DbException or ObjectDisposedException)
        {
            logger.LogWarning(ex, "Could not hand back the operations console's lease; another instance takes it when it expires");
        }
    }
}
