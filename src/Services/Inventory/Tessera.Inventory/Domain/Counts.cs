using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Inventory.Domain;

public enum CountStatus
{
    Counting,
    Posted,
    Cancelled,
}

/// <summary>
/// A stock count of a warehouse (all of it, a set of SKUs, or one bin). Starting it freezes the expected quantity of
/// every line (the book quantity at the ledger position <see cref="FreezePosition"/>). Counting goes on while the
/// warehouse works, so each entered count is compared with the book quantity at the moment it is entered: the
/// frozen quantity plus every movement since the freeze. Posting turns each difference into a count-adjust movement
/// against the current stock (ADR 0007).
/// </summary>
public sealed class CountSession : ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Number { get; set; } = "";
    public string Warehouse { get; set; } = "";
    public string? Bin { get; set; }

    /// <summary>The SKUs the count was limited to, comma-separated; null counts every SKU in scope.</summary>
    public string? Skus { get; set; }

    /// <summary>Counters do not see the expected quantities until the count is posted.</summary>
    public bool Blind { get; set; }
    public string? Reference { get; set; }
    public CountStatus Status { get; set; }

    /// <summary>The last movement id when the count started: the ledger position its expected quantities are frozen at.</summary>
    public long FreezePosition { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public string StartedBy { get; set; } = "";
    public DateTimeOffset? PostedAt { get; set; }
    public string? PostedBy { get; set; }
    public string? Reason { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public long Version { get; set; }
    public List<CountLine> Lines { get; set; } = [];

    public bool IsOpen => Status == CountStatus.Counting;
}

public sealed class CountLine : ITenantOwned
{
    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    public Guid CountId { get; set; }
    public string Sku { get; set; } = "";

    /// <summary>The book quantity at the freeze.</summary>
    public decimal Expected { get; set; }
    public decimal? Counted { get; set; }

    /// <summary>The book quantity when the count was entered (Expected plus the movements since the freeze).</summary>
    public decimal? BookAtEntry { get; set; }
    public DateTimeOffset? CountedAt { get; set; }
    public string? CountedBy { get; set; }
    public string? Reason { get; set; }

    /// <summary>Posted: counted − book at entry, and the adjustment's cost.</summary>
    public decimal? Difference { get; set; }
    public decimal? UnitCost { get; set; }
    public decimal? Value { get; set; }

    public decimal? PendingDifference => Counted is decimal counted && BookAtEntry is decimal book ? counted - book : null;

    /// <summary>What moved between the freeze and the entry of the count.</summary>
    public decimal? MovedSinceFreeze => BookAtEntry - Expected;
}
