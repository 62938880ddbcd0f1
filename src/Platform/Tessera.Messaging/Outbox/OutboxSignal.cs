using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

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

/// <summary>Signals committed outbox rows to the feed.</summary>
public sealed class OutboxSignal
{
    public Signal Committed { get; } = new();
}

/// <summary>Signals newly staged inbox rows (or a replay) to the processor.</summary>
public sealed class InboxSignal
{
    public Signal Staged { get; } = new();
}

/// <summary>Notifies the feed after every commit; a spurious wake-up only costs one cheap query.</summary>
internal sealed class OutboxCommitInterceptor(OutboxSignal signal) : DbTransactionInterceptor, ISaveChangesInterceptor
{
    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => signal.Committed.Notify();

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        signal.Committed.Notify();
        return Task.CompletedTask;
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        NotifyIfAutocommitted(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        NotifyIfAutocommitted(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void NotifyIfAutocommitted(DbContext? context)
    {
        if (context?.Database.CurrentTransaction is null)
            signal.Committed.Notify();
    }
}
