using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.ServiceDefaults.Errors;

namespace Tessera.Inventory.Features;

/// <summary>
/// What the ledger holds for some source documents, for other services' reconciliations (procurement's I8): one row
/// per (source id, SKU, movement type) with the signed sums of quantity and value.
/// </summary>
public static class SourceTotals
{
    public const int MaxIds = 200;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/source-totals", Get).WithTags("Stock").WithName("GetSourceTotals")
            .WithSummary($"Ledger totals per (sourceId, sku, movementType) of up to {MaxIds} source documents of one sourceType (sourceIds comma-separated).");

    private static async Task<Results<Ok<List<SourceTotalDto>>, ValidationProblem>> Get(
        string? sourceType, string? sourceIds, InventoryDbContext db, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(sourceType))
            errors["sourceType"] = ["Name the type of the source documents (e.g. goods-receipt)."];
        var ids = (sourceIds ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();
        if (ids.Count == 0)
            errors["sourceIds"] = ["Name at least one source id (comma-separated)."];
        else if (ids.Count > MaxIds)
            errors["sourceIds"] = [$"At most {MaxIds} source ids per request."];
        if (errors.Count > 0)
            return Problems.Validation(errors);

        var totals = await db.Movements.AsNoTracking()
            .Where(m => m.SourceType == sourceType && ids.Contains(m.SourceId))
            .GroupBy(m => new { m.SourceId, m.Sku, m.Type })
            .Select(g => new { g.Key.SourceId, g.Key.Sku, g.Key.Type, Quantity = g.Sum(m => m.Quantity), Value = g.Sum(m => m.Value) })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(totals
            .OrderBy(t => ids.IndexOf(t.SourceId)).ThenBy(t => t.Sku, StringComparer.Ordinal).ThenBy(t => t.Type)
            .Select(t => new SourceTotalDto(sourceType!, t.SourceId, t.Sku, Movement.TypeName(t.Type), t.Quantity, t.Value))
            .ToList());
    }
}
