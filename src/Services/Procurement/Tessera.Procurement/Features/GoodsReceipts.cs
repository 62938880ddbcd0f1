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
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Idempotency;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Procurement.Features;

/// <summary>
/// Goods received against the lines of an approved purchase order: partial receipts, an over-receipt tolerance per
/// tenant (beyond it the receipt is refused naming each line and its numbers), and quantities rejected at the door with
/// a reason (recorded, never stocked). GoodsReceived tells inventory to post the accepted quantities as purchase-in at
/// the PO price; the order becomes PartiallyReceived or Received by itself.
/// </summary>
public static class GoodsReceipts
{
    public sealed record LineInput(int LineNo, decimal? AcceptedQuantity, decimal? RejectedQuantity = null, string? RejectionReason = null);

    public sealed record Request(string? DeliveryNote, IReadOnlyList<LineInput> Lines);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.DeliveryNote).MaximumLength(100);
            RuleFor(r => r.Lines).NotEmpty().WithMessage("A receipt needs at least one line.")
                .Must(l => l is null || l.Count <= PurchaseOrder.MaxLines).WithMessage($"A receipt has at most {PurchaseOrder.MaxLines} lines.")
                .Must(l => l is null || l.Select(x => x.LineNo).Distinct().Count() == l.Count).WithMessage("Each purchase order line appears once in a receipt.");
            RuleForEach(r => r.Lines).ChildRules(line =>
            {
                line.RuleFor(l => l.LineNo).GreaterThan(0);
                line.RuleFor(l => l.AcceptedQuantity).GreaterThanOrEqualTo(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
                line.RuleFor(l => l.RejectedQuantity).GreaterThanOrEqualTo(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
                line.RuleFor(l => l.AcceptedQuantity).Must((l, accepted) => (accepted ?? 0) + (l.RejectedQuantity ?? 0) > 0)
                    .WithMessage("Receive or reject something on the line (or leave the line out).");
                line.RuleFor(l => l.RejectionReason).NotEmpty().When(l => l.RejectedQuantity > 0)
                    .WithMessage("Say why goods were rejected at the door.").MaximumLength(200);
            });
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/purchase-orders/{id:guid}/receipts", Receive)
            .Validate<Request>()
            .RequireRoles(Roles.Purchasing, Roles.Warehouse)
            .WithTags("Goods receipts")
            .WithName("ReceiveAgainstPurchaseOrder")
            .WithSummary("Receive goods against an approved purchase order's lines (accepted and rejected quantities). Accepts an Idempotency-Key.")
            .Produces<GoodsReceiptDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        var receipts = api.MapGroup("/receipts").WithTags("Goods receipts");
        receipts.MapGet("/", List).WithName("ListGoodsReceipts")
            .WithSummary("Goods receipts, newest first, filtered by purchase order, supplier, warehouse, posting (Pending, Posted, NothingToPost) and number.");
        receipts.MapGet("/{id:guid}", Get).WithName("GetGoodsReceipt");
    }

    private static Task<IResult> Receive(
        Guid id,
        Request request,
        [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey,
        ClaimsPrincipal user,
        ProcurementDbContext db,
        IOutbox outbox,
        IdempotentRequests idempotency,
        TimeProvider clock,
        CancellationToken cancellationToken) =>
        idempotency.ExecuteAsync(db, "procurement.receive", idempotencyKey, new { id, request }, async ct =>
        {
            // Receipts of one order wait for each other on PostgreSQL (SQLite has one writer anyway), so each checks the
            // over-receipt allowance against what the ones before it received (docs/adr/0024).
            await db.LockAsync($"purchase-order:{db.CurrentTenantId}:{id}", ct);
            var order = await PurchaseOrders.Load(db).FirstOrDefaultAsync(o => o.Id == id, ct);
            if (order is null)
                return IdempotentOutcome.Refused(Problems.NotFound("Purchase order", id.ToString()));
            if (order.WhyNotReceivable() is { } why)
                return IdempotentOutcome.Refused(Problems.Conflict("Nothing can be received on this purchase order", why,
                    new Dictionary<string, object?> { ["status"] = order.Status.ToString() }));

            var lines = order.Lines.ToDictionary(l => l.LineNo);
            var unknown = request.Lines.Select((l, i) => (l, i)).Where(x => !lines.ContainsKey(x.l.LineNo))
                .ToDictionary(x => $"lines[{x.i}].lineNo", x => new[] { $"Purchase order {order.Number} has no line {x.l.LineNo}." });
            if (unknown.Count > 0)
                return IdempotentOutcome.Refused(Problems.Validation(unknown));

            var tolerance = (await db.Settings.AsNoTracking().FirstOrDefaultAsync(ct))?.OverReceiptTolerancePercent ?? ProcurementSettings.DefaultOverReceiptTolerancePercent;
            var over = new Dictionary<string, string[]>();
            var details = new List<object>();
            for (var i = 0; i < request.Lines.Count; i++)
            {
                var input = request.Lines[i];
                var line = lines[input.LineNo];
                if (PurchaseOrder.OverReceipt(line, input.AcceptedQuantity ?? 0, tolerance) is { } message)
                {
                    over[$"lines[{i}].acceptedQuantity"] = [message];
                    details.Add(new
                    {
                        lineNo = line.LineNo, sku = line.Sku, ordered = line.Quantity, alreadyReceived = line.ReceivedQuantity,
                        receiving = input.AcceptedQuantity ?? 0, allowed = PurchaseOrder.Allowance(line, tolerance), tolerancePercent = tolerance,
                    });
                }
            }
            if (over.Count > 0)
                return IdempotentOutcome.Refused(OverReceipt(over, details));

            var now = clock.GetUtcNow();
            var sequence = await Numbering.NextAsync(db, Numbering.GoodsReceipt, ct);
            var receipt = new GoodsReceipt
            {
                Id = Guid.CreateVersion7(),
                Sequence = sequence,
                Number = Numbering.Format(Numbering.GoodsReceipt, sequence),
                PurchaseOrderId = order.Id,
                SupplierId = order.SupplierId,
                Warehouse = order.Warehouse,
                Currency = order.Currency,
                DeliveryNote = string.IsNullOrWhiteSpace(request.DeliveryNote) ? null : request.DeliveryNote.Trim(),
                ReceivedAt = now,
                ReceivedBy = user.Actor(),
                Posting = request.Lines.Any(l => l.AcceptedQuantity > 0) ? ReceiptPostingStatus.Pending : ReceiptPostingStatus.NothingToPost,
            };
            for (var i = 0; i < request.Lines.Count; i++)
            {
                var input = request.Lines[i];
                var line = lines[input.LineNo];
                receipt.Lines.Add(new GoodsReceiptLine
                {
                    ReceiptId = receipt.Id,
                    LineNo = i + 1,
                    PurchaseOrderLineNo = line.LineNo,
                    Sku = line.Sku,
                    AcceptedQuantity = input.AcceptedQuantity ?? 0,
                    RejectedQuantity = input.RejectedQuantity ?? 0,
                    RejectionReason = input.RejectedQuantity > 0 ? input.RejectionReason!.Trim() : null,
                    UnitCost = line.UnitPrice,
                });
            }
            db.Receipts.Add(receipt);
            order.Receive(receipt.Lines.Select(l => new LineReceipt(l.PurchaseOrderLineNo, l.AcceptedQuantity, l.RejectedQuantity)).ToList(),
                receipt.Number, user.Actor(), now);

            outbox.Publish(new GoodsReceived(receipt.Id, receipt.Number, order.Id, order.Number, order.SupplierId, order.Warehouse, order.Currency,
                receipt.Lines.Select(l => new ReceivedLine(l.PurchaseOrderLineNo, l.Sku, l.AcceptedQuantity, l.RejectedQuantity, l.UnitCost)).ToList(), now),
                order.Id.ToString());
            var supplierName = await db.Suppliers.Where(s => s.Id == order.SupplierId).Select(s => s.Name).FirstAsync(ct);
            return IdempotentOutcome.Created($"/api/procurement/receipts/{receipt.Id}", ToDto(receipt, order.Number, supplierName));
        }, cancellationToken);

    private static ProblemHttpResult OverReceipt(Dictionary<string, string[]> errors, List<object> lines) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "More than ordered would be received",
            detail: string.Join(" ", errors.Values.SelectMany(v => v)),
            extensions: new Dictionary<string, object?> { ["errors"] = errors, ["overReceipts"] = lines });

    private static async Task<Results<Ok<GoodsReceiptDto>, ProblemHttpResult>> Get(Guid id, ProcurementDbContext db, CancellationToken cancellationToken)
    {
        var receipt = await db.Receipts.AsNoTracking().Include(r => r.Lines).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (receipt is null)
            return Problems.NotFound("Goods receipt", id.ToString());
        return TypedResults.Ok((await ToDtosAsync(db, [receipt], cancellationToken))[0]);
    }

    private static async Task<Results<Ok<PagedResult<GoodsReceiptDto>>, ValidationProblem>> List(
        Guid? purchaseOrderId, Guid? supplierId, string? warehouse, string? posting, string? search, int? page, int? pageSize,
        ProcurementDbContext db, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var query = db.Receipts.AsNoTracking();
        if (purchaseOrderId is not null)
            query = query.Where(r => r.PurchaseOrderId == purchaseOrderId);
        if (supplierId is not null)
            query = query.Where(r => r.SupplierId == supplierId);
        if (!string.IsNullOrWhiteSpace(warehouse))
        {
            var code = warehouse.Trim().ToUpperInvariant();
            query = query.Where(r => r.Warehouse == code);
        }
        if (!string.IsNullOrWhiteSpace(posting))
        {
            if (!Enum.TryParse<ReceiptPostingStatus>(posting, ignoreCase: true, out var parsed))
                return Problems.Validation("posting", $"posting is one of {string.Join(", ", Enum.GetNames<ReceiptPostingStatus>())}.");
            query = query.Where(r => r.Posting == parsed);
        }
        if (!string.IsNullOrWhiteSpace(search))
        {
            var number = Numbering.Parse(Numbering.GoodsReceipt, search);
            var term = search.Trim();
            query = number is { } n ? query.Where(r => r.Sequence == n || r.DeliveryNote == term) : query.Where(r => r.DeliveryNote == term);
        }
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(r => r.Sequence).Skip(paging.Skip).Take(paging.PageSize).Include(r => r.Lines).AsSplitQuery().ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<GoodsReceiptDto>(await ToDtosAsync(db, rows, cancellationToken), paging.Page, paging.PageSize, total));
    }

    public static async Task<List<GoodsReceiptDto>> ToDtosAsync(ProcurementDbContext db, IReadOnlyList<GoodsReceipt> receipts, CancellationToken cancellationToken)
    {
        var orderIds = receipts.Select(r => r.PurchaseOrderId).Distinct().ToList();
        var supplierIds = receipts.Select(r => r.SupplierId).Distinct().ToList();
        var orders = await db.PurchaseOrders.AsNoTracking().Where(o => orderIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Number, cancellationToken);
        var suppliers = await db.Suppliers.AsNoTracking().Where(s => supplierIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        return receipts.Select(r => ToDto(r, orders[r.PurchaseOrderId], suppliers[r.SupplierId])).ToList();
    }

    public static GoodsReceiptDto ToDto(GoodsReceipt r, string orderNumber, string supplierName) => new(
        r.Id, r.Number, r.PurchaseOrderId, orderNumber, r.SupplierId, supplierName, r.Warehouse, r.Currency, r.DeliveryNote,
        r.Lines.OrderBy(l => l.LineNo).Select(l => new GoodsReceiptLineDto(l.LineNo, l.PurchaseOrderLineNo, l.Sku, l.AcceptedQuantity, l.RejectedQuantity,
            l.RejectionReason, l.UnitCost, l.ReturnedQuantity)).ToList(),
        r.ReceivedAt, r.ReceivedBy, r.Posting, r.PostedAt);
}
