using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Messaging.Inbox;

/// <summary>
/// Runs handlers for staged messages. Per aggregate, only the oldest unfinished message is eligible, so messages of
/// one order are handled in order, and a parked or backing-off message holds back only its own aggregate. A group of
/// eligible messages shares one transaction (one commit, one disk flush); each message runs in its own savepoint with
/// its status change, so its effect happens exactly once, and a failing message is rolled back to its savepoint and
/// recorded — retried later with exponential backoff and jitter, parked with its error after the last attempt —
/// without undoing the others.
/// </summary>
internal sealed class InboxProcessor<TContext>(
    IServiceScopeFactory scopes,
    SubscriptionRegistry registry,
    InboxSignal signal,
    WriteGate gate,
    IOptions<MessagingOptions> options,
    TimeProvider clock,
    ILogger<InboxProcessor<TContext>> logger) : BackgroundService
    where TContext : ServiceDbContext
{
    private const int BatchSize = 50;
    private static readonly TimeSpan IdleWait = TimeSpan.FromSeconds(30);

    /// <summary>A group holds the write gate at most about this long; API writes queue behind it.</summary>
    private static readonly TimeSpan MaxGroupDuration = TimeSpan.FromMilliseconds(250);

    /// <summary>When another writer waits, a group ends after this many messages (one commit still covers several).</summary>
    private const int MinGroupWhenContended = 10;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = signal.Staged.Next;
            TimeSpan wait;
            try
            {
                var batch = await NextBatch(stoppingToken);
                if (batch.Count > 0)
                {
                    await ProcessGroupAsync(batch, stoppingToken);
                    continue;
                }
                wait = await TimeUntilNextRetry(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Inbox processing failed; retrying shortly");
                wait = TimeSpan.FromSeconds(1);
            }

            try
            {
                await Signal.WaitAsync(wake, wait, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<List<long>> NextBatch(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var inbox = db.Set<InboxMessage>();
        var now = clock.GetUtcNow();
        return await inbox
            .Where(m => m.Status == InboxStatus.Pending && m.NextAttemptAt <= now)
            .Where(m => !inbox.Any(earlier => earlier.AggregateKey == m.AggregateKey && earlier.Sequence < m.Sequence &&
                                              (earlier.Status == InboxStatus.Pending || earlier.Status == InboxStatus.Parked)))
            .OrderBy(m => m.Sequence)
            .Select(m => m.Sequence)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
    }

    private async Task<TimeSpan> TimeUntilNextRetry(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var next = await db.Set<InboxMessage>().Where(m => m.Status == InboxStatus.Pending)
            .OrderBy(m => m.NextAttemptAt).Select(m => (DateTimeOffset?)m.NextAttemptAt).FirstOrDefaultAsync(cancellationToken);
        if (next is null)
            return IdleWait;
        var wait = next.Value - clock.GetUtcNow();
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait < IdleWait ? wait : IdleWait;
    }

    internal async Task ProcessGroupAsync(IReadOnlyList<long> sequences, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<TContext>();
        var tenant = services.GetRequiredService<TenantContext>();
        var current = services.GetRequiredService<MessageScope>();
        var started = Stopwatch.GetTimestamp();

        var handled = 0;
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        foreach (var sequence in sequences)
        {
            if (Stopwatch.GetElapsedTime(started) > MaxGroupDuration || (handled >= MinGroupWhenContended && gate.Contended))
                break; // the rest are picked up by the next group, after whoever waits for the gate
            handled++;
            var savepoint = "inbox" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await transaction.CreateSavepointAsync(savepoint, cancellationToken);
            try
            {
                await HandleAsync(sequence, db, tenant, current, services, cancellationToken);
                await transaction.ReleaseSavepointAsync(savepoint, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                await transaction.RollbackToSavepointAsync(savepoint, cancellationToken);
                db.ChangeTracker.Clear();
                tenant.Switch(null);
                await RecordFailure(db, sequence, ex, cancellationToken);
                await transaction.ReleaseSavepointAsync(savepoint, cancellationToken);
            }
            finally
            {
                db.ChangeTracker.Clear();
                current.Current = null;
            }
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task HandleAsync(long sequence, TContext db, TenantContext tenant, MessageScope current, IServiceProvider services,
        CancellationToken cancellationToken)
    {
        var row = await db.Set<InboxMessage>().FirstOrDefaultAsync(m => m.Sequence == sequence, cancellationToken);
        if (row is null || row.Status != InboxStatus.Pending)
            return;

        var envelope = JsonSerializer.Deserialize<EventEnvelope>(row.Envelope, TesseraJson.Options)!;
        var registration = registry.Find(row.Producer, row.Type, row.Version)
            ?? throw new InvalidOperationException($"No handler is registered for {row.Producer} {row.Type} v{row.Version}.");

        tenant.Switch(envelope.Tenant);
        current.Current = envelope;
        using var activity = StartActivity(envelope);

        var message = registration.Deserialize(envelope.Payload);
        var context = new MessageContext(envelope);
        foreach (var handler in registration.Handlers)
            await handler(services, message, context, cancellationToken);

        row.Status = InboxStatus.Processed;
        row.Attempts++;
        row.ProcessedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
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

    private static Activity? StartActivity(EventEnvelope envelope)
    {
        var activity = new Activity("handle " + envelope.Type);
        if (envelope.TraceParent is { Length: > 0 } parent)
            activity.SetParentId(parent);
        activity.SetTag("messaging.message.id", envelope.Id);
        return activity.Start();
    }
}
