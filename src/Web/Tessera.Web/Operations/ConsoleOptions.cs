namespace Tessera.Web.Operations;

/// <summary>Tessera:Operations — how often the console's checks run (docs/operations.md).</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Tessera:Operations";

    /// <summary>Off: no checks run in this process (the test hosts of other pages turn it off).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Health, feeds, inboxes, parked messages, recent errors and restarts: cheap reads, every interval.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The invariants read whole ledgers, so they run less often: when the last run is older than this.</summary>
    public TimeSpan InvariantInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long the invariants' history is kept.</summary>
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>Tessera:Alerts — when a condition becomes an alert, and where alerts are sent.</summary>
public sealed class AlertOptions
{
    public const string Section = "Tessera:Alerts";

    /// <summary>An http(s) URL that receives each alert as JSON once when raised and once when cleared; unset: none is sent.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>A subscription further behind its producer than this many events raises an alert.</summary>
    public long LagThreshold { get; set; } = 1000;

    /// <summary>I10: an outbox row that a subscriber has not taken this long after it was seen breaks the invariant.</summary>
    public TimeSpan OutboxDeadline { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A service restarted this many times within <see cref="RestartLoopWindow"/> is restarting in a loop.</summary>
    public int RestartLoopCount { get; set; } = 3;

    public TimeSpan RestartLoopWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The first retry of a failed webhook delivery; each further one waits twice as long, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    public Uri? Webhook => Uri.TryCreate(WebhookUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;
}
