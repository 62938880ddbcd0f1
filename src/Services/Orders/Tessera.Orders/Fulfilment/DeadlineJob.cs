using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.Orders.Domain;
using Tessera.ServiceDefaults.Telemetry;
using Tessera.ServiceDefaults.Tenancy;
using Tessera.ServiceDefaults.Hosting;

namespace Tessera.Orders.Fulfilment;

/// <summary>
/// Watches the fulfilment deadlines: a request not dispatched within its service level's time, a shipment not
/// delivered within its time after dispatch. Each passed deadline raises its alert once (an alert row and a timeline
/// entry, in one transaction); the step it waited for clears it. Driven by the service's TimeProvider, so a test can
/// move time; restart-safe because what was raised is in the database, not in memory.
/// </summary>
internal sealed class DeadlineJob(Standby standby, IServiceScopeFactory scopes, IOptions<FulfilmentOptions> options, TimeProvider clock, ILogger<DeadlineJob> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await standby.UntilActiveAsync(stoppingToken))
            return;
        // Off the start-up path: the first query builds the model, which must not hold up the service getting ready.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var run = TesseraTelemetry.Job("orders.deadlines");
            try
            {
                while (await RaiseDueAlertsAsync(stoppingToken) >= options.Value.BatchSize)
                {
                }
                run.Succeeded();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                run.Failed();
                logger.LogError(ex, "Checking fulfilment deadlines failed; will retry");
            }
            await Task.Delay(options.Value.CheckInterval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Raises the alerts of one batch of orders with a passed deadline; returns how many orders it looked at.</summary>
    internal async Task<int> RaiseDueAlertsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var batch = options.Value.BatchSize;
        List<(Guid OrderId, string TenantId)> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
            var alerts = db.FulfilmentAlerts.IgnoreQueryFilters();
            var notDispatched = await db.Fulfilments.IgnoreQueryFilters()
                .Where(f => (f.State == FulfilmentState.ShipmentRequested || f.State == FulfilmentState.PartiallyDispatched) && f.DispatchDueAt <= now)
                .Where(f => !alerts.Any(a => a.OrderId == f.OrderId && a.Kind == AlertKinds.DispatchOverdue))
                .OrderBy(f => f.DispatchDueAt)
                .Select(f => new { f.OrderId, f.TenantId })
                .Take(batch)
                .ToListAsync(cancellationToken);
            var notDelivered = await db.FulfilmentShipments.IgnoreQueryFilters()
                .Where(s => (s.Status == FulfilmentShipmentStatus.Dispatched || s.Status == FulfilmentShipmentStatus.InTransit) && s.DeliveryDueAt <= now)
                .Where(s => !alerts.Any(a => a.OrderId == s.OrderId && a.Kind == AlertKinds.DeliveryOverdue && a.ShipmentId == s.ShipmentId))
                .OrderBy(s => s.DeliveryDueAt)
                .Select(s => new { s.OrderId, s.TenantId })
                .Take(batch)
                .ToListAsync(cancellationToken);
            due = notDispatched.Concat(notDelivered).Select(d => (d.OrderId, d.TenantId)).Distinct().Take(batch).ToList();
        }

        foreach (var tenant in due.GroupBy(d => d.TenantId))
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant.Key);
            var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
            var process = scope.ServiceProvider.GetRequiredService<FulfilmentProcess>();
            var ids = tenant.Select(t => t.OrderId).ToList();
            await using var transaction = await db.BeginWriteAsync(cancellationToken);
            var orders = await db.Orders.AsSplitQuery().WithFulfilment().Where(o => ids.Contains(o.Id)).ToListAsync(cancellationToken);
            foreach (var order in orders.Where(o => o.Fulfilment is not null))
                process.RaiseOverdue(order, order.Fulfilment!, now);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        if (due.Count > 0)
            logger.LogInformation("Raised fulfilment deadline alerts for {Count} orders", due.Count);
        return due.Count;
    }
}
