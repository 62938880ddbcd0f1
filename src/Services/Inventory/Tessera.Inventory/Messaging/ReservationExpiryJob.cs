using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Inventory.Contracts;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Telemetry;
using Tessera.ServiceDefaults.Tenancy;
using Tessera.ServiceDefaults.Hosting;

namespace Tessera.Inventory.Messaging;

public sealed class ReservationExpiryOptions
{
    public const string Section = "Tessera:Inventory:ReservationExpiry";

    /// <summary>How often lapsed reservations are looked for; a hold is honoured to within this much.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Releases reservations whose hold has lapsed (the tenant's reservation hold, see InventorySettings), one order per
/// transaction, and publishes ReservationExpired for each order so that the orders service can cancel it. A
/// reservation consumed or released in the meantime is no longer active and is left alone.
/// </summary>
internal sealed class ReservationExpiryJob(Standby standby,
    IServiceScopeFactory scopes, IOptions<ReservationExpiryOptions> options, TimeProvider clock, ILogger<ReservationExpiryJob> logger) : BackgroundService
{
    private const int Batch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await standby.UntilActiveAsync(stoppingToken))
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            var run = TesseraTelemetry.Job("inventory.reservation-expiry");
            try
            {
                int expired;
                do
                    expired = await ExpireDueAsync(stoppingToken);
                while (expired == Batch);
                run.Succeeded();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                run.Failed();
                logger.LogError(ex, "Releasing expired reservations failed; will retry");
            }
            await Task.Delay(options.Value.Interval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Expires the reservations of up to a batch of orders whose hold has lapsed; returns how many orders.</summary>
    internal async Task<int> ExpireDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        List<(string Tenant, Guid Order)> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
            due = (await db.Reservations.IgnoreQueryFilters().AsNoTracking()
                    .Where(r => r.Status == ReservationStatus.Active && r.ExpiresAt != null && r.ExpiresAt <= now)
                    .Select(r => new { r.TenantId, r.OrderId }).Distinct().OrderBy(r => r.OrderId).Take(Batch).ToListAsync(cancellationToken))
                .Select(r => (r.TenantId, r.OrderId)).ToList();
        }
        foreach (var (tenant, order) in due)
            await ExpireOrderAsync(tenant, order, now, cancellationToken);
        return due.Count;
    }

    private async Task ExpireOrderAsync(string tenant, Guid order, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
        var ledger = scope.ServiceProvider.GetRequiredService<ReservationLedger>();
        var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();

        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var lapsed = await db.Reservations
            .Where(r => r.OrderId == order && r.Status == ReservationStatus.Active && r.ExpiresAt != null && r.ExpiresAt <= now)
            .OrderBy(r => r.CreatedAt).ToListAsync(cancellationToken);
        if (lapsed.Count == 0)
            return;
        foreach (var reservation in lapsed)
            await ledger.ReleaseAsync(reservation, reservation.Quantity, order.ToString(), cancellationToken, ReservationStatus.Expired);
        outbox.Publish(new ReservationExpired(order, lapsed.Select(r => new ReservedLine(r.Sku, r.Warehouse, r.Quantity)).ToList(), now), order.ToString());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Released {Count} expired reservations of order {OrderId}", lapsed.Count, order);
    }
}
