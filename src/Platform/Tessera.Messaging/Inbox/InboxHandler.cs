using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Messaging.Inbox;

/// <summary>A staged inbox row ready to be handled: its sequence, and its envelope already read.</summary>
internal sealed record InboxItem(long Sequence, string Producer, EventEnvelope Envelope);

/// <summary>What a group left behind: messages not attempted (the group ended early) or failed (to be retried).</summary>
internal sealed record InboxGroupOutcome(int Handled, int LeftPending, InboxSignal Signal)
{
    /// <summary>Call after the commit: whatever is still pending is the processor's.</summary>
    public void Announce()
    {
        if (LeftPending > 0)
            Signal.Staged.Notify();
    }
}

/// <summary>
/// Handles a group of inbox messages inside the caller's write transaction: one commit, one disk flush for all of them
/// (and, when the sink calls it, for their staging and the checkpoint too). Each message runs in its own savepoint and
/// saves its handler's changes before the next one starts, so handlers see each other's effects exactly as if they had
/// run one transaction each; a failing message is rolled back to its savepoint and recorded — retried later with
/// exponential backoff and jitter, parked after the last attempt — without undoing the others. Messages of one
/// aggregate run in staging order, and once one of them fails, the later ones of that aggregate wait for it. The
/// processed marks are written in one statement at the end, inside the same transaction as the effects.
/// </summary>
internal sealed class InboxHandler<TContext>(
    SubscriptionRegistry registry,
    InboxSignal signal,
    WriteGate gate,
    IOptions<MessagingOptions> options,
    TimeProvider clock,
    ILogger<InboxHandler<TContext>> logger)
    where TContext : ServiceDbContext
{
    /// <summary>When another writer waits, a group ends after this many messages (one commit still covers several).</summary>
    private const int MinGroupWhenContended = 10;

    public async Task<InboxGroupOutcome> HandleAsync(TContext db, WriteTransaction transaction, IServiceProvider services, IReadOnlyList<InboxItem> items,
        CancellationToken cancellationToken)
    {
        var tenant = services.GetRequiredService<TenantContext>();
        var current = services.GetRequiredService<MessageScope>();
        var started = Stopwatch.GetTimestamp();
        var processed = new List<long>(items.Count);
        HashSet<string>? held = null; // aggregates with a failed message in this group
        var attempted = 0;
        var maxDuration = options.Value.MaxGroupDuration;

        foreach (var item in items)
        {
            if (Stopwatch.GetElapsedTime(started) > maxDuration || (attempted >= MinGroupWhenContended && gate.Contended))
                break; // the rest stay pending for the processor, after whoever waits for the gate
            if (held is not null && held.Contains(item.Envelope.AggregateId))
                continue;
            attempted++;
            var savepoint = "inbox" + item.Sequence.ToString(CultureInfo.InvariantCulture);
            await transaction.CreateSavepointAsync(savepoint, cancellationToken);
            try
            {
                await RunHandlersAsync(item.Producer, item.Envelope, db, tenant, current, services, cancellationToken);
                await transaction.ReleaseSavepointAsync(savepoint, cancellationToken);
                processed.Add(item.Sequence);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                await transaction.RollbackToSavepointAsync(savepoint, cancellationToken);
                db.ChangeTracker.Clear();
                tenant.Switch(null);
                await RecordFailure(db, item.Sequence, ex, cancellationToken);
                await transaction.ReleaseSavepointAsync(savepoint, cancellationToken);
                (held ??= new HashSet<string>(StringComparer.Ordinal)).Add(item.Envelope.AggregateId);
            }
            finally
            {
                db.ChangeTracker.Clear();
                current.Current = null;
            }
            // On PostgreSQL a message that published holds the outbox's commit-order lock until the group commits: the
            // group ends with it, so that no later message waits for a lock held by a writer that waits for this one.
            if (db.HoldsCommitOrderLock)
                break;
        }

        tenant.Switch(null);
        if (processed.Count > 0)
        {
            var now = clock.GetUtcNow();
            await db.Set<InboxMessage>().Where(m => processed.Contains(m.Sequence))
                .ExecuteUpdateAsync(u => u
                    .SetProperty(m => m.Status, InboxStatus.Processed)
                    .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                    .SetProperty(m => m.ProcessedAt, now), cancellationToken);
        }
        return new InboxGroupOutcome(processed.Count, items.Count - processed.Count, signal);
    }

    private async Task RunHandlersAsync(string producer, EventEnvelope envelope, TContext db, TenantContext tenant, MessageScope current, IServiceProvider services,
        CancellationToken cancellationToken)
    {
        var registration = registry.Find(producer, envelope.Type, envelope.Version)
            ?? throw new InvalidOperationException($"No handler is registered for {producer} {envelope.Type} v{envelope.Version}.");

        tenant.Switch(envelope.Tenant);
        current.Current = envelope;
        using var activity = MessagingTelemetry.StartHandling(envelope);
        var started = Stopwatch.GetTimestamp();
        var outcome = "failed";
        try
        {
            var message = registration.Deserialize(envelope.Payload);
            var context = new MessageContext(envelope);
            foreach (var handler in registration.Handlers)
                await handler(services, message, context, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            outcome = "handled";
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
        finally
        {
            MessagingTelemetry.HandlerDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("messaging.message.type", envelope.Type), new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    private async Task RecordFailure(TContext db, long sequence, Exception error, CancellationToken cancellationToken)
    {
        var row = await db.Set<InboxMessage>().FirstOrDefaultAsync(m => m.Sequence == sequence, cancellationToken);
        if (row is null || row.Status != InboxStatus.Pending)
            return;

        var settings = options.Value;
        var now = clock.GetUtcNow();
        row.Attempts++;
        row.LastError = Describe(error);
        if (row.Attempts >= settings.MaxAttempts)
        {
            row.Status = InboxStatus.Parked;
            row.ParkedAt = now;
            logger.LogError("Parked {Type} {MessageId} after {Attempts} attempts: {Error}", row.Type, row.MessageId, row.Attempts, error.Message);
        }
        else
        {
            var delay = Backoff(row.Attempts, settings);
            row.NextAttemptAt = now + delay;
            logger.LogWarning("Handling {Type} {MessageId} failed (attempt {Attempt} of {MaxAttempts}); retrying in {DelayMs:0} ms: {Error}",
                row.Type, row.MessageId, row.Attempts, settings.MaxAttempts, delay.TotalMilliseconds, error.Message);
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries of many messages spread out.</summary>
    internal static TimeSpan Backoff(int attempt, MessagingOptions settings)
    {
        var exponential = settings.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var capped = Math.Min(exponential, settings.RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }

    private static string Describe(Exception error)
    {
        var text = error.ToString();
        return text.Length <= 4000 ? text : text[..4000];
    }
}
