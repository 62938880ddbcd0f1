using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Reporting.Data;

/// <summary>
/// An event received from a producer and not yet moved into its tenant's ODS. It is written in the same transaction
/// as the inbox marks the event handled, and deleted only after the ODS has it (docs/adr/0019).
/// </summary>
public sealed class StagedEvent
{
    public long Sequence { get; set; }
    public Guid EventId { get; set; }
    public string TenantId { get; set; } = "";
    public string Producer { get; set; } = "";
    public string Type { get; set; } = "";
    public int Version { get; set; }
    public string AggregateId { get; set; } = "";
    public long Position { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public string Payload { get; set; } = "";
    public DateTimeOffset StagedAt { get; set; }
}

/// <summary>A tenant's warehouse settings; the row exists from the tenant's first event on (it lists the tenants).</summary>
public sealed class ReportingSettings : ITenantOwned, IVersioned
{
    public string TenantId { get; set; } = "";
    public string TimeZone { get; set; } = "";
    public string Currency { get; set; } = "";
    public int FreshnessTargetMinutes { get; set; }
    public decimal ReconciliationThreshold { get; set; }
    public int LookbackDays { get; set; }
    public long Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
}

/// <summary>A model a tenant added through the API: the same text as a shipped model file.</summary>
public sealed class TenantModel : ITenantOwned, IVersioned
{
    public string TenantId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Sql { get; set; } = "";
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public long Version { get; set; }
}

public enum RunStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
}

public enum RunTaskStatus
{
    Pending,
    Running,
    Retrying,
    Succeeded,
    Failed,

    /// <summary>Not run because a task it depends on failed or was blocked.</summary>
    Skipped,

    /// <summary>A blocking data test failed: the task's writes were rolled back, the model keeps its last good version.</summary>
    Blocked,

    /// <summary>
    /// Not rebuilt, and need not be: a conditional task (a whole-table model, or a cumulative model's dates after those
    /// the run was asked for) whose inputs are what they were when it was last built. Counts as done for what depends on it.
    /// </summary>
    UpToDate,
}

public sealed class Run : ITenantOwned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public RunStatus Status { get; set; }
    public string Trigger { get; set; } = "";
    public string Models { get; set; } = "[]";
    public DateOnly? From { get; set; }
    public DateOnly? To { get; set; }
    public bool IncludeDownstream { get; set; }
    public int Parallelism { get; set; } = 1;
    public string? RequestedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string? Error { get; set; }
    public long CriticalPathMs { get; set; }
    public string CriticalPath { get; set; } = "[]";

    /// <summary>Dates that late events re-opened before this moment are covered by the run and closed when it succeeds.</summary>
    public DateTimeOffset? DirtyBefore { get; set; }

    public string? Schedule { get; set; }
}

/// <summary>
/// One task of a run: a model for its business dates BusinessDate..DateTo (one date unless a backfill batches them;
/// null for a model that is not partitioned). Each date is a partition the task overwrites.
/// </summary>
public sealed class RunTask : ITenantOwned
{
    public Guid RunId { get; set; }
    public int No { get; set; }
    public string TenantId { get; set; } = "";
    public string Key { get; set; } = "";
    public string Model { get; set; } = "";
    public DateOnly? BusinessDate { get; set; }
    public DateOnly? DateTo { get; set; }

    public IEnumerable<DateOnly> Dates => BusinessDate is { } from
        ? Enumerable.Range(0, (DateTo ?? from).DayNumber - from.DayNumber + 1).Select(from.AddDays)
        : [];

    public bool Covers(DateOnly date) => BusinessDate <= date && date <= (DateTo ?? BusinessDate);
    public RunTaskStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public long? DurationMs { get; set; }
    public string? Error { get; set; }
    public long? Rows { get; set; }
    public string? Checksum { get; set; }
    public string DependsOn { get; set; } = "[]";
    public bool OnCriticalPath { get; set; }

    /// <summary>Work the run was not asked for but may need (see <see cref="RunTaskStatus.UpToDate"/>): done only if its inputs changed.</summary>
    public bool Conditional { get; set; }
}

public sealed class TestResult : ITenantOwned
{
    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    public Guid RunId { get; set; }
    public string Model { get; set; } = "";
    public DateOnly? BusinessDate { get; set; }
    public string Test { get; set; } = "";
    public string Severity { get; set; } = "";
    public string Status { get; set; } = "";
    public long Failures { get; set; }
    public string? Message { get; set; }
    public DateTimeOffset At { get; set; }
}

public sealed class ReconciliationResult : ITenantOwned
{
    public string TenantId { get; set; } = "";
    public DateOnly BusinessDate { get; set; }
    public string Source { get; set; } = "";
    public string Measure { get; set; } = "";
    public decimal WarehouseValue { get; set; }
    public decimal ServiceValue { get; set; }
    public decimal DiffRate { get; set; }
    public decimal Threshold { get; set; }
    public bool Ok { get; set; }
    public DateTimeOffset CheckedAt { get; set; }
}

/// <summary>Something a person should look at, raised once per subject and cleared when it no longer holds.</summary>
public sealed class Alert : ITenantOwned
{
    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Message { get; set; } = "";
    public DateTimeOffset RaisedAt { get; set; }
    public DateTimeOffset? ClearedAt { get; set; }
}

public sealed class Schedule : ITenantOwned, IVersioned
{
    public string TenantId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Cadence { get; set; } = "";
    public string Dates { get; set; } = "";
    public string Models { get; set; } = "[]";
    public bool Enabled { get; set; }
    public DateTimeOffset? NextDueAt { get; set; }
    public Guid? LastRunId { get; set; }
    public long Version { get; set; }
}

public sealed class Upload : ITenantOwned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Source { get; set; } = "";
    public string FileName { get; set; } = "";
    public int Rows { get; set; }
    public DateOnly? FirstDate { get; set; }
    public DateOnly? LastDate { get; set; }
    public string UploadedBy { get; set; } = "";
    public DateTimeOffset UploadedAt { get; set; }
    public string Sha256 { get; set; } = "";
}
