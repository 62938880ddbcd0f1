using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
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
/// Purchase orders: created as a Draft (numbered without gaps, priced from the supplier's prices where the buyer gives
/// none, totals computed here), changed while Draft with If-Match, read, and listed with filters and paging.
/// </summary>
public static class PurchaseOrders
{
    public sealed record CreateRequest(Guid SupplierId, string Warehouse, string? Reference, DateOnly? ExpectedDate, IReadOnlyList<PurchaseOrderLineInput> Lines);

    /// <summary>A draft's header and lines as they should be; the supplier stays (a new supplier is a new order).</summary>
    public sealed record ChangeRequest(string Warehouse, string? Reference, DateOnly? ExpectedDate, IReadOnlyList<PurchaseOrderLineInput> Lines);

    public sealed class CreateValidator : AbstractValidator<CreateRequest>
    {
        public CreateValidator()
        {
            RuleFor(r => r.SupplierId).NotEmpty();
            RuleFor(r => r.Warehouse).NotEmpty().MaximumLength(20);
            RuleFor(r => r.Reference).MaximumLength(100);
            RuleFor(r => r.Lines).Lines();
            RuleForEach(r => r.Lines).SetValidator(new PurchaseOrderLineValidator());
        }
    }

    public sealed class ChangeValidator : AbstractValidator<ChangeRequest>
    {
        public ChangeValidator()
        {
            RuleFor(r => r.Warehouse).NotEmpty().MaximumLength(20);
            RuleFor(r => r.Reference).MaximumLength(100);
            RuleFor(r => r.Lines).Lines();
            RuleForEach(r => r.Lines).SetValidator(new PurchaseOrderLineValidator());
        }
    }

    public static void Map(RouteGroupBuilder orders)
    {
        orders.MapPost("/", Create)
            .Validate<CreateRequest>()
            .RequireRoles(Roles.Purchasing)
            .WithName("CreatePurchaseOrder")
            .WithSummary("Create a draft purchase order. Send an Idempotency-Key so that a retried request never creates a second order.")
            .Produces<PurchaseOrderDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        orders.MapPut("/{id:guid}", Change)
            .Validate<ChangeRequest>()
            .RequireRoles(Roles.Purchasing)
            .WithName("ChangePurchaseOrder")
            .WithSummary("Replace a draft's warehouse, reference, expected date and lines; send If-Match with the ETag you read.");
        orders.MapGet("/{id:guid}", Get).WithName("GetPurchaseOrder").WithSummary("A purchase order with its lines and status history, with its ETag.");
        orders.MapGet("/", List).WithName("ListPurchaseOrders")
            .WithSummary("Purchase orders, newest first, filtered by status (comma-separated), supplier, warehouse, SKU, origin, created-at range and number.");
    }

    private static async Task<IResult> Create(
        CreateRequest request,
        [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey,
        ClaimsPrincipal user,
        ProcurementDbContext db,
        PurchaseOrderComposer composer,
        IdempotentRequests idempotency,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var supplier = await db.Suppliers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == request.SupplierId, cancellationToken);
        if (supplier is null)
            return Problems.Validation("supplierId", $"No supplier '{request.SupplierId}' exists.");
        if (!supplier.IsActive)
            return Problems.Validation("supplierId", $"Supplier {supplier.Code} is inactive; activate it before ordering from it.");

        // Inventory and the catalog are asked before the write transaction opens, never while holding it.
        var (warehouse, warehouseError) = await composer.WarehouseAsync(request.Warehouse, cancellationToken);
        var (lines, errors) = await composer.LinesAsync(supplier, request.Lines, cancellationToken);
        if (warehouseError is not null)
            errors["warehouse"] = [warehouseError];
        if (errors.Count > 0)
            return Problems.Validation(errors);

        return await idempotency.ExecuteAsync(db, "procurement.create-purchase-order", idempotencyKey, request, async ct =>
        {
            var now = clock.GetUtcNow();
            var order = PurchaseOrder.Draft(Guid.CreateVersion7(), await Numbering.NextAsync(db, Numbering.PurchaseOrder, ct), supplier, warehouse!,
                PurchaseOrder.ManualOrigin, user.Actor(), now);
            order.Reference = Clean(request.Reference);
            order.ExpectedDate = request.ExpectedDate;
            order.SetLines(lines!, now);
            db.PurchaseOrders.Add(order);
            return IdempotentOutcome.Created($"/api/procurement/purchase-orders/{order.Id}", ToDto(order, supplier, new Dictionary<int, decimal>()));
        }, cancellationToken);
    }

