namespace Tessera.Reporting.Contracts;

/// <summary>
/// The warehouse's figure for a source, business date and measure differs from the producing service's own figure by
/// more than the tenant's threshold (DiffRate = |warehouse − service| / |service|, or 1 when the service says 0).
/// </summary>
public sealed record ReconciliationFailed(
    DateOnly BusinessDate, string Source, string Measure, decimal Warehouse, decimal Service, decimal DiffRate, decimal Threshold, DateTimeOffset CheckedAt);

// ---- Metrics (the serving layer) ----

public sealed record MetricColumnDto(string Name, string Type);

/// <summary>
/// A metric of the catalogue: an ADS model. TimeColumn is "date" (daily, from/to as yyyy-MM-dd), "month" (from/to as
/// yyyy-MM) or null (a snapshot); GroupBy lists the values groupBy accepts. BuiltAt: when its table was last written.
/// </summary>
public sealed record MetricDto(
    string Name, string Model, string? Description, string? TimeColumn, IReadOnlyList<string> GroupBy, IReadOnlyList<MetricColumnDto> Columns,
    string Materialization, string Owner, DateTimeOffset? BuiltAt, string? Deadline);

/// <summary>One row of sales_daily (the fields of the grouping asked for are set, the others null).</summary>
public sealed record SalesDailyRowDto(
    DateOnly Date, string? Channel, string? Category, string? Warehouse, long Orders, decimal Units, decimal Gmv, string Currency,
    long CancelledOrders, decimal CancelledGmv, long RejectedOrders, decimal RejectedGmv, decimal ReturnsValue, decimal NetSales, decimal? AverageOrderValue);

public sealed record SalesMonthlyRowDto(string Month, long Orders, decimal Units, decimal Gmv, string Currency, decimal NetSales, decimal? AverageOrderValue);

public sealed record SalesDailyDto(IReadOnlyList<SalesDailyRowDto> Rows);

public sealed record SalesMonthlyDto(IReadOnlyList<SalesMonthlyRowDto> Rows);

// ---- Runs ----

/// <summary>
/// A task: one model for one business date Date (DateTo the last date when a backfill batches several; Date null for a
/// model that is not partitioned). Status Pending, Running, Retrying (NextAttemptAt), Succeeded, Failed, Skipped (an
/// upstream task failed) or Blocked (a blocking data test failed).
/// </summary>
public sealed record RunTaskDto(
    string Key, string Model, DateOnly? Date, DateOnly? DateTo, string Status, int Attempts, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, long? DurationMs,
    string? Error, long? Rows, string? Checksum, IReadOnlyList<string> DependsOn, bool OnCriticalPath, DateTimeOffset? NextAttemptAt);

/// <summary>
/// A run: Queued → Running → Succeeded or Failed (Error says which task and why). CriticalPath lists the keys of the
/// chain of dependent tasks that took longest end to end (CriticalPathMs), oldest first.
/// </summary>
public sealed record RunDto(
    Guid Id, string Status, string Trigger, IReadOnlyList<string> Models, DateOnly? From, DateOnly? To, bool IncludeDownstream, int Parallelism,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error, string? RequestedBy, int TaskCount,
    IReadOnlyDictionary<string, int> TaskStatuses, IReadOnlyList<string> CriticalPath, long CriticalPathMs, IReadOnlyList<RunTaskDto> Tasks);

public sealed record RunSummaryDto(
    Guid Id, string Status, string Trigger, DateOnly? From, DateOnly? To, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    string? Error, int TaskCount, long CriticalPathMs);

// ---- Models ----

public sealed record ModelTestDto(string Name, string Severity, long? WarnAbove, long? ErrorAbove);

/// <summary>A model of the DAG. Owner "shipped" (a file of the release) or "tenant" (added through the API).</summary>
public sealed record ModelDto(
    string Name, string Layer, string Materialization, IReadOnlyList<string> Grain, string? Description, IReadOnlyList<string> Refs,
    IReadOnlyList<string> Downstream, IReadOnlyList<ModelTestDto> Tests, string? Deadline, string Owner, string? File, string Sql,
    DateTimeOffset? BuiltAt, string? Metric);

