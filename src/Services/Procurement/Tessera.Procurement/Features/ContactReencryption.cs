using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Procurement.Contracts;
using Tessera.Procurement.Data;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Telemetry;
using Tessera.ServiceDefaults.Hosting;

namespace Tessera.Procurement.Features;

/// <summary>
/// After a key rotation (made through the orders service: the key ring is shared by every service), re-encrypts the
/// contact details of every supplier with the current key, in small batches. It notices a new current key within a few
/// seconds and also runs a round every few minutes. A row is rewritten only if nobody changed it since it was read (same
/// version), and without changing its version: a technical re-encryption must not make a user's edit fail.
/// </summary>
public sealed class ContactReencryptionJob(Standby standby,
    IServiceScopeFactory scopes,
    PersonalDataKeyRing ring,
    TimeProvider clock,
    ILogger<ContactReencryptionJob> logger) : BackgroundService
{
    private const int BatchSize = 200;
    private static readonly TimeSpan WatchEvery = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Round = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await standby.UntilActiveAsync(stoppingToken))
            return;
        int? doneFor = null;
        var lastRound = clock.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            var current = ring.Current.Current;
            if (current != doneFor || clock.GetElapsedTime(lastRound) >= Round)
            {
                var run = TesseraTelemetry.Job("procurement.reencryption");
                try
                {
                    while (await ReencryptBatchAsync(stoppingToken) > 0)
                    {
                    }
                    doneFor = current;
                    run.Succeeded();
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    run.Failed();
                    logger.LogError(ex, "Re-encrypting supplier contacts failed; will retry");
                }
                lastRound = clock.GetTimestamp();
            }
            await Task.Delay(WatchEvery, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <returns>How many suppliers were rewritten; rows changed meanwhile are skipped and picked up by a later round.</returns>
    public async Task<int> ReencryptBatchAsync(CancellationToken cancellationToken)
    {
        var prefix = $"pd1.{ring.Current.Current}.";
        await using var scope = scopes.CreateAsyncScope();
        var privacy = scope.ServiceProvider.GetRequiredService<SupplierPrivacy>();
        var db = scope.ServiceProvider.GetRequiredService<ProcurementDbContext>();

        var suppliers = await db.Suppliers.IgnoreQueryFilters().AsNoTracking()
            .Where(s => (s.Contact.Name != null && !s.Contact.Name.StartsWith(prefix))
                        || (s.Contact.Phone != null && !s.Contact.Phone.StartsWith(prefix))
                        || (s.Contact.Email != null && !s.Contact.Email.StartsWith(prefix))
                        || (s.Contact.Address != null && !s.Contact.Address.StartsWith(prefix)))
            .OrderBy(s => s.Id)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        if (suppliers.Count == 0)
            return 0;

        var rewritten = 0;
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        foreach (var supplier in suppliers)
        {
            var (id, version) = (supplier.Id, supplier.Version);
            if (!privacy.Reencrypt(supplier))
                continue;
            var contact = supplier.Contact;
            // Only if unchanged since read (same version), and the version stays: nobody's ETag goes stale for this.
            rewritten += await db.Suppliers.IgnoreQueryFilters().Where(s => s.Id == id && s.Version == version)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(s => s.Contact.Name, contact.Name)
                    .SetProperty(s => s.Contact.Phone, contact.Phone)
                    .SetProperty(s => s.Contact.Email, contact.Email)
                    .SetProperty(s => s.Contact.Address, contact.Address), cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        if (rewritten > 0)
            logger.LogInformation("Re-encrypted the contact details of {Count} suppliers with key {Version}", rewritten, ring.Current.Current);
        return rewritten;
    }
}

/// <summary>Which key versions protect supplier contacts (operators): the progress of a re-encryption after a rotation.</summary>
public static class ContactKeys
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/personal-data", Status).WithTags("Personal data").WithName("ProcurementPersonalDataStatus")
            .WithSummary("How many supplier contacts each personal data key version protects; keys are rotated through the orders service.")
            .RequireAuthorization(p => p.RequireRole(Roles.Operator));

    private static async Task<Ok<ContactKeysStatusDto>> Status(PersonalDataKeyRing ring, ProcurementDbContext db, CancellationToken cancellationToken)
    {
        var current = ring.Current.Current;
        var contacts = await db.Suppliers.IgnoreQueryFilters().AsNoTracking()
            .Where(s => s.Contact.Name != null || s.Contact.Phone != null || s.Contact.Email != null || s.Contact.Address != null)
            .Select(s => s.Contact)
            .ToListAsync(cancellationToken);
        // A contact counts under its oldest key: it is done only when every one of its fields is on the current key.
        var usage = contacts.GroupBy(c => SupplierPrivacy.KeyVersionsOf(c).Min())
            .OrderBy(g => g.Key)
            .Select(g => new ContactKeyUsageDto(g.Key, g.Count()))
            .ToList();
        return TypedResults.Ok(new ContactKeysStatusDto(current, usage, usage.All(u => u.KeyVersion == current)));
    }
}
