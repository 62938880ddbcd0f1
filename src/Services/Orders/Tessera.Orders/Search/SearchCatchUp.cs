using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Messaging.Inbox;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Data;
using Tessera.ServiceDefaults.Hosting;

namespace Tessera.Orders.Search;

/// <summary>
/// Once at start, after an upgrade from a release that kept the search through this service's subscription to its own
/// events: the orders of the events after that subscription's checkpoint, and of its messages still pending or parked,
/// get their search rows rewritten; then those messages are marked processed — a parked one would hold back the
/// order's other messages, and nothing handles them any more — and the checkpoint is removed. Idempotent: a crash
/// half-way projects again at the next start. A database that never had the subscription has nothing to do.
/// </summary>
public sealed class SearchCatchUp(Standby standby, IServiceScopeFactory scopes, IOptions<TesseraOptions> tessera, TimeProvider clock, ILogger<SearchCatchUp> logger)
    : BackgroundService
{
    private const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await standby.UntilActiveAsync(stoppingToken))
            return;
        try
        {
            var projected = await RunAsync(stoppingToken);
            if (projected > 0)
                logger.LogInformation("The search caught up with {Count} orders its former subscription had not projected", projected);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Catching the search up with its former subscription failed; the next start tries again");
        }
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var self = tessera.Value.ServiceName;
        List<Guid> ids;
        List<long> left;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
            var checkpoint = await db.Set<SubscriberCheckpoint>().AsNoTracking().FirstOrDefaultAsync(c => c.Producer == self, cancellationToken);
            var messages = await db.Set<InboxMessage>().AsNoTracking()
                .Where(m => m.Producer == self && m.Status != InboxStatus.Processed)
                .Select(m => new { m.Sequence, m.AggregateKey })
                .ToListAsync(cancellationToken);
            if (checkpoint is null && messages.Count == 0)
                return 0;
            var types = OrderSearchProjection.Types.ToArray();
            var after = checkpoint?.Position ?? long.MaxValue;
            var published = await db.Set<OutboxMessage>().AsNoTracking()
                .Where(o => o.Position > after && types.Contains(o.Type))
                .Select(o => o.AggregateId)
                .Distinct()
                .ToListAsync(cancellationToken);
            ids = published.Concat(messages.Select(m => m.AggregateKey))
                .Select(key => Guid.TryParse(key, out var id) ? id : (Guid?)null)
                .OfType<Guid>()
                .Distinct()
                .ToList();
            left = messages.Select(m => m.Sequence).ToList();
        }

        foreach (var chunk in ids.Chunk(BatchSize))
            await ProjectAsync(chunk, cancellationToken);

        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
            await using var transaction = await db.BeginWriteAsync(cancellationToken);
            var now = clock.GetUtcNow();
            foreach (var chunk in left.Chunk(BatchSize))
                await db.Set<InboxMessage>().Where(m => chunk.Contains(m.Sequence))
                    .ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, InboxStatus.Processed).SetProperty(m => m.ProcessedAt, now), cancellationToken);
            await db.Set<SubscriberCheckpoint>().Where(c => c.Producer == self).ExecuteDeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return ids.Count;
    }

    private async Task ProjectAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var orders = await db.Orders.IgnoreQueryFilters().AsNoTracking().Include(o => o.Lines)
            .Where(o => ids.Contains(o.Id))
            .ToDictionaryAsync(o => o.Id, cancellationToken);
        foreach (var id in ids)
        {
            if (orders.TryGetValue(id, out var order))
                await OrderSearchIndex.UpsertAsync(db, order, cancellationToken);
            else
                await OrderSearchIndex.RemoveAsync(db, id, cancellationToken); // archived meanwhile: the archive keeps its own rows
        }
        await transaction.CommitAsync(cancellationToken);
    }
}
