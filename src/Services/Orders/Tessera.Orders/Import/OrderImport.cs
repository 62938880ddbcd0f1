using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Orders.Import;

public enum ImportStatus
{
    Queued,
    Running,
    Completed,
    Failed,
}

/// <summary>One uploaded CSV and how its import went.</summary>
public sealed class OrderImport : ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string FileName { get; set; } = "";
    public string FileHash { get; set; } = "";
    public ImportStatus Status { get; set; }
    public int TotalRows { get; set; }
    public int ProcessedRows { get; set; }

    /// <summary>Orders of the file (in the order they first appear) already written or rejected; a restart resumes after them.</summary>
    public int ProcessedOrders { get; set; }
    public int AcceptedOrders { get; set; }
    public int AcceptedRows { get; set; }
    public int RejectedRows { get; set; }
    public int SkippedRows { get; set; }
    public string? Error { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public long Version { get; set; }
}

public sealed class ImportRejection : ITenantOwned
{
    public long Id { get; set; }
    public Guid ImportId { get; set; }
    public string TenantId { get; set; } = "";
    public int RowNumber { get; set; }
    public string? ExternalRef { get; set; }
    public string Reason { get; set; } = "";
}
