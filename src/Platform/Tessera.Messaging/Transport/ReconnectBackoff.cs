using Microsoft.Extensions.Logging;

namespace Tessera.Messaging.Transport;

/// <summary>
/// How a transport loop waits before trying an unreachable producer or broker again — doubling from 100 ms up to 10 s,
/// with jitter — and what it logs: the first failure, every 20th after it, and the recovery, not every attempt.
/// </summary>
internal sealed class ReconnectBackoff(ILogger logger, TimeProvider clock, string what)
{
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(10);

    private int _failures;

    /// <summary>The loop works again.</summary>
    public void Succeeded()
    {
        if (_failures > 0)
            logger.LogInformation("{What} works again after {Failures} failed attempts", what, _failures);
        _failures = 0;
    }

    /// <summary>Logs the failure (now and then) and waits before the next attempt; returns early, without throwing, when cancelled.</summary>
    public async Task FailedAsync(Exception error, CancellationToken cancellationToken)
    {
        _failures++;
        var ms = Math.Min(Max.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(_failures - 1, 10)));
        var delay = TimeSpan.FromMilliseconds(ms / 2 + Random.Shared.NextDouble() * ms / 2);
        if (_failures == 1 || _failures % 20 == 0)
            logger.LogWarning("{What} failed (attempt {Attempt}): {Error}; retrying in {DelayMs:0} ms", what, _failures, error.Message, delay.TotalMilliseconds);
        await Task.Delay(delay, clock, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
