using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tessera.ServiceDefaults.Data;

namespace Tessera.Messaging.Outbox;

/// <summary>
/// Wakes whoever waits for new rows (feed long-polls, the inbox processor) the moment a transaction commits, instead of
/// polling: a poll interval would add its half to every hop of a flow.
/// </summary>
public sealed class Signal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Take the task BEFORE checking for work; a notification after that point completes it.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public static async Task WaitAsync(Task next, TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero)
            return;
        using var delay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(timeout, clock, delay.Token);
        await Task.WhenAny(next, timer);
        await delay.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }
}

/// <summary>
/// Signals committed outbox rows to the feed, per event type: a long-poll that waits for a few types wakes only when one
/// of them is committed, not on every commit of the service (an order placement, an inbox group, a staged page). Before
/// this, each commit of a busy producer woke every subscriber's long-poll and its local read models for two queries each.
/// </summary>
public sealed class OutboxSignal
{
    private readonly ConcurrentDictionary<string, Signal> _byType = new(StringComparer.Ordinal);

    /// <summary>Any outbox row was committed.</summary>
    public Signal Committed { get; } = new();

    /// <summary>A row of <paramref name="type"/> was committed.</summary>
    public Signal Of(string type) => _byType.GetOrAdd(type, static _ => new Signal());

    /// <summary>Take the task BEFORE checking for work: it completes when a row of one of <paramref name="types"/> (any type when none) is committed.</summary>
    public Task Next(IReadOnlyCollection<string>? types)
    {
        if (types is not { Count: > 0 })
            return Committed.Next;
        if (types.Count == 1)
            return Of(types.First()).Next;
        return Task.WhenAny(types.Select(t => Of(t).Next));
    }

    /// <summary>Rows of these types are committed; null when the types are not known (every waiter wakes).</summary>
    public void Notify(IReadOnlyCollection<string>? types)
    {
        Committed.Notify();
        if (types is null)
        {
            foreach (var signal in _byType.Values)
                signal.Notify();
            return;
        }
        foreach (var type in types)
            if (_byType.TryGetValue(type, out var signal))
                signal.Notify();
    }
}

/// <summary>Signals newly staged inbox rows (or a replay) to the processor.</summary>
public sealed class InboxSignal
{
    public Signal Staged { get; } = new();
}

/// <summary>
/// Notifies the feed after a commit that wrote outbox rows, naming their types. The types are collected per context
/// when its changes are saved and announced when its transaction commits (or at once, when the save commits on its own).
/// A rolled-back savepoint may leave a type in the set: that only costs one spurious wake-up.
/// </summary>
internal sealed class OutboxCommitInterceptor(OutboxSignal signal) : DbTransactionInterceptor, ISaveChangesInterceptor, IBulkInsertInterceptor
{
    private readonly ConditionalWeakTable<DbContext, HashSet<string>> _written = new();

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Announce(eventData.Context);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Announce(eventData.Context);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        AnnounceIfAutocommitted(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        AnnounceIfAutocommitted(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void Inserting(DbContext context, IReadOnlyList<EntityEntry> added)
    {
        HashSet<string>? types = null;
        foreach (var entry in added)
            if (entry.Entity is OutboxMessage message)
                (types ??= _written.GetOrCreateValue(context)).Add(message.Type);
    }

    private void Collect(DbContext? context)
    {
        if (context is null)
            return;
        HashSet<string>? types = null;
        foreach (var entry in context.ChangeTracker.Entries<OutboxMessage>())
            if (entry.State == EntityState.Added)
                (types ??= _written.GetOrCreateValue(context)).Add(entry.Entity.Type);
    }

    private void AnnounceIfAutocommitted(DbContext? context)
    {
        if (context?.Database.CurrentTransaction is null)
            Announce(context);
    }

    private void Announce(DbContext? context)
    {
        if (context is null)
        {
            signal.Notify(null);
            return;
        }
        if (!_written.TryGetValue(context, out var types) || types.Count == 0)
            return;
        var committed = types.ToArray();
        types.Clear();
        signal.Notify(committed);
    }

    private void Forget(DbContext? context)
    {
        if (context is not null && _written.TryGetValue(context, out var types))
            types.Clear();
    }
}
