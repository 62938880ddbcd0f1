using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;

namespace Tessera.Inventory.Features;

/// <summary>Readable numbers per tenant and kind of document (TR-000001, CNT-000001), taken inside the write transaction.</summary>
public static class DocumentNumbers
{
    public static async Task<string> NextAsync(InventoryDbContext db, string kind, string prefix, CancellationToken cancellationToken)
    {
        // Two documents of one kind numbered at once on PostgreSQL would read the same counter; the second waits here.
        await db.LockAsync($"document-counter:{db.CurrentTenantId}:{kind}", cancellationToken);
        var counter = await db.Counters.FirstOrDefaultAsync(c => c.Kind == kind, cancellationToken);
        if (counter is null)
        {
            counter = new DocumentCounter { Kind = kind, Next = 1 };
            db.Counters.Add(counter);
        }
        var number = counter.Next++;
        return $"{prefix}-{number:000000}";
    }
}
