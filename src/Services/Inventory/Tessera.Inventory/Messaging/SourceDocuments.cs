using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.Inventory.Features;

namespace Tessera.Inventory.Messaging;

/// <summary>
/// What the ledger already holds of another service's document. Handlers check it so that a document posted once is
/// never posted twice, even when its event arrives again as a different message.
/// </summary>
public static class SourceDocuments
{
    public static Task<bool> PostedAsync(InventoryDbContext db, string sourceType, string sourceId, MovementType type, CancellationToken cancellationToken) =>
        db.Movements.AnyAsync(m => m.SourceType == sourceType && m.SourceId == sourceId && m.Type == type, cancellationToken);

    public static async Task<string> WarehouseAsync(InventoryDbContext db, string warehouse, string document, CancellationToken cancellationToken)
    {
        var code = Warehouses.Normalize(warehouse);
        if (!await Checks.WarehouseExistsAsync(db, code, cancellationToken))
            throw new InvalidOperationException($"{document} names warehouse '{code}', which inventory does not have. Create it, then replay this message.");
        return code;
    }

    /// <summary>Quantity and value (both positive) that went out per SKU in some sales-out movements.</summary>
    public static Dictionary<string, (decimal Quantity, decimal Value)> Issued(IEnumerable<Movement> salesOut) =>
        salesOut.GroupBy(m => m.Sku).ToDictionary(g => g.Key, g => (-g.Sum(m => m.Quantity), -g.Sum(m => m.Value)));
}
