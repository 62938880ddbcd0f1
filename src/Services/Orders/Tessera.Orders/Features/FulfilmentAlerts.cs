using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.Orders.Domain;
using Tessera.Orders.Fulfilment;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Orders.Features;

/// <summary>
/// The fulfilment alerts of the tenant: open ones (newest first) for the people who act on them, and resolving one that
/// needs a person (a cancellation that came too late, a failed stock issue) with a note of what was done.
/// </summary>
public static class FulfilmentAlerts
{
    public sealed record ResolveRequest(string Note);

    public sealed class ResolveValidator : AbstractValidator<ResolveRequest>
    {
        public ResolveValidator() => RuleFor(r => r.Note).NotEmpty().MaximumLength(500);
    }

    public static void Map(RouteGroupBuilder orders)
    {
        orders.MapGet("/fulfilment/alerts", List).WithName("ListFulfilmentAlerts")
            .WithSummary("Fulfilment alerts, newest first: open ones, or every one with includeCleared=true; kind and orderId narrow the list. Paged (page, pageSize).");
        orders.MapPost("/fulfilment/alerts/{id:long}/resolve", Resolve)
            .Validate<ResolveRequest>()
            .RequireRoles(Roles.Sales, Roles.Warehouse)
            .WithName("ResolveFulfilmentAlert")
            .WithSummary("Clear an open alert with a note of what was done; it stays in the order's timeline. Resolving a cleared alert changes nothing.");
    }

    private static async Task<Results<Ok<PagedResult<FulfilmentAlertDto>>, ValidationProblem>> List(
        int? page, int? pageSize, bool? includeCleared, string? kind, Guid? orderId, OrdersDbContext db, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var query = db.FulfilmentAlerts.AsNoTracking();
        if (includeCleared != true)
            query = query.Where(a => a.ClearedAt == null);
        if (!string.IsNullOrWhiteSpace(kind))
            query = query.Where(a => a.Kind == kind.Trim());
        if (orderId is not null)
            query = query.Where(a => a.OrderId == orderId);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(a => a.RaisedAt).ThenByDescending(a => a.Id).Skip(paging.Skip).Take(paging.PageSize)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<FulfilmentAlertDto>(items.Select(OrderMapping.ToDto).ToList(), paging.Page, paging.PageSize, total));
    }

    private static async Task<Results<Ok<FulfilmentAlertDto>, ProblemHttpResult>> Resolve(
        long id, ResolveRequest request, ClaimsPrincipal user, OrdersDbContext db, FulfilmentProcess process, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var alert = await db.FulfilmentAlerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (alert is null)
            return Problems.NotFound("Alert", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (alert.ClearedAt is not null)
            return TypedResults.Ok(OrderMapping.ToDto(alert));

        var order = await db.Orders.AsSplitQuery().WithFulfilment().FirstAsync(o => o.Id == alert.OrderId, cancellationToken);
        var fulfilment = order.Fulfilment!;
        fulfilment.Clear(alert.Kind, alert.ShipmentId, $"resolved by {user.Actor()}: {request.Note.Trim()}", user.Actor(), process.Now);
        process.Flush(order, fulfilment);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(OrderMapping.ToDto(fulfilment.Alerts.Single(a => a.Id == id)));
    }
}
