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

/// <summary>
/// An operator takes goods out of a warehouse by hand (a counter sale, goods sent back to a supplier outside
/// procurement): sales-out or supplier-return-out at the moving average. All lines or none: a line that would take
/// more than is available (negative stock forbidden) refuses the whole issue with 409, naming the line.
/// </summary>
public static class IssueStock
{
    public static readonly IReadOnlyList<string> Types = ["sales-out", "supplier-return-out"];

    public sealed record Line(string Sku, decimal? Quantity, string? Bin = null);

    public sealed record Request(string Warehouse, string? Type, string? Reference, IReadOnlyList<Line> Lines);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Warehouse).NotEmpty();
            RuleFor(r => r.Type).NotEmpty().Must(t => t is null || Types.Contains(t))
                .WithMessage($"type must be one of: {string.Join(", ", Types)}.");
            RuleFor(r => r.Reference).MaximumLength(100);
            RuleFor(r => r.Lines).NotEmpty().WithMessage("An issue needs at least one line.")
                .Must(l => l is null || l.Count <= 500).WithMessage("An issue has at most 500 lines.");
            RuleForEach(r => r.Lines).ChildRules(line =>
            {
                line.RuleFor(l => l.Sku).NotEmpty().MaximumLength(64);
                line.RuleFor(l => l.Quantity).NotNull().GreaterThan(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
                line.RuleFor(l => l.Bin).MaximumLength(20);
            });
        }
    }

    public static void Map(RouteGroupBuilder issues)
    {
        issues.MapPost("/", Handle)
            .Validate<Request>()
            .RequireRoles(Roles.Warehouse)
            .WithName("IssueStock")
            .WithSummary("Issue goods from a warehouse (sales-out or supplier-return-out at the moving average). Accepts an Idempotency-Key.")
            .Produces<IssueDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict);
        issues.MapGet("/{id:guid}", Get).WithName("GetIssue");
    }

    private static async Task<IResult> Handle(
        Request request,
        [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey,
        ClaimsPrincipal user,
        InventoryDbContext db,
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
        var type = Movement.Parse(request.Type)!.Value;

        return await idempotency.ExecuteAsync(db, "inventory.issue", idempotencyKey, request, async ct =>
        {
            var now = clock.GetUtcNow();
            var issue = new Issue
            {
                Id = Guid.CreateVersion7(),
                Warehouse = warehouse,
                Type = type,
                Reference = request.Reference?.Trim(),
                IssuedAt = now,
                IssuedBy = user.Actor(),
            };
            var posting = await ledger.PostAsync(warehouse, type, new LedgerSource("issue", issue.Id.ToString(), Reason: issue.Reference),
                request.Lines.Select(l => new LedgerLine(l.Sku, l.Quantity!.Value, Checks.NormalizeBin(l.Bin))).ToList(), issue.IssuedBy, ct);
            if (!posting.Succeeded)
                return IdempotentOutcome.Refused(NotEnoughStock(posting, warehouse));
            db.Issues.Add(issue);
            var dto = new IssueDto(issue.Id, warehouse, Movement.TypeName(type), issue.Reference, posting.Lines, now);
            outbox.Publish(new StockIssued(dto.Type, "issue", issue.Id.ToString(), warehouse, null, dto.Lines, now), issue.Id.ToString());
            return IdempotentOutcome.Created($"/api/inventory/issues/{issue.Id}", dto);
        }, cancellationToken);
    }

    /// <summary>409 naming each short line as a field error, so a form can show it beside the line.</summary>
    public static IResult NotEnoughStock(Posting posting, string warehouse, IReadOnlyList<int>? indexMap = null)
    {
        var errors = Checks.ShortageErrors(posting, warehouse, indexMap);
        return Problems.Conflict("Not enough stock", string.Join(" ", errors.Values.SelectMany(v => v)),
            new Dictionary<string, object?> { ["errors"] = errors });
    }

    private static async Task<IResult> Get(Guid id, InventoryDbContext db, CancellationToken cancellationToken)
    {
        var issue = await db.Issues.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (issue is null)
            return Problems.NotFound("Issue", id.ToString());
        var source = id.ToString();
        var lines = await db.Movements.AsNoTracking()
            .Where(m => m.SourceType == "issue" && m.SourceId == source)
            .OrderBy(m => m.Id)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new IssueDto(issue.Id, issue.Warehouse, Movement.TypeName(issue.Type), issue.Reference,
            lines.Select(m => new MovedLine(m.Sku, -m.Quantity, m.UnitCost, -m.Value)).ToList(), issue.IssuedAt));
    }
}
