using Microsoft.EntityFrameworkCore;

namespace Tessera.Web.Operations;

/// <summary>The last state of one service as the console's checks saw it, as JSON (<see cref="ServiceSnapshot"/>).</summary>
public sealed class ServiceSnapshotRecord
{
    public string Service { get; set; } = "";
    public DateTimeOffset TakenAt { get; set; }
    public string Body { get; set; } = "";
}

/// <summary>One invariant of one service for one tenant, as one scheduled (or asked-for) check found it.</summary>
public sealed class InvariantRunRecord
{
    public long Id { get; set; }
    public DateTimeOffset RunAt { get; set; }
    public string Service { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string Invariant { get; set; } = "";
    public string Description { get; set; } = "";
    public bool Holds { get; set; }
    public int Checked { get; set; }
    public int ViolationCount { get; set; }

    /// <summary>The first record that breaks it (e.g. "SKU-1@HCM") and by how much: where an operator starts looking.</summary>
    public string? FirstKey { get; set; }
    public string? FirstDetail { get; set; }
}

/// <summary>
/// A condition an operator must look at, from when it was raised until it cleared. <see cref="Key"/> names the condition
/// ("invariant:inventory:demo:I1"); at most one alert per key is open, which is what makes each one raised, and sent to
/// the webhook, once however often the checks run.
/// </summary>
public sealed class AlertRecord
{
    public long Id { get; set; }
    public string Key { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Detail { get; set; } = "";

    /// <summary>The offending record, when the condition has one (an invariant's first violation, a parked message).</summary>
    public string? Record { get; set; }
    public DateTimeOffset RaisedAt { get; set; }
    public DateTimeOffset? ClearedAt { get; set; }
    public DateTimeOffset? RaiseSentAt { get; set; }
    public DateTimeOffset? ClearSentAt { get; set; }

    /// <summary>Failed webhook deliveries since the last successful one; the next waits longer each time.</summary>
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? LastError { get; set; }

    public bool Open => ClearedAt is null;
}

public static class ConsoleRecords
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ServiceSnapshotRecord>(e =>
        {
            e.ToTable("operations_snapshots");
            e.HasKey(x => x.Service);
        });
        modelBuilder.Entity<InvariantRunRecord>(e => e.ToTable("invariant_runs"));
        modelBuilder.Entity<AlertRecord>(e =>
        {
            e.ToTable("operations_alerts");
            e.Ignore(x => x.Open);
        });
    }
}
