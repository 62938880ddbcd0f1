using System.Globalization;
using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.Inventory.Ledger;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Idempotency;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Inventory.Features;

/// <summary>
/// Transfers between warehouses: created as a draft, shipped (transfer-out at the source's average; the goods are in
/// transit towards the destination, which its stock rows show), received in one or several deliveries (transfer-in at
/// the cost the goods left with), Received when nothing is left in transit.
/// </summary>
public static class Transfers
{
    public sealed record Line(string Sku, decimal? Quantity, string? Bin = null);

    public sealed record CreateRequest(string FromWarehouse, string ToWarehouse, string? Reference, IReadOnlyList<Line> Lines);

    public sealed record ReceiveRequest(IReadOnlyList<Line>? Lines);

    public sealed class CreateValidator : AbstractValidator<CreateRequest>
    {
        public CreateValidator()
        {
            RuleFor(r => r.FromWarehouse).NotEmpty();
            RuleFor(r => r.ToWarehouse).NotEmpty()
                .Must((r, to) => to is null || r.FromWarehouse is null || Warehouses.Normalize(to) != Warehouses.Normalize(r.FromWarehouse))
                .WithMessage("toWarehouse must differ from fromWarehouse.");
            RuleFor(r => r.Reference).MaximumLength(100);
            RuleFor(r => r.Lines).NotEmpty().WithMessage("A transfer needs at least one line.")
                .Must(l => l is null || l.Count <= 500).WithMessage("A transfer has at most 500 lines.")
                .Must(l => l is null || l.Select(x => x.Sku).Distinct().Count() == l.Count).WithMessage("Each SKU may appear on one line only.");
            RuleForEach(r => r.Lines).ChildRules(LineRules);
        }
    }

    public sealed class ReceiveValidator : AbstractValidator<ReceiveRequest>
    {
        public ReceiveValidator()
        {
            RuleFor(r => r.Lines).Must(l => l is null || l.Select(x => x.Sku).Distinct().Count() == l.Count).WithMessage("Each SKU may appear on one line only.");
            RuleForEach(r => r.Lines).ChildRules(LineRules);
        }
    }

