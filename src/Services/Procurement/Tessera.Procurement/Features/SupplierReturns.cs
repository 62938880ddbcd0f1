using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tessera.Messaging.Outbox;
using Tessera.Procurement.Contracts;
using Tessera.Procurement.Data;
using Tessera.Procurement.Domain;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Idempotency;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Procurement.Features;

/// <summary>
/// Goods sent back to a supplier, out of what was received from it and not yet returned: from one goods receipt, one
/// purchase order's receipts, or every receipt from the supplier into a warehouse. A draft holds the quantities; shipping
/// publishes SupplierReturnShipped and inventory's answer (Messaging/SettleSupplierReturn) completes or refuses it.
/// </summary>
public static class SupplierReturns
{
    public sealed record LineInput(string Sku, decimal? Quantity);

    public sealed record Request(Guid? ReceiptId, Guid? PurchaseOrderId, Guid? SupplierId, string? Warehouse, string Reason, IReadOnlyList<LineInput> Lines);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Reason).NotEmpty().MaximumLength(500);
            RuleFor(r => r.SupplierId).NotNull().When(r => r.ReceiptId is null && r.PurchaseOrderId is null)
                .WithMessage("Name the goods to return: a receiptId, a purchaseOrderId, or a supplierId with a warehouse.");
            RuleFor(r => r.Warehouse).NotEmpty().When(r => r.ReceiptId is null && r.PurchaseOrderId is null)
                .WithMessage("warehouse is required when returning by supplier.");
            RuleFor(r => r.Lines).NotEmpty().WithMessage("A return needs at least one line.")
                .Must(l => l is null || l.Count <= PurchaseOrder.MaxLines).WithMessage($"A return has at most {PurchaseOrder.MaxLines} lines.");
            RuleForEach(r => r.Lines).ChildRules(line =>
            {
                line.RuleFor(l => l.Sku).NotEmpty().MaximumLength(64);
                line.RuleFor(l => l.Quantity).NotNull().GreaterThan(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
            });
        }
    }

    public static void Map(RouteGroupBuilder returns)
    {
        returns.MapPost("/", Create)
            .Validate<Request>()
            .RequireRoles(Roles.Purchasing, Roles.Warehouse)
            .WithName("CreateSupplierReturn")
            .WithSummary("Prepare a return of received goods to their supplier (quantities are held until it is shipped or cancelled). Accepts an Idempotency-Key.")
            .Produces<SupplierReturnDto>(StatusCodes.Status201Created);
        returns.MapPost("/{id:guid}/ship", Ship).RequireRoles(Roles.Purchasing, Roles.Warehouse).WithName("ShipSupplierReturn")
            .WithSummary("Ship a draft return: inventory issues the goods (supplier-return-out) and answers; the return is then Completed or Refused.");
        returns.MapPost("/{id:guid}/cancel", Cancel).RequireRoles(Roles.Purchasing, Roles.Warehouse).WithName("CancelSupplierReturn")
            .WithSummary("Cancel a draft return; its quantities can be returned again.");
        returns.MapGet("/{id:guid}", Get).WithName("GetSupplierReturn");
        returns.MapGet("/", List).WithName("ListSupplierReturns")
            .WithSummary("Supplier returns, newest first, filtered by status (comma-separated), supplier, purchase order and receipt.");
    }

    private static Task<IResult> Create(
        Request request,
        [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey,
        ClaimsPrincipal user,
        ProcurementDbContext db,
        IdempotentRequests idempotency,
        TimeProvider clock,
        CancellationToken cancellationToken) =>
        idempotency.ExecuteAsync(db, "procurement.create-supplier-return", idempotencyKey, request, async ct =>
        {
            var scope = await ScopeAsync(db, request, ct);
            if (scope.Problem is not null)
                return IdempotentOutcome.Refused(scope.Problem);

            var errors = new Dictionary<string, string[]>();
            var skus = request.Lines.Select(l => l.Sku.Trim()).ToList();
            for (var i = 0; i < skus.Count; i++)
                if (skus.IndexOf(skus[i]) < i)
                    errors[$"lines[{i}].sku"] = [$"{skus[i]} is already on line {skus.IndexOf(skus[i]) + 1}; a return has one line per SKU."];
            // The receipt lines stay locked until the return is saved (PostgreSQL; SQLite has one writer anyway): two
            // returns at once cannot both take the same returnable quantity (docs/adr/0024).
            var candidates = await scope.ReceiptLines.Where(l => skus.Contains(l.Sku)).OrderBy(l => l.ReceiptId).ThenBy(l => l.LineNo).ForUpdate().ToListAsync(ct);
            var receiptIds = candidates.Select(c => c.ReceiptId).Distinct().ToList();
            var receipts = await db.Receipts.AsNoTracking().Where(r => receiptIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
            var now = clock.GetUtcNow();
            var sequence = await Numbering.NextAsync(db, Numbering.SupplierReturn, ct);
            var @return = new SupplierReturn
            {
                Id = Guid.CreateVersion7(),
                Sequence = sequence,
                Number = Numbering.Format(Numbering.SupplierReturn, sequence),
                SupplierId = scope.Supplier!.Id,
                PurchaseOrderId = scope.PurchaseOrderId,
                ReceiptId = request.ReceiptId,
                Warehouse = scope.Warehouse!,
                Currency = scope.Currency!,
                Reason = request.Reason.Trim(),
                CreatedAt = now,
                CreatedBy = user.Actor(),
                UpdatedAt = now,
                Version = 1,
            };
            for (var i = 0; i < request.Lines.Count; i++)
            {
                if (errors.ContainsKey($"lines[{i}].sku"))
                    continue;
                var quantity = request.Lines[i].Quantity!.Value;
                // Newest deliveries first: they are the likeliest to be the goods going back, and at the current price.
                var available = candidates.Where(c => c.Sku == skus[i] && c.Returnable > 0)
                    .OrderByDescending(c => receipts[c.ReceiptId].Sequence).ThenBy(c => c.LineNo).ToList();
                var returnable = available.Sum(c => c.Returnable);
                if (quantity > returnable)
                {
                    errors[$"lines[{i}].quantity"] = [FormattableString.Invariant(
                        $"Only {returnable:0.####} of {skus[i]} {scope.Description} and not yet returned; {quantity:0.####} cannot go back.")];
                    continue;
                }
                var left = quantity;
                var value = 0m;
                foreach (var line in available)
                {
                    if (left == 0)
                        break;
                    var take = Math.Min(left, line.Returnable);
                    line.ReturnedQuantity += take;
                    left -= take;
                    value += take * line.UnitCost;
                    @return.Allocations.Add(new SupplierReturnAllocation
                    {
                        ReturnId = @return.Id, LineNo = i + 1, ReceiptId = line.ReceiptId, ReceiptLineNo = line.LineNo, Quantity = take, UnitCost = line.UnitCost,
                    });
                }
                @return.Lines.Add(new Domain.SupplierReturnLine { ReturnId = @return.Id, LineNo = i + 1, Sku = skus[i], Quantity = quantity, UnitPrice = Math.Round(value / quantity, 4) });
            }
            if (errors.Count > 0)
                return IdempotentOutcome.Refused(Problems.Validation(errors));

            db.SupplierReturns.Add(@return);
            return IdempotentOutcome.Created($"/api/procurement/supplier-returns/{@return.Id}",
                ToDto(@return, scope.Supplier.Name, scope.PurchaseOrderNumber, scope.ReceiptNumber));
        }, cancellationToken);

    private sealed record Scope(
        Supplier? Supplier, Guid? PurchaseOrderId, string? PurchaseOrderNumber, string? ReceiptNumber, string? Warehouse, string? Currency,
        IQueryable<GoodsReceiptLine> ReceiptLines, string Description, IResult? Problem);

    /// <summary>Which received goods the return may take from, and the supplier, warehouse and currency that follow.</summary>
    private static async Task<Scope> ScopeAsync(ProcurementDbContext db, Request request, CancellationToken cancellationToken)
    {
        static Scope Refuse(IResult problem) => new(null, null, null, null, null, null, Enumerable.Empty<GoodsReceiptLine>().AsQueryable(), "", problem);

        if (request.ReceiptId is { } receiptId)
        {
            var receipt = await db.Receipts.AsNoTracking().FirstOrDefaultAsync(r => r.Id == receiptId, cancellationToken);
            if (receipt is null)
                return Refuse(Problems.Validation("receiptId", $"No goods receipt '{receiptId}' exists."));
            if (request.PurchaseOrderId is { } po && po != receipt.PurchaseOrderId)
                return Refuse(Problems.Validation("purchaseOrderId", $"Goods receipt {receipt.Number} is not of that purchase order."));
            if (request.SupplierId is { } s && s != receipt.SupplierId)
                return Refuse(Problems.Validation("supplierId", $"Goods receipt {receipt.Number} is not from that supplier."));
            var supplier = await db.Suppliers.AsNoTracking().FirstAsync(x => x.Id == receipt.SupplierId, cancellationToken);
            var orderNumber = await db.PurchaseOrders.Where(o => o.Id == receipt.PurchaseOrderId).Select(o => o.Number).FirstAsync(cancellationToken);
            return new Scope(supplier, receipt.PurchaseOrderId, orderNumber, receipt.Number, receipt.Warehouse, receipt.Currency,
                db.ReceiptLines.Where(l => l.ReceiptId == receiptId), $"was accepted on receipt {receipt.Number}", null);
        }
        if (request.PurchaseOrderId is { } orderId)
        {
            var order = await db.PurchaseOrders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == orderId, cancellationToken);
            if (order is null)
                return Refuse(Problems.Validation("purchaseOrderId", $"No purchase order '{orderId}' exists."));
            if (request.SupplierId is { } s && s != order.SupplierId)
                return Refuse(Problems.Validation("supplierId", $"Purchase order {order.Number} is not from that supplier."));
            var supplier = await db.Suppliers.AsNoTracking().FirstAsync(x => x.Id == order.SupplierId, cancellationToken);
            return new Scope(supplier, order.Id, order.Number, null, order.Warehouse, order.Currency,
                db.ReceiptLines.Where(l => db.Receipts.Any(r => r.Id == l.ReceiptId && r.PurchaseOrderId == orderId)), $"was received on {order.Number}", null);
        }
        var bySupplier = await db.Suppliers.AsNoTracking().FirstOrDefaultAsync(x => x.Id == request.SupplierId, cancellationToken);
        if (bySupplier is null)
            return Refuse(Problems.Validation("supplierId", $"No supplier '{request.SupplierId}' exists."));
        var warehouse = request.Warehouse!.Trim().ToUpperInvariant();
        var currency = bySupplier.Currency;
        return new Scope(bySupplier, null, null, null, warehouse, currency,
            db.ReceiptLines.Where(l => db.Receipts.Any(r => r.Id == l.ReceiptId && r.SupplierId == bySupplier.Id && r.Warehouse == warehouse && r.Currency == currency)),
            $"was received from {bySupplier.Code} into {warehouse}", null);
    }

    private static Task<IResult> Ship(Guid id, HttpContext http, ClaimsPrincipal user, ProcurementDbContext db, IOutbox outbox, TimeProvider clock,
        CancellationToken cancellationToken) =>
        TransitionAsync(id, http, db, cancellationToken, (r, now) =>
        {
            var result = r.Ship(user.Actor(), now);
            if (result.Outcome == TransitionOutcome.Done)
                outbox.Publish(new SupplierReturnShipped(r.Id, r.Number, r.SupplierId, r.PurchaseOrderId, r.Warehouse, r.Currency,
                    r.Lines.OrderBy(l => l.LineNo).Select(l => new Contracts.SupplierReturnLine(l.Sku, l.Quantity, l.UnitPrice)).ToList(), r.Reason, now),
                    r.AggregateId);
            return Task.FromResult(result);
        });

    private static Task<IResult> Cancel(Guid id, HttpContext http, ProcurementDbContext db, TimeProvider clock, CancellationToken cancellationToken) =>
        TransitionAsync(id, http, db, cancellationToken, async (r, now) =>
        {
            var result = r.Cancel(now);
            if (result.Outcome == TransitionOutcome.Done)
                r.ReleaseAllocations(await AllocatedLinesAsync(db, r, cancellationToken));
            return result;
        });

    /// <summary>The receipt lines a return's held quantities were taken from, tracked, to give them back.</summary>
    public static async Task<Dictionary<(Guid ReceiptId, int LineNo), GoodsReceiptLine>> AllocatedLinesAsync(ProcurementDbContext db, SupplierReturn r,
        CancellationToken cancellationToken)
    {
        var receiptIds = r.Allocations.Select(a => a.ReceiptId).Distinct().ToList();
        var lines = await db.ReceiptLines.Where(l => receiptIds.Contains(l.ReceiptId)).OrderBy(l => l.ReceiptId).ThenBy(l => l.LineNo).ForUpdate()
            .ToListAsync(cancellationToken);
        return lines.ToDictionary(l => (l.ReceiptId, l.LineNo));
    }

    private static async Task<IResult> TransitionAsync(Guid id, HttpContext http, ProcurementDbContext db, CancellationToken cancellationToken,
        Func<SupplierReturn, DateTimeOffset, Task<(TransitionOutcome Outcome, string? Why)>> transition)
    {
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var r = await Load(db).FirstOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (r is null)
            return Problems.NotFound("Supplier return", id.ToString());
        if (!ETags.Matches(http.Request, r.Version))
            return Problems.PreconditionFailed($"Supplier return {r.Number} is at version {r.Version}, not the one in If-Match. Reload it first.");
        var (outcome, why) = await transition(r, clock.GetUtcNow());
        if (outcome == TransitionOutcome.NotAllowed)
            return Problems.Conflict("The supplier return cannot make this change", why!, new Dictionary<string, object?> { ["status"] = r.Status.ToString() });
        if (outcome == TransitionOutcome.Done)
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        ETags.Set(http.Response, r.Version);
        return TypedResults.Ok((await ToDtosAsync(db, [r], cancellationToken))[0]);
    }

    public static IQueryable<SupplierReturn> Load(ProcurementDbContext db) => db.SupplierReturns.AsSplitQuery().Include(r => r.Lines).Include(r => r.Allocations);

    private static async Task<Results<Ok<SupplierReturnDto>, ProblemHttpResult>> Get(Guid id, HttpResponse response, ProcurementDbContext db, CancellationToken cancellationToken)
    {
        var r = await Load(db).AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (r is null)
            return Problems.NotFound("Supplier return", id.ToString());
        ETags.Set(response, r.Version);
        return TypedResults.Ok((await ToDtosAsync(db, [r], cancellationToken))[0]);
    }

    private static async Task<Results<Ok<PagedResult<SupplierReturnDto>>, ValidationProblem>> List(
        string? status, Guid? supplierId, Guid? purchaseOrderId, Guid? receiptId, int? page, int? pageSize, ProcurementDbContext db, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var query = db.SupplierReturns.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(status))
        {
            var statuses = new List<SupplierReturnStatus>();
            foreach (var part in status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Enum.TryParse<SupplierReturnStatus>(part, ignoreCase: true, out var parsed))
                    return Problems.Validation("status", $"status is one or more of {string.Join(", ", Enum.GetNames<SupplierReturnStatus>())}, comma-separated.");
                statuses.Add(parsed);
            }
            query = query.Where(r => statuses.Contains(r.Status));
        }
        if (supplierId is not null)
            query = query.Where(r => r.SupplierId == supplierId);
        if (purchaseOrderId is not null)
            query = query.Where(r => r.PurchaseOrderId == purchaseOrderId);
        if (receiptId is not null)
            query = query.Where(r => r.ReceiptId == receiptId);
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(r => r.Sequence).Skip(paging.Skip).Take(paging.PageSize)
            .Include(r => r.Lines).AsSplitQuery().ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<SupplierReturnDto>(await ToDtosAsync(db, rows, cancellationToken), paging.Page, paging.PageSize, total));
    }

    public static async Task<List<SupplierReturnDto>> ToDtosAsync(ProcurementDbContext db, IReadOnlyList<SupplierReturn> rows, CancellationToken cancellationToken)
    {
        var supplierIds = rows.Select(r => r.SupplierId).Distinct().ToList();
        var orderIds = rows.Where(r => r.PurchaseOrderId is not null).Select(r => r.PurchaseOrderId!.Value).Distinct().ToList();
        var receiptIds = rows.Where(r => r.ReceiptId is not null).Select(r => r.ReceiptId!.Value).Distinct().ToList();
        var suppliers = await db.Suppliers.AsNoTracking().Where(s => supplierIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        var orders = await db.PurchaseOrders.AsNoTracking().Where(o => orderIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Number, cancellationToken);
        var receipts = await db.Receipts.AsNoTracking().Where(r => receiptIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Number, cancellationToken);
        return rows.Select(r => ToDto(r, suppliers[r.SupplierId], r.PurchaseOrderId is { } o ? orders.GetValueOrDefault(o) : null,
            r.ReceiptId is { } rc ? receipts.GetValueOrDefault(rc) : null)).ToList();
    }

    public static SupplierReturnDto ToDto(SupplierReturn r, string supplierName, string? orderNumber, string? receiptNumber) => new(
        r.Id, r.Number, r.SupplierId, supplierName, r.PurchaseOrderId, orderNumber, r.ReceiptId, receiptNumber, r.Warehouse, r.Currency, r.Reason, r.Status,
        r.RefusalReason,
        r.Lines.OrderBy(l => l.LineNo).Select(l => new SupplierReturnLineDto(l.LineNo, l.Sku, l.Quantity, l.UnitPrice,
            Currencies.Round(l.Quantity * l.UnitPrice, r.Currency))).ToList(),
        r.Total, r.CreatedAt, r.CreatedBy, r.ShippedAt, r.SettledAt, r.Version);
}
