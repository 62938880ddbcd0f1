using System.Diagnostics;

namespace Tessera.Testing;

/// <summary>Waits for an eventual outcome with a deadline, and says what was awaited when it never came.</summary>
public static class Poll
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> satisfied, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        T last = default!;
        Exception? lastError = null;
        var delay = TimeSpan.FromMilliseconds(10);
        while (deadline.Elapsed < limit)
        {
            try
            {
                last = await probe();
                lastError = null;
                if (satisfied(last))
                    return last;
            }
            catch (Exception ex)
            {
                lastError = ex;
            }
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
        throw new TimeoutException(
            $"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}. Last value: {Describe(last)}" +
            (lastError is null ? "" : $"; last error: {lastError.Message}"));
    }

    public static Task UntilAsync(Func<Task<bool>> probe, string what, TimeSpan? timeout = null) =>
        UntilAsync(probe, ok => ok, what, timeout);

    private static string Describe<T>(T value) => value switch
    {
        null => "(none)",
        System.Collections.IEnumerable list and not string => $"[{string.Join(", ", list.Cast<object?>().Take(20))}]",
        _ => value.ToString() ?? "",
    };
}
