using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.Inventory.Ledger;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Idempotency;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Inventory.Features;

/// <summary>Goods arrive in a warehouse: each line becomes a purchase-in movement and raises on-hand and value.</summary>
public static class ReceiveGoods
{
    public sealed record Line(string Sku, decimal? Quantity, decimal? UnitCost, string? Bin = null);

    public sealed record Request(string Warehouse, string? Reference, IReadOnlyList<Line> Lines);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Warehouse).NotEmpty();
            RuleFor(r => r.Reference).MaximumLength(100);
            RuleFor(r => r.Lines).NotEmpty().WithMessage("A receipt needs at least one line.")
                .Must(l => l is null || l.Count <= 500).WithMessage("A receipt has at most 500 lines.");
            RuleForEach(r => r.Lines).ChildRules(line =>
            {
                line.RuleFor(l => l.Sku).NotEmpty().MaximumLength(64);
                line.RuleFor(l => l.Quantity).NotNull().GreaterThan(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
                line.RuleFor(l => l.UnitCost).NotNull().GreaterThanOrEqualTo(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
                line.RuleFor(l => l.Bin).MaximumLength(20);
            });
        }
    }

    public static void Map(RouteGroupBuilder receipts)
    {
        receipts.MapPost("/", Handle)
            .Validate<Request>()
            .RequireRoles(Roles.Warehouse)
            .WithName("ReceiveGoods")
            .WithSummary("Receive goods into a warehouse (purchase-in at each line's cost, optionally into a bin). Accepts an Idempotency-Key.")
            .Produces<ReceiptDto>(StatusCodes.Status201Created);
        receipts.MapGet("/{id:guid}", Get).WithName("GetReceipt");
    }

    private static async Task<IResult> Handle(
        Request request,
        [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey,
        ClaimsPrincipal user,
        InventoryDbContext db,
        CatalogLookup catalog,
        StockLedger ledger,
        IOutbox outbox,
        IdempotentRequests idempotency,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var warehouse = Warehouses.Normalize(request.Warehouse);
        if (!await Checks.WarehouseExistsAsync(db, warehouse, cancellationToken))
            return Problems.Validation("warehouse", Checks.NoWarehouse(warehouse));

        var bins = await Checks.UnknownBinsAsync(db, warehouse, Checks.LineBins(request.Lines.Select(l => l.Bin)), cancellationToken);
        if (bins.Count > 0)
            return Problems.Validation(bins);
        // Asked before the write transaction opens, so that a slow catalog never holds the write gate.
        var unknown = await Checks.UnknownSkusAsync(catalog, request.Lines.Select((l, i) => ($"lines[{i}].sku", l.Sku)), cancellationToken);
        if (unknown.Count > 0)
            return Problems.Validation(unknown);

        return await idempotency.ExecuteAsync(db, "inventory.receive", idempotencyKey, request, async ct =>
        {
            var now = clock.GetUtcNow();
            var receipt = new Receipt
            {
                Id = Guid.CreateVersion7(),
                Warehouse = warehouse,
                Reference = request.Reference?.Trim(),
                ReceivedAt = now,
                ReceivedBy = user.Actor(),
            };
            db.Receipts.Add(receipt);
            var posting = await ledger.PostAsync(warehouse, MovementType.PurchaseIn, new LedgerSource("receipt", receipt.Id.ToString()),
                request.Lines.Select(l => new LedgerLine(l.Sku, l.Quantity!.Value, Checks.NormalizeBin(l.Bin), l.UnitCost!.Value)).ToList(), receipt.ReceivedBy, ct);

            var dto = new ReceiptDto(receipt.Id, warehouse, receipt.Reference,
                request.Lines.Select(l => new ReceiptLineDto(l.Sku, l.Quantity!.Value, l.UnitCost!.Value)).ToList(), now);
            outbox.Publish(new StockReceived(receipt.Id, warehouse, dto.Lines, Movements: posting.Lines), receipt.Id.ToString());
            return IdempotentOutcome.Created($"/api/inventory/receipts/{receipt.Id}", dto);
        }, cancellationToken);
    }

    private static async Task<IResult> Get(Guid id, InventoryDbContext db, CancellationToken cancellationToken)
    {
        var receipt = await db.Receipts.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (receipt is null)
            return Problems.NotFound("Receipt", id.ToString());
        var source = id.ToString();
        var lines = await db.Movements.AsNoTracking()
            .Where(m => m.SourceType == "receipt" && m.SourceId == source)
            .OrderBy(m => m.Id)
            .Select(m => new ReceiptLineDto(m.Sku, m.Quantity, m.UnitCost))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new ReceiptDto(receipt.Id, receipt.Warehouse, receipt.Reference, lines, receipt.ReceivedAt));
    }
}
