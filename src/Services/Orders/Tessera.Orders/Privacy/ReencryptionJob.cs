using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Archive;
using Tessera.Orders.Data;
using Tessera.Orders.Features;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Telemetry;
using Tessera.ServiceDefaults.Hosting;

namespace Tessera.Orders.Privacy;

/// <summary>Wakes the re-encryption at once after a rotation instead of at its next round.</summary>
public sealed class ReencryptionSignal
{
    public Signal Rotated { get; } = new();

    public void Wake() => Rotated.Notify();
}

/// <summary>
/// After a key rotation, re-encrypts the personal data of every live and archived order with the current key, in
/// small batches. A live row is rewritten only if nobody changed it since it was read (same version), and without
/// changing its version: a technical re-encryption must not make a user's edit fail.
/// </summary>
internal sealed class ReencryptionJob(Standby standby,
    IServiceScopeFactory scopes,
    PersonalDataKeyRing ring,
    ReencryptionSignal signal,
    TimeProvider clock,
    ILogger<ReencryptionJob> logger) : BackgroundService
{
    private const int BatchSize = 200;
    private static readonly TimeSpan Round = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await standby.UntilActiveAsync(stoppingToken))
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = signal.Rotated.Next;
            var run = TesseraTelemetry.Job("orders.reencryption");
            try
            {
                while (await ReencryptBatchAsync(stoppingToken) > 0)
                {
                }
                run.Succeeded();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                run.Failed();
                logger.LogError(ex, "Re-encrypting personal data failed; will retry");
            }
            await Signal.WaitAsync(wake, Round, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    internal async Task<int> ReencryptBatchAsync(CancellationToken cancellationToken)
    {
        var prefix = $"pd1.{ring.Current.Current}.";
        await using var scope = scopes.CreateAsyncScope();
        var privacy = scope.ServiceProvider.GetRequiredService<OrderPrivacy>();
        var live = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        var archive = scope.ServiceProvider.GetRequiredService<OrdersArchiveDbContext>();

        var orders = await live.Orders.IgnoreQueryFilters().AsNoTracking()
            .Where(o => !o.Customer.Name.StartsWith(prefix))
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        var rewritten = 0;
        if (orders.Count > 0)
        {
            await using var transaction = await live.BeginWriteAsync(cancellationToken);
            foreach (var order in orders)
            {
                var (id, version) = (order.Id, order.Version);
                privacy.Reencrypt(order);
                var (customer, shipping, notes) = (order.Customer, order.Shipping, order.Notes);
                // Only if unchanged since read (same version), and the version stays: nobody's ETag goes stale for this.
                rewritten += await live.Orders.IgnoreQueryFilters().Where(o => o.Id == id && o.Version == version)
                    .ExecuteUpdateAsync(u => u
                        .SetProperty(o => o.Customer.Name, customer.Name)
                        .SetProperty(o => o.Customer.Phone, customer.Phone)
                        .SetProperty(o => o.Customer.Email, customer.Email)
                        .SetProperty(o => o.Shipping.Consignee, shipping.Consignee)
                        .SetProperty(o => o.Shipping.Phone, shipping.Phone)
                        .SetProperty(o => o.Shipping.Address, shipping.Address)
                        .SetProperty(o => o.Notes, notes), cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }

        var archived = await archive.Orders
            .FromSqlRaw(archive.IsPostgres
                ? "SELECT * FROM archived_orders WHERE (document::json -> 'customer' ->> 'name') NOT LIKE {0} LIMIT {1}"
                : "SELECT * FROM archived_orders WHERE json_extract(document, '$.customer.name') NOT LIKE {0} LIMIT {1}", prefix + "%", BatchSize)
            .IgnoreQueryFilters()
            .ToListAsync(cancellationToken);
        if (archived.Count > 0)
        {
            await using var transaction = await archive.BeginWriteAsync(cancellationToken);
            foreach (var row in archived)
            {
                var order = OrderArchive.Restore(row.Document);
                if (privacy.Reencrypt(order))
                {
                    row.Document = OrderArchive.Document(order);
                    rewritten++;
                }
            }
            await archive.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        // Customers of the master, the same way: only if unchanged since read, and their version stays.
        var customerPrivacy = scope.ServiceProvider.GetRequiredService<Customers.CustomerPrivacy>();
        var customers = await live.Customers.IgnoreQueryFilters().AsNoTracking()
            .Where(c => !c.Name.StartsWith(prefix))
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        if (customers.Count > 0)
        {
            await using var transaction = await live.BeginWriteAsync(cancellationToken);
            foreach (var customer in customers)
            {
                var (id, version) = (customer.Id, customer.Version);
                customerPrivacy.Reencrypt(customer);
                rewritten += await live.Customers.IgnoreQueryFilters().Where(c => c.Id == id && c.Version == version)
                    .ExecuteUpdateAsync(u => u
                        .SetProperty(c => c.Name, customer.Name)
                        .SetProperty(c => c.Phone, customer.Phone)
                        .SetProperty(c => c.Email, customer.Email)
                        .SetProperty(c => c.Notes, customer.Notes)
                        .SetProperty(c => c.Addresses, customer.Addresses), cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }

        if (rewritten > 0)
            logger.LogInformation("Re-encrypted the personal data of {Count} orders and customers with key {Version}", rewritten, ring.Current.Current);
        // Rows changed meanwhile are skipped now and picked up by the next round; only progress continues the loop.
        return rewritten;
    }
}
