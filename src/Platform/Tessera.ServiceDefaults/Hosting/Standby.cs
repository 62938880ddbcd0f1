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
/// </summary>
public sealed class Standby : IDisposable
{
    private readonly TaskCompletionSource _active = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IDisposable? _subscription;
    private readonly Uri? _own;
    private readonly ILogger<Standby> _logger;

    public Standby(IOptionsMonitor<TesseraOptions> options, IConfiguration configuration, ILogger<Standby> logger)
    {
        _logger = logger;
        var standby = options.CurrentValue is { Standby: true, ServicesFile.Length: > 0 };
        _own = OwnAddress(configuration["urls"]);
        if (!standby || _own is null)
        {
            _active.TrySetResult();
            return;
        }
        _logger.LogInformation("Started in standby beside the running process: no events are read and no jobs run until {Url} is this service's address", _own);
        _subscription = options.OnChange(Check);
        Check(options.CurrentValue);
    }

    public bool IsActive => _active.Task.IsCompleted;

    /// <summary>Waits until this process is active (at once for every process not started in standby).</summary>
    /// <returns>False when <paramref name="stoppingToken"/> ended the wait: the process stops before it ever became active.</returns>
    public async Task<bool> UntilActiveAsync(CancellationToken stoppingToken)
    {
        await _active.Task.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return IsActive;
    }

    public void Dispose() => _subscription?.Dispose();

    private void Check(TesseraOptions options)
    {
        if (IsActive)
            return;
        Uri first;
        try
        {
            first = options.ServiceAddresses(options.ServiceName)[0];
        }
        catch (InvalidOperationException)
        {
            // A services file being rewritten, or one without this service: the next change decides.
            return;
        }
        if (Uri.Compare(first, _own, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
            return;
        if (_active.TrySetResult())
            _logger.LogInformation("{Url} is now this service's address: reading events and running jobs", _own);
    }

    /// <summary>The first address this process listens on, as the AppHost names it to the others.</summary>
    private static Uri? OwnAddress(string? urls)
    {
        var first = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return first is not null && Uri.TryCreate(first, UriKind.Absolute, out var uri) ? uri : null;
    }
}
