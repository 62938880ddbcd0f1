using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.Orders.Domain;
using Tessera.Orders.Fulfilment;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Orders.Features;

/// <summary>
/// Many orders at once: cancel them with one reason (each as a single cancellation would — compensations and all — or
/// refused with its reason), or add tags to them. Each order in its own transaction, so one refusal stops nothing else.
/// </summary>
public static class BulkOrders
{
    public const int MaxOrders = 500;

    public sealed record CancelRequest(IReadOnlyList<Guid> OrderIds, string Reason);

    public sealed record TagRequest(IReadOnlyList<Guid> OrderIds, IReadOnlyList<string> Tags);

    public sealed class CancelValidator : AbstractValidator<CancelRequest>
    {
        public CancelValidator()
        {
            RuleFor(r => r.OrderIds).NotEmpty().WithMessage("Select at least one order.")
                .Must(ids => ids is null || ids.Count <= MaxOrders).WithMessage($"At most {MaxOrders} orders at a time.");
            RuleFor(r => r.Reason).NotEmpty().MaximumLength(500);
        }
    }

    public sealed class TagValidator : AbstractValidator<TagRequest>
    {
        public TagValidator()
        {
            RuleFor(r => r.OrderIds).NotEmpty().WithMessage("Select at least one order.")
                .Must(ids => ids is null || ids.Count <= MaxOrders).WithMessage($"At most {MaxOrders} orders at a time.");
            RuleFor(r => r.Tags).NotEmpty().WithMessage("Name at least one tag.")
                .Must(t => t is null || t.Count <= OrderRules.MaxTags).WithMessage($"At most {OrderRules.MaxTags} tags.");
            RuleForEach(r => r.Tags).NotEmpty().Matches(OrderRules.TagPattern).WithMessage("A tag is 1 to 40 letters, digits, spaces, '-' or '_'.");
        }
    }

    public static void Map(RouteGroupBuilder orders)
    {
        orders.MapPost("/bulk/cancel", Cancel).Validate<CancelRequest>().RequireRoles(Roles.Sales).WithName("CancelOrders")
            .WithSummary($"Cancel up to {MaxOrders} orders with one reason; each is cancelled on its own and the answer names the ones refused.");
        orders.MapPost("/bulk/tag", Tag).Validate<TagRequest>().RequireRoles(Roles.Sales).WithName("TagOrders")
            .WithSummary($"Add tags to up to {MaxOrders} orders (labels: any live order may get them).");
    }

    private static async Task<Ok<BulkResultDto>> Cancel(
        CancelRequest request, ClaimsPrincipal user, OrdersDbContext db, FulfilmentProcess process, CancellationToken cancellationToken)
    {
        var items = new List<BulkItemResultDto>();
        foreach (var id in request.OrderIds.Distinct())
        {
            await using (var transaction = await db.BeginWriteAsync(cancellationToken))
            {
                var order = await db.Orders.AsSplitQuery().Include(o => o.Lines).Include(o => o.History).Include(o => o.Timeline).WithFulfilment()
                    .FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
                if (order is null)
                    items.Add(new BulkItemResultDto(id, false, "Order not found", "No such order, or it was closed and archived."));
                else
                {
                    switch (process.Cancel(order, request.Reason.Trim(), user.Actor()))
                    {
                        case CancelOutcome.NotAllowed:
                            items.Add(new BulkItemResultDto(id, false, "The order cannot be cancelled", FulfilmentProcess.WhyNotCancellable(order), order.Number));
                            break;
                        case CancelOutcome.AlreadyCancelled:
                            items.Add(new BulkItemResultDto(id, true, Number: order.Number));
                            break;
                        default:
                            await db.SaveChangesAsync(cancellationToken);
                            await transaction.CommitAsync(cancellationToken);
                            items.Add(new BulkItemResultDto(id, true, Number: order.Number));
                            break;
                    }
                }
            }
            db.ChangeTracker.Clear();
        }
        return TypedResults.Ok(new BulkResultDto(items));
    }

    private static async Task<Ok<BulkResultDto>> Tag(
        TagRequest request, ClaimsPrincipal user, OrdersDbContext db, IOutbox outbox, TimeProvider clock, CancellationToken cancellationToken)
    {
        var items = new List<BulkItemResultDto>();
        var adding = request.Tags.Select(OrderRules.NormalizeTag).Distinct().ToList();
        foreach (var id in request.OrderIds.Distinct())
        {
            await using (var transaction = await db.BeginWriteAsync(cancellationToken))
            {
                var order = await db.Orders.Include(o => o.Timeline).FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
                if (order is null)
                {
                    items.Add(new BulkItemResultDto(id, false, "Order not found", "No such order, or it was closed and archived."));
                    continue;
                }
                var tags = OrderComposer.ReadTags(order.Tags);
                var added = adding.Except(tags).ToList();
                if (added.Count > 0)
                {
                    if (tags.Count + added.Count > OrderRules.MaxTags)
                    {
                        items.Add(new BulkItemResultDto(id, false, "Too many tags", $"Order {order.Number} would have more than {OrderRules.MaxTags} tags.", order.Number));
                        continue;
                    }
                    order.Tags = OrderComposer.Tags([.. tags, .. added]);
                    order.Edited("Tagged " + string.Join(", ", added), user.Actor(), clock.GetUtcNow());
                    await db.SaveChangesAsync(cancellationToken);
                    outbox.Publish(new OrderChanged(order.Id, order.Number, order.Version, ["operational.tags"], null), order.Id.ToString());
                    await db.SaveChangesAsync(cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }
                items.Add(new BulkItemResultDto(id, true, Number: order.Number));
            }
            db.ChangeTracker.Clear();
        }
        return TypedResults.Ok(new BulkResultDto(items));
    }
}
