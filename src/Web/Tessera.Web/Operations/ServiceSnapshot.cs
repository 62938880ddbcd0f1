using Tessera.ServiceDefaults.Telemetry;

namespace Tessera.Web.Operations;

/// <summary>One service as the console's last check saw it: stored as JSON, read by the page and the alerts.</summary>
public sealed record ServiceSnapshot(
    string Service,
    DateTimeOffset TakenAt,
    IReadOnlyList<InstanceSnapshot> Instances,
    SupervisorSnapshot? Supervisor,
    IReadOnlyList<SubscriptionSnapshot> Subscriptions,
    IReadOnlyList<TenantInbox> Inboxes,
    IReadOnlyList<ParkedSnapshot> Parked,
    IReadOnlyList<RecentErrorDto> Errors,
    IReadOnlyList<ServiceAlert> Alerts,
    string? Problem)
{
    public bool Ready => Instances.Any(i => i.Ready);
    public int ParkedCount => Inboxes.Sum(i => i.Parked);
}

/// <summary>One instance (one address of the service), as its /health/ready answered.</summary>
public sealed record InstanceSnapshot(string Url, bool Ready, string Detail, string? Version, DateTimeOffset? StartedAt, long? UptimeSeconds, int? Pid);

/// <summary>
/// What the AppHost says of the service (run/apphost.json): its state and how often it restarted, with the times the
/// console saw the count go up, kept for the restart-loop window.
/// </summary>
public sealed record SupervisorSnapshot(string State, int Restarts, IReadOnlyList<DateTimeOffset> RestartsSeen);

/// <summary>
/// A feed the service reads. <see cref="WaitingPosition"/> and <see cref="WaitingSince"/> remember an outbox row the
/// subscriber had not yet taken when the console first saw it: I10 breaks when it still has not past the deadline.
/// </summary>
public sealed record SubscriptionSnapshot(
    string Producer, long Checkpoint, long Head, long Lag, DateTimeOffset? LastSuccessAt, string? LastError, DateTimeOffset? FailingSince,
    long? WaitingPosition, DateTimeOffset? WaitingSince);

public sealed record TenantInbox(string Tenant, int Pending, int Retrying, int Parked);

public sealed record ParkedSnapshot(string Tenant, Guid Id, string Producer, string Type, string AggregateId, int Attempts, string? LastError, DateTimeOffset? ParkedAt);

/// <summary>An alert the service raised itself and still holds open (reporting's failed reconciliations and late data).</summary>
public sealed record ServiceAlert(string Tenant, string Kind, string Subject, string Message, DateTimeOffset RaisedAt);
