using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Tessera.Messaging.Inbox;
using Tessera.Messaging.Outbox;
using Tessera.Messaging.Transport;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Messaging.Api;

public sealed record InboxMessageDto(
    Guid Id,
    string Producer,
    string Type,
    int Version,
    string AggregateId,
    InboxStatus Status,
    int Attempts,
    string? LastError,
    DateTimeOffset ReceivedAt,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? ParkedAt,
    string Envelope);

public sealed record MessagingStatusDto(
    string Transport,
    IReadOnlyList<SubscriptionState> Subscriptions,
    long OutboxHead,
    int Pending,
    int Retrying,
    int Parked);

/// <summary>
/// Operator API for the messages this service failed to handle: list, replay after the cause is fixed, or discard
/// (after compensating by hand). An administrator sees only their own tenant's messages; the installation's operators
/// (and the web front-end's operations console, as one) work tenant by tenant the same way.
/// </summary>
internal static class MessagingEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints, string prefix)
    {
        var group = endpoints.MapGroup(prefix + "/messaging").RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Operator)).WithTags("Messaging");
        group.MapGet("/status", Status).WithSummary("Feed lag per producer and inbox counts.");
        group.MapGet("/parked", List).WithSummary("Parked messages (status=parked) or messages waiting for a retry (status=retrying).");
        group.MapPost("/parked/{id:guid}/replay", Replay).WithSummary("Handle a parked message again; it holds back its aggregate until it succeeds.");
        group.MapPost("/parked/{id:guid}/discard", Discard).WithSummary("Drop a parked message; later messages of its aggregate proceed.");
    }

    private static async Task<Results<Ok<PagedResult<InboxMessageDto>>, ValidationProblem>> List(
        string? status, int? page, int? pageSize, ServiceDbContext db, ITenantContext tenant, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var filter = (status ?? "parked").ToLowerInvariant();
        if (filter is not ("parked" or "retrying"))
            return Problems.Validation("status", "status is 'parked' or 'retrying'.");

        var query = db.Set<InboxMessage>().AsNoTracking().Where(m => m.Tenant == tenant.TenantId);
        query = filter == "parked"
            ? query.Where(m => m.Status == InboxStatus.Parked)
            : query.Where(m => m.Status == InboxStatus.Pending && m.Attempts > 0);

        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderBy(m => m.Sequence).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<InboxMessageDto>(rows.Select(ToDto).ToList(), paging.Page, paging.PageSize, total));
    }

    private static async Task<Results<Ok<InboxMessageDto>, ProblemHttpResult>> Replay(
        Guid id, ServiceDbContext db, ITenantContext tenant, InboxSignal signal, TimeProvider clock, CancellationToken cancellationToken) =>
        await Resolve(id, db, tenant, cancellationToken, row =>
        {
            row.Status = InboxStatus.Pending;
            row.Attempts = 0;
            row.NextAttemptAt = clock.GetUtcNow();
            row.ParkedAt = null;
        }, signal);

    private static async Task<Results<Ok<InboxMessageDto>, ProblemHttpResult>> Discard(
        Guid id, ServiceDbContext db, ITenantContext tenant, TimeProvider clock, CancellationToken cancellationToken) =>
        await Resolve(id, db, tenant, cancellationToken, row =>
        {
            row.Status = InboxStatus.Discarded;
            row.ProcessedAt = clock.GetUtcNow();
        }, null);

    private static async Task<Results<Ok<InboxMessageDto>, ProblemHttpResult>> Resolve(
        Guid id, ServiceDbContext db, ITenantContext tenant, CancellationToken cancellationToken, Action<InboxMessage> change, InboxSignal? signal)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var row = await db.Set<InboxMessage>().FirstOrDefaultAsync(m => m.MessageId == id && m.Tenant == tenant.TenantId, cancellationToken);
        if (row is null)
            return Problems.NotFound("Message", id.ToString());
        if (row.Status != InboxStatus.Parked)
            return Problems.Conflict("The message is not parked", $"Message {id} is {row.Status}; only parked messages can be replayed or discarded.");
        change(row);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signal?.Staged.Notify();
        return TypedResults.Ok(ToDto(row));
    }

    private static async Task<Ok<MessagingStatusDto>> Status(
        ServiceDbContext db, ITenantContext tenant, SubscriptionMonitor monitor, IMessageTransport transport, CancellationToken cancellationToken)
    {
        var inbox = db.Set<InboxMessage>().AsNoTracking().Where(m => m.Tenant == tenant.TenantId);
        var counts = await inbox
            .Where(m => m.Status == InboxStatus.Pending || m.Status == InboxStatus.Parked)
            .GroupBy(m => new { m.Status, Retrying = m.Attempts > 0 })
            .Select(g => new { g.Key.Status, g.Key.Retrying, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var head = await db.Set<OutboxMessage>().MaxAsync(m => (long?)m.Position, cancellationToken) ?? 0;
        return TypedResults.Ok(new MessagingStatusDto(
            transport.Name,
            monitor.Snapshot(),
            head,
            counts.Where(c => c.Status == InboxStatus.Pending).Sum(c => c.Count),
            counts.Where(c => c.Status == InboxStatus.Pending && c.Retrying).Sum(c => c.Count),
            counts.Where(c => c.Status == InboxStatus.Parked).Sum(c => c.Count)));
    }

    private static InboxMessageDto ToDto(InboxMessage row) => new(
        row.MessageId, row.Producer, row.Type, row.Version, row.AggregateKey, row.Status, row.Attempts, row.LastError,
        row.ReceivedAt, row.NextAttemptAt, row.ParkedAt, row.Envelope);
}
