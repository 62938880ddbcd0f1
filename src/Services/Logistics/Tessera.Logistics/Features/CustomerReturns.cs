using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tessera.Logistics.Contracts;
using Tessera.Logistics.Data;
using Tessera.Logistics.Domain;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Idempotency;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Logistics.Features;

/// <summary>
/// Customer returns: an authorization (RMA) for delivered goods of an order — never more per SKU than was delivered
/// minus what earlier returns already count — and then the goods as they arrive at a warehouse, each line restocked
/// or damaged. ReturnAuthorized and ReturnReceived go to the orders service; inventory restocks the restockable lines.
/// </summary>
public static class CustomerReturns
{
    public sealed record LineInput(string Sku, decimal? Quantity);

    public sealed record AuthorizeRequest(Guid OrderId, IReadOnlyList<LineInput> Lines, string Reason);

    public sealed record ReceivedLineInput(string Sku, decimal? Quantity, string Condition);

    public sealed record ReceiveRequest(string Warehouse, IReadOnlyList<ReceivedLineInput> Lines);

    public sealed class AuthorizeValidator : AbstractValidator<AuthorizeRequest>
    {
        public AuthorizeValidator()
        {
            RuleFor(r => r.OrderId).NotEmpty();
            RuleFor(r => r.Reason).NotEmpty().MaximumLength(500);
            RuleFor(r => r.Lines).NotEmpty().WithMessage("A return needs at least one line.")
                .Must(l => l is null || l.Count <= 200).WithMessage("A return has at most 200 lines.");
            RuleForEach(r => r.Lines).ChildRules(line =>
            {
                line.RuleFor(l => l.Sku).NotEmpty().MaximumLength(64);
                line.RuleFor(l => l.Quantity).NotNull().GreaterThan(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
            });
        }
    }

    public sealed class ReceiveValidator : AbstractValidator<ReceiveRequest>
    {
        public ReceiveValidator()
        {
            RuleFor(r => r.Warehouse).NotEmpty().Matches("^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$")
                .WithMessage("warehouse is a warehouse code: 1 to 20 letters, digits, '_' or '-'.");
            RuleFor(r => r.Lines).NotEmpty().WithMessage("Say what arrived: at least one line.")
                .Must(l => l is null || l.Count <= 400).WithMessage("A receipt has at most 400 lines.");
            RuleForEach(r => r.Lines).ChildRules(line =>
            {
                line.RuleFor(l => l.Sku).NotEmpty().MaximumLength(64);
                line.RuleFor(l => l.Quantity).NotNull().GreaterThan(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
                line.RuleFor(l => l.Condition).NotEmpty().Must(c => c is null || ReturnConditions.All.Contains(c.Trim().ToLowerInvariant()))
                    .WithMessage("condition is \"restock\" (goes back into stock) or \"damaged\" (recorded, not stocked).");
            });
        }
    }

    public static void Map(RouteGroupBuilder returns)
    {
        returns.MapPost("/", Authorize)
            .Validate<AuthorizeRequest>()
            .RequireRoles(Roles.Sales, Roles.Warehouse)
            .WithName("AuthorizeReturn")
            .WithSummary("Authorize a customer return (RMA) for delivered goods of an order. Accepts an Idempotency-Key.")
            .Produces<ReturnDto>(StatusCodes.Status201Created);
        returns.MapGet("/", List).WithName("ListReturns").WithSummary("Customer returns, newest first, by order and status.");
        returns.MapGet("/returnable", Returnable).WithName("ReturnableGoods")
            .WithSummary("Per SKU of an order: delivered, already returned, and what may still be returned.");
        returns.MapGet("/{id:guid}", Get).WithName("GetReturn");
        returns.MapPost("/{id:guid}/receive", Receive)
            .Validate<ReceiveRequest>()
            .RequireRoles(Roles.Warehouse)
            .WithName("ReceiveReturn")
            .WithSummary("The returned goods arrived at a warehouse, each line restocked or damaged. If-Match optional.")
            .Produces<ReturnDto>()
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static Task<IResult> Authorize(
        AuthorizeRequest request,
        [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey,
        ClaimsPrincipal user,
        LogisticsDbContext db,
        IOutbox outbox,
        IdempotentRequests idempotency,
        TimeProvider clock,
        CancellationToken cancellationToken) =>
        idempotency.ExecuteAsync(db, "logistics.authorize-return", idempotencyKey, request, async ct =>
        {
            // Checked inside the write transaction: two returns authorized at once cannot both take the same units.
            var returnable = await ReturnableGoods.ForOrderAsync(db, request.OrderId, ct);
            if (returnable.Lines.Count == 0)
                return IdempotentOutcome.Refused(Problems.Validation("orderId",
                    $"Order {request.OrderId} has no delivered goods: only delivered goods can be returned."));

            var errors = new Dictionary<string, string[]>();
            var bySku = returnable.Lines.ToDictionary(l => l.Sku, StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < request.Lines.Count; i++)
            {
                var line = request.Lines[i];
                var sku = line.Sku.Trim();
                if (!seen.Add(sku))
                    errors[$"lines[{i}].sku"] = [$"{sku} appears more than once; put its whole quantity on one line."];
                else if (!bySku.TryGetValue(sku, out var available))
                    errors[$"lines[{i}].sku"] = [$"{sku} was not delivered for order {returnable.OrderNumber}."];
                else if (line.Quantity > available.Returnable)
                    errors[$"lines[{i}].quantity"] = [available.Returnable == 0
                        ? $"Nothing more of {sku} can be returned: {Quantities.Text(available.Delivered)} delivered, {Quantities.Text(available.Returned)} already returned."
                        : $"At most {Quantities.Text(available.Returnable)} of {sku} can be returned: {Quantities.Text(available.Delivered)} delivered, " +
                          $"{Quantities.Text(available.Returned)} already returned."];
            }
            if (errors.Count > 0)
                return IdempotentOutcome.Refused(Problems.Validation(errors));

            var number = await DocumentNumbers.NextAsync(db, DocumentSequence.Returns, ct);
            var rma = CustomerReturn.Authorize(request.OrderId, returnable.OrderNumber ?? 0, number,
                request.Lines.Select(l => (l.Sku.Trim(), l.Quantity!.Value)).ToList(), request.Reason.Trim(), user.Actor(), clock.GetUtcNow());
            db.Returns.Add(rma);
            outbox.Publish(rma.Authorized(), rma.OrderId.ToString());
            return IdempotentOutcome.Created($"/api/logistics/returns/{rma.Id}", rma.ToDto());
        }, cancellationToken);

    private static async Task<Results<Ok<PagedResult<ReturnDto>>, ValidationProblem>> List(
        Guid? orderId, string? status, int? page, int? pageSize, LogisticsDbContext db, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var query = db.Returns.AsNoTracking();
        if (orderId is not null)
            query = query.Where(r => r.OrderId == orderId);
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<ReturnStatus>(status, ignoreCase: true, out var parsed) || int.TryParse(status, out _))
                return Problems.Validation("status", $"status is one of {string.Join(", ", Enum.GetNames<ReturnStatus>())}.");
            query = query.Where(r => r.Status == parsed);
        }
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.Include(r => r.Lines).OrderByDescending(r => r.AuthorizedAt).ThenByDescending(r => r.Id)
            .Skip(paging.Skip).Take(paging.PageSize).AsSplitQuery().ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<ReturnDto>(rows.Select(r => r.ToDto()).ToList(), paging.Page, paging.PageSize, total));
    }

