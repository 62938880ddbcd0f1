using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Orders.Data;
using Tessera.Orders.Fulfilment;
using Tessera.Orders.Search;
using Tessera.ServiceDefaults.Telemetry;
using Tessera.ServiceDefaults.Hosting;

namespace Tessera.Orders.Archive;

/// <summary>
/// Moves closed orders out of the live tables into the archive, in batches: first written to the archive (document
/// — with its fulfilment — and search rows, idempotent), then deleted from the live database. A crash between the two
/// leaves the order in both for a moment; reads prefer the live copy and the next run finishes the move. The live
/// tables stay small. Closed means rejected, cancelled, completed or returned with nothing more expected; an order
/// whose fulfilment still waits for a compensation or has an open alert stays live until that is settled.
/// </summary>
internal sealed class ArchiveJob(Standby standby, IServiceScopeFactory scopes, IOptions<ArchiveOptions> options, TimeProvider clock, ILogger<ArchiveJob> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await standby.UntilActiveAsync(stoppingToken))
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            var run = TesseraTelemetry.Job("orders.archive");
            try
            {
                int moved;
                do
                {
                    moved = await ArchiveBatchAsync(stoppingToken);
                    if (moved > 0)
                        logger.LogInformation("Archived {Count} closed orders", moved);
                }
                while (moved == options.Value.BatchSize);
                run.Succeeded();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                run.Failed();
                logger.LogError(ex, "Archiving closed orders failed; will retry");
            }
            await Task.Delay(options.Value.Interval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    internal async Task<int> ArchiveBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var live = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        var archive = scope.ServiceProvider.GetRequiredService<OrdersArchiveDbContext>();
        var cutoff = clock.GetUtcNow() - options.Value.After;

        var orders = await live.Orders.IgnoreQueryFilters().AsNoTracking().AsSplitQuery()
            .Include(o => o.Lines).Include(o => o.History).Include(o => o.Timeline).WithFulfilment()
            .Where(o => o.ClosedAt != null && o.ClosedAt < cutoff)
            .Where(o => o.Fulfilment == null || (!o.Fulfilment.Alerts.Any(a => a.ClearedAt == null) &&
                                                 !o.Fulfilment.Compensations.Any(c => c.Status == Domain.CompensationStatuses.Awaited)))
            .OrderBy(o => o.ClosedAt)
            .Take(options.Value.BatchSize)
            .ToListAsync(cancellationToken);
        if (orders.Count == 0)
            return 0;

        var now = clock.GetUtcNow();
        await using (var transaction = await archive.BeginWriteAsync(cancellationToken))
        {
            foreach (var order in orders)
            {
                var row = await archive.Orders.IgnoreQueryFilters().FirstOrDefaultAsync(o => o.OrderId == order.Id, cancellationToken);
                if (row is null)
                {
                    row = new ArchivedOrder { OrderId = order.Id, TenantId = order.TenantId };
                    archive.Orders.Add(row);
                }
                (row.Number, row.Status, row.ClosedAt, row.ArchivedAt, row.Document) =
                    (order.Number, order.Status.ToString(), order.ClosedAt, now, OrderArchive.Document(order));
                await OrderSearchIndex.UpsertAsync(archive, order, cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }

        var ids = orders.Select(o => o.Id).ToList();
        await using (var transaction = await live.BeginWriteAsync(cancellationToken))
        {
            foreach (var id in ids)
                await OrderSearchIndex.RemoveAsync(live, id, cancellationToken);
            await live.Set<Domain.FulfilmentShipment>().IgnoreQueryFilters().Where(r => ids.Contains(r.OrderId)).ExecuteDeleteAsync(cancellationToken);
            await live.Set<Domain.FulfilmentAllocation>().IgnoreQueryFilters().Where(r => ids.Contains(r.OrderId)).ExecuteDeleteAsync(cancellationToken);
            await live.Set<Domain.FulfilmentCompensation>().IgnoreQueryFilters().Where(r => ids.Contains(r.OrderId)).ExecuteDeleteAsync(cancellationToken);
            await live.Set<Domain.FulfilmentAlert>().IgnoreQueryFilters().Where(r => ids.Contains(r.OrderId)).ExecuteDeleteAsync(cancellationToken);
            await live.Set<Domain.FulfilmentReturn>().IgnoreQueryFilters().Where(r => ids.Contains(r.OrderId)).ExecuteDeleteAsync(cancellationToken);
            await live.Set<Domain.FulfilmentMovement>().IgnoreQueryFilters().Where(r => ids.Contains(r.OrderId)).ExecuteDeleteAsync(cancellationToken);
            await live.Set<Domain.OrderFulfilment>().IgnoreQueryFilters().Where(r => ids.Contains(r.OrderId)).ExecuteDeleteAsync(cancellationToken);
            await live.Set<Domain.OrderTimelineEntry>().IgnoreQueryFilters().Where(t => ids.Contains(t.OrderId)).ExecuteDeleteAsync(cancellationToken);
            await live.Set<Domain.OrderStatusChange>().IgnoreQueryFilters().Where(h => ids.Contains(h.OrderId)).ExecuteDeleteAsync(cancellationToken);
            await live.Set<Domain.OrderLine>().IgnoreQueryFilters().Where(l => ids.Contains(l.OrderId)).ExecuteDeleteAsync(cancellationToken);
            await live.Orders.IgnoreQueryFilters().Where(o => ids.Contains(o.Id)).ExecuteDeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return orders.Count;
    }
}
