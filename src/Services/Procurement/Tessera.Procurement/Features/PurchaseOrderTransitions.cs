using System.Security.Claims;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Tessera.Messaging.Outbox;
using Tessera.Procurement.Contracts;
using Tessera.Procurement.Data;
using Tessera.Procurement.Domain;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Procurement.Features;

/// <summary>
/// Approve, cancel and close: each an explicit transition of the purchase order's lifecycle, refused with the reason
/// when the order's status does not allow it, conditional on If-Match when sent, and announced through the outbox in
/// the same transaction. Asking again for the status an order already has changes nothing.
/// </summary>
public static class PurchaseOrderTransitions
{
    public sealed record CancelRequest(string Reason);

    public sealed record CloseRequest(string? Reason);

    public sealed class CancelValidator : AbstractValidator<CancelRequest>
    {
        public CancelValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(500);
    }

    public sealed class CloseValidator : AbstractValidator<CloseRequest>
    {
        public CloseValidator() => RuleFor(r => r.Reason).MaximumLength(500);
    }

    public static void Map(RouteGroupBuilder orders)
    {
        orders.MapPost("/{id:guid}/approve", Approve).RequireRoles(Roles.Purchasing).WithName("ApprovePurchaseOrder")
            .WithSummary("Approve a draft: its lines are frozen and PurchaseOrderApproved is published.");
        orders.MapPost("/{id:guid}/cancel", Cancel).Validate<CancelRequest>().RequireRoles(Roles.Purchasing).WithName("CancelPurchaseOrder")
            .WithSummary("Cancel a draft, or an approved order on which nothing has been received, with a reason.");
        orders.MapPost("/{id:guid}/close", Close).Validate<CloseRequest>().RequireRoles(Roles.Purchasing).WithName("ClosePurchaseOrder")
            .WithSummary("Close a received order, or short-close a partially received one (with a reason: the rest will not come).");
    }

    private static Task<IResult> Approve(Guid id, HttpContext http, ClaimsPrincipal user, ProcurementDbContext db, IOutbox outbox, TimeProvider clock,
        CancellationToken cancellationToken) =>
        TransitionAsync(id, http, db, cancellationToken, async (order, supplier, now) =>
        {
            if (order.IsDraft && !supplier.IsActive)
                return (TransitionOutcome.NotAllowed, $"Supplier {supplier.Code} is inactive; activate it or cancel the order.");
            var result = order.Approve(user.Actor(), now);
            if (result.Outcome == TransitionOutcome.Done)
            {
                outbox.Publish(new PurchaseOrderApproved(order.Id, order.Number, order.SupplierId, order.Warehouse, order.Currency,
                    order.Lines.OrderBy(l => l.LineNo).Select(l => new Contracts.PurchaseOrderLine(l.LineNo, l.Sku, l.Quantity, l.UnitPrice)).ToList(), now),
                    order.Id.ToString());
                await ReorderSuggestions.MarkOrderedAsync(db, order.Id, now, cancellationToken);
            }
            return result;
        });

    private static Task<IResult> Cancel(Guid id, CancelRequest request, HttpContext http, ClaimsPrincipal user, ProcurementDbContext db, IOutbox outbox,
        TimeProvider clock, CancellationToken cancellationToken) =>
        TransitionAsync(id, http, db, cancellationToken, async (order, _, now) =>
        {
            var wasAnnounced = order.Status == PurchaseOrderStatus.Approved;
            var result = order.Cancel(request.Reason.Trim(), user.Actor(), now);
            if (result.Outcome == TransitionOutcome.Done)
            {
                // A draft was never announced: nobody else knows of it, so its cancellation is not news either.
                if (wasAnnounced)
                    outbox.Publish(new PurchaseOrderCancelled(order.Id, order.Number, request.Reason.Trim(), now), order.Id.ToString());
                await ReorderSuggestions.DismissForOrderAsync(db, order.Id, $"Purchase order {order.Number} was cancelled", user.Actor(), now, cancellationToken);
            }
            return result;
        });

    private static Task<IResult> Close(Guid id, CloseRequest request, HttpContext http, ClaimsPrincipal user, ProcurementDbContext db, IOutbox outbox,
        TimeProvider clock, CancellationToken cancellationToken) =>
        TransitionAsync(id, http, db, cancellationToken, (order, _, now) =>
        {
            var result = order.Close(request.Reason, user.Actor(), now);
            if (result.Outcome == TransitionOutcome.Done)
                outbox.Publish(new PurchaseOrderClosed(order.Id, order.Number, now), order.Id.ToString());
            return Task.FromResult(result);
        });

    private static async Task<IResult> TransitionAsync(Guid id, HttpContext http, ProcurementDbContext db, CancellationToken cancellationToken,
        Func<PurchaseOrder, Supplier, DateTimeOffset, Task<(TransitionOutcome Outcome, string? Why)>> transition)
    {
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var order = await PurchaseOrders.Load(db).FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (order is null)
            return Problems.NotFound("Purchase order", id.ToString());
        if (!ETags.Matches(http.Request, order.Version))
            return Problems.PreconditionFailed($"Purchase order {order.Number} is at version {order.Version}, not the one in If-Match. Reload it first.");
        var supplier = await db.Suppliers.AsNoTracking().FirstAsync(s => s.Id == order.SupplierId, cancellationToken);

        var (outcome, why) = await transition(order, supplier, clock.GetUtcNow());
        if (outcome == TransitionOutcome.NotAllowed)
            return Problems.Conflict("The purchase order cannot make this change", why!,
                new Dictionary<string, object?> { ["status"] = order.Status.ToString() });
        if (outcome == TransitionOutcome.Done)
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        ETags.Set(http.Response, order.Version);
        return TypedResults.Ok(PurchaseOrders.ToDto(order, supplier, await PurchaseOrders.ReturnedAsync(db, id, cancellationToken)));
    }
}