    private static async Task<IResult> Change(
        Guid id, ChangeRequest request, HttpContext http, ProcurementDbContext db, PurchaseOrderComposer composer, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(http.Request.Headers.IfMatch))
            return Suppliers.IfMatchRequired("purchase order");
        var current = await db.PurchaseOrders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (current is null)
            return Problems.NotFound("Purchase order", id.ToString());
        var supplier = await db.Suppliers.AsNoTracking().FirstAsync(s => s.Id == current.SupplierId, cancellationToken);
        var (warehouse, warehouseError) = await composer.WarehouseAsync(request.Warehouse, cancellationToken);
        var (lines, errors) = await composer.LinesAsync(supplier, request.Lines, cancellationToken);
        if (warehouseError is not null)
            errors["warehouse"] = [warehouseError];

        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var order = await Load(db).FirstAsync(o => o.Id == id, cancellationToken);
        if (!ETags.Matches(http.Request, order.Version))
            return Problems.PreconditionFailed($"Purchase order {order.Number} is at version {order.Version}, not the one in If-Match. Reload it and apply your change again.");
        if (order.WhyNotEditable() is { } why)
            return Problems.Conflict("The purchase order can no longer be changed", why);
        if (errors.Count > 0)
            return Problems.Validation(errors);

        var now = clock.GetUtcNow();
        order.Warehouse = warehouse!;
        order.Reference = Clean(request.Reference);
        order.ExpectedDate = request.ExpectedDate;
        order.SetLines(lines!, now);
        await ReorderSuggestions.DetachRemovedAsync(db, order, "Removed from the draft purchase order", http.User.Actor(), now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        ETags.Set(http.Response, order.Version);
        return TypedResults.Ok(ToDto(order, supplier, new Dictionary<int, decimal>()));
    }

    private static async Task<Results<Ok<PurchaseOrderDto>, ProblemHttpResult>> Get(Guid id, HttpResponse response, ProcurementDbContext db, CancellationToken cancellationToken)
    {
        var order = await FindAsync(db, id, cancellationToken);
        if (order is null)
            return Problems.NotFound("Purchase order", id.ToString());
        ETags.Set(response, order.Version);
        return TypedResults.Ok(order);
    }

