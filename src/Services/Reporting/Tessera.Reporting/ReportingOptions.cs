namespace Tessera.Reporting;

/// <summary>Reporting settings, section "Tessera:Reporting". Per-tenant business settings live in the database (Settings).</summary>
public sealed class ReportingOptions
{
    public const string Section = "Tessera:Reporting";

    /// <summary>Memory one tenant's warehouse may use (DuckDB's memory_limit); a query needing more fails, it never takes the machine.</summary>
    public string MemoryLimit { get; set; } = "1GB";

    /// <summary>Threads one tenant's warehouse may use.</summary>
    public int Threads { get; set; } = 2;

    /// <summary>How long one task (a model for a business date) may run before it is interrupted and retried.</summary>
    public TimeSpan TaskTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a task of a tenant's own model may run: its SQL is the tenant's, so the limit is tighter.</summary>
    public TimeSpan TenantModelTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Attempts of a failing task before its run fails.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>First retry delay of a task; doubles on every attempt, with jitter, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Runs executing at once (of different tenants; a tenant's runs go one after another).</summary>
    public int MaxConcurrentRuns { get; set; } = 2;

    public bool SchedulerEnabled { get; set; } = true;

    /// <summary>How often the scheduler looks for due schedules and the deadlines of ADS models are checked.</summary>
    public TimeSpan SchedulerInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Events moved from the staging table into a tenant's ODS per transaction.</summary>
    public int LoaderBatchSize { get; set; } = 5000;

    /// <summary>The time zone of a tenant that set none (the web front-end's default too).</summary>
    public string DefaultTimeZone { get; set; } = "Asia/Ho_Chi_Minh";

    public string DefaultCurrency { get; set; } = "VND";

    /// <summary>Where the shipped models are; by default the Models folder next to the service.</summary>
    public string? ModelsDirectory { get; set; }

    public string ResolveModelsDirectory() => ModelsDirectory is { Length: > 0 } configured
        ? Path.GetFullPath(configured)
        : Path.Combine(AppContext.BaseDirectory, "Models");
}
