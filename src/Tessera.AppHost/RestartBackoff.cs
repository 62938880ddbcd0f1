namespace Tessera.AppHost;

/// <summary>
/// Delays between restarts: 1 s, 2 s, 4 s … capped. A service that crashes on start (bad config, locked database) then
/// costs a few restarts a minute instead of pinning a core, while a one-off crash is repaired almost at once.
/// </summary>
internal sealed class RestartBackoff(TimeSpan initial, TimeSpan max)
{
    private readonly TimeSpan _initial = initial;
    private readonly TimeSpan _max = max;
    private TimeSpan _next = initial;

    public TimeSpan Next()
    {
        var delay = _next;
        _next = _next * 2 < _max ? _next * 2 : _max;
        return delay;
    }

    public void Reset() => _next = _initial;
}