    private static async Task<Results<Ok<PagedResult<PurchaseOrderSummaryDto>>, ValidationProblem>> List(
        string? status, Guid? supplierId, string? warehouse, string? sku, string? origin, DateTimeOffset? from, DateTimeOffset? to, string? search,
        int? page, int? pageSize, ProcurementDbContext db, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var query = db.PurchaseOrders.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(status))
        {
            var statuses = new List<PurchaseOrderStatus>();
            foreach (var part in status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Enum.TryParse<PurchaseOrderStatus>(part, ignoreCase: true, out var parsed))
                    return Problems.Validation("status", $"status is one or more of {string.Join(", ", Enum.GetNames<PurchaseOrderStatus>())}, comma-separated.");
                statuses.Add(parsed);
            }
            query = query.Where(o => statuses.Contains(o.Status));
        }
        if (supplierId is not null)
            query = query.Where(o => o.SupplierId == supplierId);
        if (!string.IsNullOrWhiteSpace(warehouse))
        {
            var code = warehouse.Trim().ToUpperInvariant();
            query = query.Where(o => o.Warehouse == code);
        }
        if (!string.IsNullOrWhiteSpace(sku))
        {
            var term = sku.Trim();
            query = query.Where(o => o.Lines.Any(l => l.Sku == term));
        }
        if (!string.IsNullOrWhiteSpace(origin))
            query = query.Where(o => o.Origin == origin.Trim().ToLowerInvariant());
        if (from is not null)
            query = query.Where(o => o.CreatedAt >= from.Value);
        if (to is not null)
            query = query.Where(o => o.CreatedAt < to.Value);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var number = Numbering.Parse(Numbering.PurchaseOrder, search);
            var term = search.Trim();
            query = number is { } n ? query.Where(o => o.Sequence == n || o.Reference == term) : query.Where(o => o.Reference == term);
        }

        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(o => o.Sequence).Skip(paging.Skip).Take(paging.PageSize)
            .Join(db.Suppliers, o => o.SupplierId, s => s.Id, (o, s) => new
            {
                o.Id, o.Number, o.SupplierId, s.Code, s.Name, o.Warehouse, o.Currency, o.Status, o.Origin, Lines = o.Lines.Count, o.Total,
                o.ExpectedDate, o.CreatedAt, o.UpdatedAt, o.Sequence,
            })
            .ToListAsync(cancellationToken);
        var items = rows.OrderByDescending(r => r.Sequence)
            .Select(r => new PurchaseOrderSummaryDto(r.Id, r.Number, r.SupplierId, r.Code, r.Name, r.Warehouse, r.Currency, r.Status, r.Origin, r.Lines, r.Total,
                r.ExpectedDate, r.CreatedAt, r.UpdatedAt))
            .ToList();
        return TypedResults.Ok(new PagedResult<PurchaseOrderSummaryDto>(items, paging.Page, paging.PageSize, total));
    }

    public static IQueryable<PurchaseOrder> Load(ProcurementDbContext db) =>
        db.PurchaseOrders.AsSplitQuery().Include(o => o.Lines).Include(o => o.History);

    public static async Task<PurchaseOrderDto?> FindAsync(ProcurementDbContext db, Guid id, CancellationToken cancellationToken)
    {
        var order = await Load(db).AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (order is null)
            return null;
        var supplier = await db.Suppliers.AsNoTracking().FirstAsync(s => s.Id == order.SupplierId, cancellationToken);
        return ToDto(order, supplier, await ReturnedAsync(db, id, cancellationToken));
    }

    /// <summary>Returned (or held for a return) per line of a purchase order, from its receipts' lines.</summary>
    public static async Task<Dictionary<int, decimal>> ReturnedAsync(ProcurementDbContext db, Guid purchaseOrderId, CancellationToken cancellationToken)
    {
        var rows = await db.ReceiptLines.AsNoTracking()
            .Where(l => db.Receipts.Any(r => r.Id == l.ReceiptId && r.PurchaseOrderId == purchaseOrderId))
            .Select(l => new { l.PurchaseOrderLineNo, l.ReturnedQuantity })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.PurchaseOrderLineNo).ToDictionary(g => g.Key, g => g.Sum(r => r.ReturnedQuantity));
    }

    public static PurchaseOrderDto ToDto(PurchaseOrder o, Supplier supplier, IReadOnlyDictionary<int, decimal> returned) => new(
        o.Id, o.Number, o.SupplierId, supplier.Code, supplier.Name, o.Warehouse, o.Currency, o.Status, o.Origin, o.Reference, o.ExpectedDate,
        o.Lines.OrderBy(l => l.LineNo).Select(l => new PurchaseOrderLineDto(l.LineNo, l.Sku, l.Quantity, l.UnitPrice, l.TaxRate, l.Subtotal, l.TaxAmount,
            l.Total, l.ReceivedQuantity, l.RejectedQuantity, returned.GetValueOrDefault(l.LineNo), l.Outstanding)).ToList(),
        o.Subtotal, o.TaxTotal, o.Total,
        o.History.OrderBy(h => h.At).ThenBy(h => h.Id).Select(h => new PurchaseOrderStatusChangeDto(h.Status, h.At, h.By, h.Reason)).ToList(),
        o.Version, o.CreatedAt, o.CreatedBy, o.UpdatedAt);

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