public sealed record LineageEdgeDto(string From, string To);

/// <summary>One business-date partition of a model as last written: rows, checksum (rows:sum of row hashes), the run that wrote it and when.</summary>
public sealed record PartitionDto(DateOnly Date, long Rows, string Checksum, Guid RunId, DateTimeOffset WrittenAt);

/// <summary>The DAG: every model and source with its layer, and an edge from each reference to the model that reads it.</summary>
public sealed record LineageDto(IReadOnlyList<LineageNodeDto> Nodes, IReadOnlyList<LineageEdgeDto> Edges);

public sealed record LineageNodeDto(string Name, string Layer, string Kind, string Owner, int Depth);

// ---- Data tests, freshness, reconciliation, alerts ----

/// <summary>The outcome of one data test: Status pass, warn or error; Failures is the number of offending rows.</summary>
public sealed record TestResultDto(
    string Model, string Test, string Severity, string Status, long Failures, string? Message, DateOnly? Date, Guid RunId, DateTimeOffset At);

/// <summary>
/// How far the warehouse is behind one source: the producer's feed head and this service's checkpoint, events received
/// but not yet in the ODS (Pending), the ODS's count and newest event, and the lag against the source's target.
/// FirstPosition above 1 means the producer's feed had dropped older events before reporting read it.
/// </summary>
public sealed record FreshnessDto(
    string Source, long Head, long Checkpoint, long Pending, long OdsEvents, DateTimeOffset? LastEventAt, DateTimeOffset? LastIngestedAt,
    double LagSeconds, int TargetSeconds, bool Ok, string? Error, long? FirstPosition);

/// <summary>One reconciled figure (minimum contract: source, measure, warehouse, service, diffRate, ok).</summary>
public sealed record ReconciliationDto(
    string Source, string Measure, decimal Warehouse, decimal Service, decimal DiffRate, bool Ok, DateOnly Date, decimal Threshold, DateTimeOffset CheckedAt);

public sealed record AlertDto(long Id, string Kind, string Subject, string Message, DateTimeOffset RaisedAt, DateTimeOffset? ClearedAt);

/// <summary>Per producer: events in the ODS (and distinct event ids, equal unless something was stored twice).</summary>
public sealed record OdsSourceDto(
    string Producer, long Events, long DistinctEvents, long? FirstPosition, long? LastPosition, DateTimeOffset? FirstOccurredAt, DateTimeOffset? LastOccurredAt);

// ---- Other sources: uploads and manual entry ----

public sealed record UploadColumnDto(string Name, string Type, bool Required);

/// <summary>A kind of file the ODS accepts (marketplace settlements, ad spend): its columns and the one that dates a row.</summary>
public sealed record UploadSourceDto(string Name, string Description, string DateColumn, IReadOnlyList<UploadColumnDto> Columns);

public sealed record UploadDto(
    Guid Id, string Source, string FileName, int Rows, DateOnly? FirstDate, DateOnly? LastDate, string UploadedBy, DateTimeOffset UploadedAt, string Sha256);

public sealed record SalesTargetDto(string Month, string? Channel, decimal Amount, string Currency, string EnteredBy, DateTimeOffset EnteredAt);

// ---- Settings and schedules ----

/// <summary>
/// The tenant's warehouse settings: the time zone business dates are in, its home currency, the freshness target per
/// source, the tolerated reconciliation difference, and how many past days every scheduled run re-opens.
/// </summary>
public sealed record ReportingSettingsDto(string TimeZone, string Currency, int FreshnessTargetMinutes, decimal ReconciliationThreshold, int LookbackDays);

/// <summary>
/// A scheduled group of models. Cadence: "daily HH:mm" or "hourly :mm" in the tenant's time zone, or "every N
/// minutes|seconds". Dates: "yesterday" or "today", plus whatever late events re-opened and the lookback.
/// </summary>
public sealed record ScheduleDto(string Name, string Cadence, string Dates, IReadOnlyList<string> Models, bool Enabled, DateTimeOffset? NextDueAt,
    Guid? LastRunId);

