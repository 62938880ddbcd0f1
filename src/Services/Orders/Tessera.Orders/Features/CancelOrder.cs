using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.Orders.Domain;
using Tessera.Orders.Fulfilment;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Orders.Features;

/// <summary>
/// Cancels a Pending or Confirmed order — nothing has left a warehouse yet. OrderCancelled tells inventory to release
/// what it reserved and logistics to cancel the shipments; the fulfilment records both as awaited compensations. Once
/// a shipment left, the order cannot be cancelled: the answer says where the goods went and suggests a return.
/// </summary>
public static class CancelOrder
{
    public sealed record Request(string Reason);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(500);
    }

    public static void Map(RouteGroupBuilder orders) =>
        orders.MapPost("/{id:guid}/cancel", Handle)
            .Validate<Request>()
            .RequireRoles(Roles.Sales)
            .WithName("CancelOrder")
            .WithSummary("Cancel an order with a reason. Cancelling an already cancelled order changes nothing.");

    private static async Task<Results<Ok<OrderDto>, ProblemHttpResult>> Handle(
        Guid id, Request request, HttpContext http, ClaimsPrincipal user, OrdersDbContext db, Archive.OrderArchive archive, OrderPrivacy privacy,
        FulfilmentProcess process, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var order = await db.Orders.AsSplitQuery().Include(o => o.Lines).Include(o => o.History).Include(o => o.Timeline).WithFulfilment()
            .FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (order is null)
            return await archive.FindAsync(id, cancellationToken) is { } archived
                ? Problems.Conflict("The order is archived", $"Order {archived.Number} was closed and archived; archived orders cannot be cancelled.")
                : Problems.NotFound("Order", id.ToString());
        if (!ETags.Matches(http.Request, order.Version))
            return Problems.PreconditionFailed($"Order {order.Number} is at version {order.Version}, not the one in If-Match. Reload it first.");

        switch (process.Cancel(order, request.Reason.Trim(), user.Actor()))
        {
            case CancelOutcome.NotAllowed:
                return Problems.Conflict("The order cannot be cancelled", FulfilmentProcess.WhyNotCancellable(order),
                    new Dictionary<string, object?>
                    {
                        ["orderStatus"] = order.Status.ToString(),
                        ["suggestion"] = order.Status == OrderStatus.Rejected ? null : "customer-return",
                    });
            case CancelOutcome.Cancelled:
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                break;
        }

        ETags.Set(http.Response, order.Version);
        return TypedResults.Ok(order.ToDto(privacy));
    }
}
