using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Idempotency;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Inventory.Features;

/// <summary>Bins of a warehouse, and what lies in them (GET /stock/bins).</summary>
public static class Bins
{
    public sealed record CreateRequest(string Code, string Name);

    public sealed class CreateValidator : AbstractValidator<CreateRequest>
    {
        public CreateValidator()
        {
            RuleFor(r => r.Code).NotEmpty().Matches("^[A-Za-z0-9][A-Za-z0-9_.-]{0,19}$")
                .WithMessage("code must be 1 to 20 letters, digits, '_', '.' or '-'.");
            RuleFor(r => r.Name).NotEmpty().MaximumLength(200);
        }
    }

    public static void Map(RouteGroupBuilder warehouses, RouteGroupBuilder api)
    {
        warehouses.MapPost("/{warehouse}/bins", Create)
            .Validate<CreateRequest>()
            .RequireRoles(Roles.Warehouse)
            .WithName("CreateBin")
            .WithSummary("Create a bin in a warehouse. Accepts an Idempotency-Key.")
            .Produces<BinDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict);
        warehouses.MapGet("/{warehouse}/bins", List).WithName("ListBins");
        api.MapGet("/stock/bins", BinStock).WithTags("Stock").WithName("GetBinStock")
            .WithSummary("What lies in each bin, by warehouse (required), SKU and bin.");
    }

    private static async Task<IResult> Create(
        string warehouse,
        CreateRequest request,
        [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey,
        InventoryDbContext db,
        IdempotentRequests idempotency,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var code = Warehouses.Normalize(warehouse);
        if (!await Checks.WarehouseExistsAsync(db, code, cancellationToken))
            return Problems.NotFound("Warehouse", code);
        return await idempotency.ExecuteAsync(db, "inventory.create-bin", idempotencyKey, new { code, request }, async ct =>
        {
            var binCode = Checks.NormalizeBin(request.Code)!;
            if (await db.Bins.AnyAsync(b => b.Warehouse == code && b.Code == binCode, ct))
                return IdempotentOutcome.Refused(Problems.Conflict("Bin code already exists",
                    $"Warehouse {code} already has a bin '{binCode}'.", new Dictionary<string, object?> { ["code"] = binCode }));
            var bin = new Bin { Id = Guid.CreateVersion7(), Warehouse = code, Code = binCode, Name = request.Name.Trim(), Version = 1, CreatedAt = clock.GetUtcNow() };
            db.Bins.Add(bin);
            return IdempotentOutcome.Created($"/api/inventory/warehouses/{code}/bins", ToDto(bin));
        }, cancellationToken);
    }

    private static async Task<Results<Ok<List<BinDto>>, ProblemHttpResult>> List(string warehouse, InventoryDbContext db, CancellationToken cancellationToken)
    {
        var code = Warehouses.Normalize(warehouse);
        if (!await Checks.WarehouseExistsAsync(db, code, cancellationToken))
            return Problems.NotFound("Warehouse", code);
        var bins = await db.Bins.AsNoTracking().Where(b => b.Warehouse == code).OrderBy(b => b.Code).ToListAsync(cancellationToken);
        return TypedResults.Ok(bins.Select(ToDto).ToList());
    }

    private static async Task<Results<Ok<List<BinStockDto>>, ValidationProblem>> BinStock(
        string? warehouse, string? sku, string? bin, InventoryDbContext db, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(warehouse))
            return Problems.Validation("warehouse", "Name the warehouse whose bins to show.");
        var code = Warehouses.Normalize(warehouse);
        var query = db.BinStock.AsNoTracking().Where(b => b.Warehouse == code && (b.OnHand > 0 || b.OnHand < 0));
        if (!string.IsNullOrWhiteSpace(sku))
            query = query.Where(b => b.Sku == sku);
        if (Checks.NormalizeBin(bin) is string binCode)
            query = query.Where(b => b.Bin == binCode);
        var rows = await query.OrderBy(b => b.Bin).ThenBy(b => b.Sku).Take(2000).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(b => new BinStockDto(b.Sku, b.Warehouse, b.Bin, b.OnHand)).ToList());
    }

    private static BinDto ToDto(Bin b) => new(b.Id, b.Warehouse, b.Code, b.Name, b.CreatedAt);
}
