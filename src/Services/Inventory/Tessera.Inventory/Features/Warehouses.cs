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

public static class Warehouses
{
    public sealed record CreateRequest(string Code, string Name);

    public sealed class CreateValidator : AbstractValidator<CreateRequest>
    {
        public CreateValidator()
        {
            RuleFor(r => r.Code).NotEmpty().Matches("^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$")
                .WithMessage("code must be 1 to 20 letters, digits, '_' or '-'.");
            RuleFor(r => r.Name).NotEmpty().MaximumLength(200);
        }
    }

    /// <summary>Warehouse codes are stored upper-case so that "hcm-1" and "HCM-1" name the same warehouse.</summary>
    public static string Normalize(string code) => code.Trim().ToUpperInvariant();

    public static void Map(RouteGroupBuilder warehouses)
    {
        warehouses.MapPost("/", Create)
            .Validate<CreateRequest>()
            .RequireRoles(Roles.Warehouse)
            .WithName("CreateWarehouse")
            .Produces<WarehouseDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict);
        warehouses.MapGet("/", List).WithName("ListWarehouses");
        warehouses.MapGet("/{code}", Get).WithName("GetWarehouse");
    }

    private static Task<IResult> Create(
        CreateRequest request,
        [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey,
        InventoryDbContext db,
        IdempotentRequests idempotency,
        TimeProvider clock,
        CancellationToken cancellationToken) =>
        idempotency.ExecuteAsync(db, "inventory.create-warehouse", idempotencyKey, request, async ct =>
        {
            var code = Normalize(request.Code);
            if (await db.Warehouses.AnyAsync(w => w.Code == code, ct))
                return IdempotentOutcome.Refused(Problems.Conflict("Warehouse code already exists",
                    $"A warehouse with code '{code}' already exists.", new Dictionary<string, object?> { ["code"] = code }));
            var warehouse = new Warehouse { Id = Guid.CreateVersion7(), Code = code, Name = request.Name.Trim(), Version = 1, CreatedAt = clock.GetUtcNow() };
            db.Warehouses.Add(warehouse);
            return IdempotentOutcome.Created($"/api/inventory/warehouses/{code}", ToDto(warehouse));
        }, cancellationToken);

    private static async Task<Ok<List<WarehouseDto>>> List(InventoryDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.Warehouses.AsNoTracking().OrderBy(w => w.Code).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(ToDto).ToList());
    }

    private static async Task<Results<Ok<WarehouseDto>, ProblemHttpResult>> Get(string code, InventoryDbContext db, CancellationToken cancellationToken)
    {
        var normalized = Normalize(code);
        var warehouse = await db.Warehouses.AsNoTracking().FirstOrDefaultAsync(w => w.Code == normalized, cancellationToken);
        return warehouse is null ? Problems.NotFound("Warehouse", normalized) : TypedResults.Ok(ToDto(warehouse));
    }

    private static WarehouseDto ToDto(Warehouse w) => new(w.Id, w.Code, w.Name, w.CreatedAt);
}