    private static void LineRules(InlineValidator<Line> line)
    {
        line.RuleFor(l => l.Sku).NotEmpty().MaximumLength(64);
        line.RuleFor(l => l.Quantity).NotNull().GreaterThan(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
        line.RuleFor(l => l.Bin).MaximumLength(20);
    }

    public static void Map(RouteGroupBuilder transfers)
    {
        transfers.MapPost("/", Create).Validate<CreateRequest>().RequireRoles(Roles.Warehouse).WithName("CreateTransfer")
            .WithSummary("Create a transfer (a draft) between two warehouses. Accepts an Idempotency-Key.")
            .Produces<TransferDto>(StatusCodes.Status201Created);
        transfers.MapGet("/", List).WithName("ListTransfers")
            .WithSummary("Transfers, newest first, filtered by status and warehouse (from or to); paged.");
        transfers.MapGet("/{id:guid}", Get).WithName("GetTransfer");
        transfers.MapPost("/{id:guid}/ship", Ship).RequireRoles(Roles.Warehouse).WithName("ShipTransfer")
            .WithSummary("Ship a draft transfer: transfer-out at the source's moving average; the goods are in transit. Accepts an Idempotency-Key.")
            .Produces<TransferDto>().ProducesProblem(StatusCodes.Status409Conflict);
        transfers.MapPost("/{id:guid}/receive", Receive).Validate<ReceiveRequest>().RequireRoles(Roles.Warehouse).WithName("ReceiveTransfer")
            .WithSummary("Receive a shipped transfer, all that is in transit (no lines) or the quantities given; transfer-in at the carried cost. " +
                         "Accepts an Idempotency-Key.")
            .Produces<TransferDto>().ProducesProblem(StatusCodes.Status409Conflict);
        transfers.MapPost("/{id:guid}/cancel", Cancel).RequireRoles(Roles.Warehouse).WithName("CancelTransfer")
            .WithSummary("Cancel a transfer that has not been shipped.")
            .Produces<TransferDto>().ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> Create(
        CreateRequest request,
        [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey,
        ClaimsPrincipal user,
        InventoryDbContext db,
        CatalogLookup catalog,
        IdempotentRequests idempotency,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var (from, to) = (Warehouses.Normalize(request.FromWarehouse), Warehouses.Normalize(request.ToWarehouse));
        var errors = new Dictionary<string, string[]>();
        if (!await Checks.WarehouseExistsAsync(db, from, cancellationToken))
            errors["fromWarehouse"] = [Checks.NoWarehouse(from)];
        if (!await Checks.WarehouseExistsAsync(db, to, cancellationToken))
            errors["toWarehouse"] = [Checks.NoWarehouse(to)];
        if (errors.Count > 0)
            return Problems.Validation(errors);
        var problems = await Checks.UnknownBinsAsync(db, from, Checks.LineBins(request.Lines.Select(l => l.Bin)), cancellationToken);
        foreach (var (field, messages) in await Checks.UnknownSkusAsync(catalog, request.Lines.Select((l, i) => ($"lines[{i}].sku", l.Sku)), cancellationToken))
            problems[field] = messages;
        if (problems.Count > 0)
            return Problems.Validation(problems);

        return await idempotency.ExecuteAsync(db, "inventory.create-transfer", idempotencyKey, request, async ct =>
        {
            var transfer = new Transfer
            {
                Id = Guid.CreateVersion7(),
                Number = await DocumentNumbers.NextAsync(db, "transfer", "TR", ct),
                FromWarehouse = from,
                ToWarehouse = to,
                Reference = request.Reference?.Trim(),
                Status = TransferStatus.Draft,
                CreatedAt = clock.GetUtcNow(),
                CreatedBy = user.Actor(),
                Version = 1,
                Lines = request.Lines.Select((l, i) => new TransferLine
                {
                    LineNo = i + 1,
                    Sku = l.Sku,
                    Bin = Checks.NormalizeBin(l.Bin),
                    Quantity = l.Quantity!.Value,
                }).ToList(),
            };
            db.Transfers.Add(transfer);
            return IdempotentOutcome.Created($"/api/inventory/transfers/{transfer.Id}", ToDto(transfer));
        }, cancellationToken);
    }

    private static async Task<Results<Ok<PagedResult<TransferDto>>, ValidationProblem>> List(
        string? status, string? warehouse, int? page, int? pageSize, InventoryDbContext db, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var query = db.Transfers.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<TransferStatus>(status, ignoreCase: true, out var wanted))
                return Problems.Validation("status", $"status must be one of: {string.Join(", ", Enum.GetNames<TransferStatus>())}.");
            query = query.Where(t => t.Status == wanted);
        }
        if (!string.IsNullOrWhiteSpace(warehouse))
        {
            var code = Warehouses.Normalize(warehouse);
            query = query.Where(t => t.FromWarehouse == code || t.ToWarehouse == code);
        }
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.Include(t => t.Lines).OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id)
            .Skip(paging.Skip).Take(paging.PageSize).AsSplitQuery().ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<TransferDto>(rows.Select(ToDto).ToList(), paging.Page, paging.PageSize, total));
    }

    private static async Task<Results<Ok<TransferDto>, ProblemHttpResult>> Get(Guid id, InventoryDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        var transfer = await db.Transfers.AsNoTracking().Include(t => t.Lines).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (transfer is null)
            return Problems.NotFound("Transfer", id.ToString());
        ETags.Set(response, transfer.Version);
        return TypedResults.Ok(ToDto(transfer));
    }

    private static async Task<IResult> Ship(
        Guid id,
        [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey,
        ClaimsPrincipal user,
        InventoryDbContext db,
        StockLedger ledger,
        IOutbox outbox,
        IdempotentRequests idempotency,
        TimeProvider clock,
        CancellationToken cancellationToken) =>
        await idempotency.ExecuteAsync(db, "inventory.ship-transfer", idempotencyKey, new { id }, async ct =>
        {
            var transfer = await db.Transfers.Include(t => t.Lines).FirstOrDefaultAsync(t => t.Id == id, ct);
            if (transfer is null)
                return IdempotentOutcome.Refused(Problems.NotFound("Transfer", id.ToString()));
            if (!transfer.CanShip)
                return IdempotentOutcome.Refused(Problems.Conflict("The transfer cannot be shipped",
                    $"Transfer {transfer.Number} is {transfer.Status}; only a draft can be shipped."));
            var lines = transfer.Lines.OrderBy(l => l.LineNo).ToList();
            var actor = user.Actor();
            var posting = await ledger.PostAsync(transfer.FromWarehouse, MovementType.TransferOut, new LedgerSource("transfer", transfer.Id.ToString()),
                lines.Select(l => new LedgerLine(l.Sku, l.Quantity, l.Bin)).ToList(), actor, ct);
            if (!posting.Succeeded)
                return IdempotentOutcome.Refused(IssueStock.NotEnoughStock(posting, transfer.FromWarehouse));

            var now = clock.GetUtcNow();
            transfer.Shipped(posting.Movements.ToDictionary(m => m.Sku, m => (m.UnitCost, -m.Value)), actor, now);
            foreach (var line in lines)
                await AddInTransitAsync(db, line.Sku, transfer.ToWarehouse, line.Quantity, now, ct);
            outbox.Publish(new TransferShipped(transfer.Id, transfer.Number, transfer.FromWarehouse, transfer.ToWarehouse, posting.Lines, now),
                transfer.Id.ToString());
            await db.SaveChangesAsync(ct);
            return IdempotentOutcome.Ok(ToDto(transfer));
        }, cancellationToken);

    private static async Task<IResult> Receive(
        Guid id,
        ReceiveRequest request,
        [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey,
        ClaimsPrincipal user,
        InventoryDbContext db,
        StockLedger ledger,
        IOutbox outbox,
        IdempotentRequests idempotency,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var probe = await db.Transfers.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (probe is null)
            return Problems.NotFound("Transfer", id.ToString());
        var bins = await Checks.UnknownBinsAsync(db, probe.ToWarehouse,
            Checks.LineBins((request.Lines ?? []).Select(l => l.Bin)), cancellationToken);
        if (bins.Count > 0)
            return Problems.Validation(bins);

        return await idempotency.ExecuteAsync(db, "inventory.receive-transfer", idempotencyKey, new { id, request }, async ct =>
        {
            var transfer = await db.Transfers.Include(t => t.Lines).FirstAsync(t => t.Id == id, ct);
            if (!transfer.CanReceive)
                return IdempotentOutcome.Refused(Problems.Conflict("The transfer cannot be received",
                    $"Transfer {transfer.Number} is {transfer.Status}; only a shipped transfer with goods in transit can be received."));

            var deliveries = new List<(TransferLine Line, decimal Quantity, decimal Value, string? Bin)>();
            var errors = new Dictionary<string, string[]>();
            if (request.Lines is not { Count: > 0 } asked)
                deliveries.AddRange(transfer.Lines.Where(l => l.InTransit > 0).OrderBy(l => l.LineNo).Select(l => (l, l.InTransit, l.InTransitValue, (string?)null)));
            else
            {
                for (var i = 0; i < asked.Count; i++)
                {
                    var line = transfer.Lines.FirstOrDefault(l => l.Sku == asked[i].Sku);
                    if (line is null)
                        errors[$"lines[{i}].sku"] = [$"Transfer {transfer.Number} has no line for {asked[i].Sku}."];
                    else if (asked[i].Quantity > line.InTransit)
                        errors[$"lines[{i}].quantity"] = [string.Create(CultureInfo.InvariantCulture, $"Only {line.InTransit:0.####} of {line.Sku} is in transit.")];
                    else
                        deliveries.Add((line, asked[i].Quantity!.Value, Transfer.ValueOf(line, asked[i].Quantity!.Value), Checks.NormalizeBin(asked[i].Bin)));
                }
            }
            if (errors.Count > 0)
                return IdempotentOutcome.Refused(Problems.Validation(errors));

            var posting = await ledger.PostAsync(transfer.ToWarehouse, MovementType.TransferIn, new LedgerSource("transfer", transfer.Id.ToString()),
                deliveries.Select(d => new LedgerLine(d.Line.Sku, d.Quantity, d.Bin, d.Line.UnitCost, d.Value)).ToList(), user.Actor(), ct);
            var now = clock.GetUtcNow();
            transfer.Received(deliveries.Select(d => (d.Line, d.Quantity, d.Value)).ToList(), now);
            foreach (var (line, quantity, _, _) in deliveries)
                await AddInTransitAsync(db, line.Sku, transfer.ToWarehouse, -quantity, now, ct);
            outbox.Publish(new TransferReceived(transfer.Id, transfer.Number, transfer.FromWarehouse, transfer.ToWarehouse, posting.Lines,
                transfer.Status == TransferStatus.Received, now), transfer.Id.ToString());
            await db.SaveChangesAsync(ct);
            return IdempotentOutcome.Ok(ToDto(transfer));
        }, cancellationToken);
    }

    private static async Task<IResult> Cancel(Guid id, InventoryDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var transfer = await db.Transfers.Include(t => t.Lines).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (transfer is null)
            return Problems.NotFound("Transfer", id.ToString());
        if (!transfer.CanCancel)
            return Problems.Conflict("The transfer cannot be cancelled", $"Transfer {transfer.Number} is {transfer.Status}; only a draft can be cancelled.");
        transfer.Cancel(clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(ToDto(transfer));
    }

    /// <summary>What is on its way to a warehouse lives on its stock row (created if the SKU has never been there).</summary>
    private static async Task AddInTransitAsync(InventoryDbContext db, string sku, string warehouse, decimal quantity, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var updated = await db.Stock.Where(s => s.Sku == sku && s.Warehouse == warehouse && s.InTransit + quantity >= 0)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.InTransit, s => s.InTransit + quantity)
                .SetProperty(s => s.Version, s => s.Version + 1)
                .SetProperty(s => s.UpdatedAt, now), cancellationToken);
        if (updated == 1)
            return;
        if (quantity < 0 || await db.Stock.AnyAsync(s => s.Sku == sku && s.Warehouse == warehouse, cancellationToken))
            throw new InvalidOperationException($"In-transit stock of {sku} towards {warehouse} does not cover {-quantity}.");
        var row = StockLevel.Empty(sku, warehouse, now);
        row.InTransit = quantity;
        db.Stock.Add(row);
        await db.SaveChangesAsync(cancellationToken);
    }

    public static TransferDto ToDto(Transfer t) => new(
        t.Id, t.Number, t.FromWarehouse, t.ToWarehouse, t.Reference, t.Status.ToString(),
        t.Lines.OrderBy(l => l.LineNo).Select(l => new TransferLineDto(l.LineNo, l.Sku, l.Bin, l.Quantity, l.ShippedQuantity, l.ReceivedQuantity, l.InTransit,
            l.UnitCost, l.ShippedValue, l.ReceivedValue, l.InTransitValue)).ToList(),
        t.CreatedAt, t.CreatedBy, t.ShippedAt, t.CompletedAt, t.Version);
}