    private static async Task<Ok<ReturnableDto>> Returnable(Guid orderId, LogisticsDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ReturnableGoods.ForOrderAsync(db, orderId, cancellationToken));

    private static async Task<Results<Ok<ReturnDto>, ProblemHttpResult>> Get(Guid id, HttpResponse response, LogisticsDbContext db, CancellationToken cancellationToken)
    {
        var rma = await db.Returns.AsNoTracking().Include(r => r.Lines).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rma is null)
            return Problems.NotFound("Return", id.ToString());
        ETags.Set(response, rma.Version);
        return TypedResults.Ok(rma.ToDto());
    }

    private static async Task<IResult> Receive(
        Guid id, ReceiveRequest request, HttpContext http, ClaimsPrincipal user, LogisticsDbContext db, WarehouseDirectory warehouses, IOutbox outbox,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var warehouse = request.Warehouse.Trim().ToUpperInvariant();
        // Asked before the write transaction opens, so that a slow inventory never holds the write gate.
        if (!await warehouses.ExistsAsync(warehouse, cancellationToken))
            return Problems.Validation("warehouse", $"No warehouse '{warehouse}' exists in inventory.");

        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var rma = await db.Returns.Include(r => r.Lines).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rma is null)
            return Problems.NotFound("Return", id.ToString());
        if (!ETags.Matches(http.Request, rma.Version))
            return Problems.PreconditionFailed($"Return {rma.Number} is at version {rma.Version}, not the one in If-Match. Reload it first.");
        if (rma.Status != ReturnStatus.Authorized)
            return Problems.Conflict("The return was already received",
                $"Return {rma.Number} is {rma.Status}: it arrived at {rma.Warehouse} on {rma.ReceivedAt:u}. A return is received once.",
                new Dictionary<string, object?> { ["currentStatus"] = rma.Status.ToString() });

        var received = request.Lines.Select(l => new ReturnedLine(l.Sku.Trim(), l.Quantity!.Value, l.Condition.Trim().ToLowerInvariant())).ToList();
        var authorized = rma.Lines.ToDictionary(l => l.Sku, l => l.Quantity, StringComparer.Ordinal);
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < received.Count; i++)
        {
            var line = received[i];
            if (!authorized.TryGetValue(line.Sku, out var allowed))
            {
                errors[$"lines[{i}].sku"] = [$"{line.Sku} is not on return {rma.Number}."];
                continue;
            }
            var total = received.Where(r => r.Sku == line.Sku).Sum(r => r.Quantity);
            if (total > allowed && received.FindIndex(r => r.Sku == line.Sku) == i)
                errors[$"lines[{i}].quantity"] = [$"{Quantities.Text(total)} of {line.Sku} received in all, but return {rma.Number} authorizes {Quantities.Text(allowed)}."];
        }
        if (errors.Count > 0)
            return Problems.Validation(errors);

        outbox.Publish(rma.Receive(warehouse, received, user.Actor(), clock.GetUtcNow()), rma.OrderId.ToString());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        ETags.Set(http.Response, rma.Version);
        return TypedResults.Ok(rma.ToDto());
    }
}
