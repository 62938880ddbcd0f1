using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tessera.ServiceDefaults.Hosting;

/// <summary>
/// Whether this process does its background work yet: reading events, handling its inbox, running its jobs.
/// A new build that a rolling upgrade starts beside the running one is started in standby (<c>Tessera:Standby</c>,
/// docs/adr/0030): it answers requests at once — the AppHost probes it, the gateway warms it up — but leaves the
/// background work to the old process until the AppHost has made it its service's address (the first one in
/// <c>Tessera:Services</c>, which the AppHost rewrites in run/services.json). Until then both processes would read
/// every event and race for the same database, each paying for the work on the same cores.
/// Every other process — a normal start, a restart after a crash, the in-process test hosts — is active from the start.
/// The reverse at the end of a swap: a process the AppHost has named its service's address, and whose address the
/// services file then no longer lists (the new build took over), is <see cref="Retired"/> — its event reading stops at
/// once, not only when it is told to stop a moment later, so that the two processes do not handle events side by side.
/// </summary>
public sealed class Standby : IDisposable
{
    private readonly TaskCompletionSource _active = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _retired = new();
    private bool _listed;
    private readonly IDisposable? _subscription;
    private readonly Uri? _own;
    private readonly ILogger<Standby> _logger;

    public Standby(IOptionsMonitor<TesseraOptions> options, IConfiguration configuration, ILogger<Standby> logger)
    {
        _logger = logger;
        var supervised = options.CurrentValue.ServicesFile is { Length: > 0 };
        _own = OwnAddress(configuration["urls"]);
        if (!supervised || _own is null)
        {
            _active.TrySetResult();
            return;
        }
        if (options.CurrentValue.Standby)
            _logger.LogInformation("Started in standby beside the running process: no events are read and no jobs run until {Url} is this service's address", _own);
        else
            _active.TrySetResult();
        _subscription = options.OnChange(Check);
        Check(options.CurrentValue);
    }

    public bool IsActive => _active.Task.IsCompleted;

    /// <summary>
    /// Ends once the services file, having listed this process's address, no longer does: the AppHost moved the service to
    /// a new build, and this process is about to be drained. Work that only the service's current process should do (reading
    /// events, handling the inbox) links it to its stopping token.
    /// </summary>
    public CancellationToken Retired => _retired.Token;

    /// <summary>Waits until this process is active (at once for every process not started in standby).</summary>
    /// <returns>False when <paramref name="stoppingToken"/> ended the wait: the process stops before it ever became active.</returns>
    public async Task<bool> UntilActiveAsync(CancellationToken stoppingToken)
    {
        await _active.Task.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return IsActive;
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _retired.Dispose();
    }

    private void Check(TesseraOptions options)
    {
        IReadOnlyList<Uri> addresses;
        try
        {
            addresses = options.ServiceAddresses(options.ServiceName);
        }
        catch (InvalidOperationException)
        {
            // A services file being rewritten, or one without this service: the next change decides.
            return;
        }
        var listed = addresses.Any(Own);
        lock (_retired)
        {
            // A file left from an earlier run may name other addresses until the AppHost writes this run's: only a
            // process once listed can be moved away from.
            if (listed)
                _listed = true;
            else if (_listed && IsActive && !_retired.IsCancellationRequested)
            {
                _logger.LogInformation("{Url} is no longer this service's address (a new build took over): no more events are read here", _own);
                _retired.Cancel();
                return;
            }
        }
        if (!IsActive && Own(addresses[0]) && _active.TrySetResult())
            _logger.LogInformation("{Url} is now this service's address: reading events and running jobs", _own);
    }

    private bool Own(Uri address) =>
        Uri.Compare(address, _own, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>The first address this process listens on, as the AppHost names it to the others.</summary>
    private static Uri? OwnAddress(string? urls)
    {
        var first = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return first is not null && Uri.TryCreate(first, UriKind.Absolute, out var uri) ? uri : null;
    }
}
