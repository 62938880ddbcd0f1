using Microsoft.EntityFrameworkCore;
using Tessera.Logistics.Data;
using Tessera.Logistics.Domain;
using Tessera.ServiceDefaults.Data;

namespace Tessera.Logistics.Features;

public static class DocumentNumbers
{
    /// <summary>Takes the tenant's next number of <paramref name="kind"/>; call inside the write transaction of the document.</summary>
    public static async Task<string> NextAsync(LogisticsDbContext db, string kind, CancellationToken cancellationToken)
    {
        var sequence = db.Sequences.Local.FirstOrDefault(s => s.Kind == kind && s.TenantId == db.CurrentTenantId);
        if (sequence is null)
        {
            // Two documents numbered at once on PostgreSQL would read the same sequence (or both create it): the second
            // waits here until the first commits (docs/adr/0024).
            await db.LockAsync($"number:{db.CurrentTenantId}:{kind}", cancellationToken);
            sequence = await db.Sequences.FirstOrDefaultAsync(s => s.Kind == kind, cancellationToken);
        }
        if (sequence is null)
        {
            // The tenant is set now, not at save: a second number taken before saving must find this row in Local.
            sequence = new DocumentSequence { TenantId = db.CurrentTenantId!, Kind = kind, Next = 1 };
            db.Sequences.Add(sequence);
        }
        var number = sequence.Next;
        sequence.Next++;
        return DocumentSequence.Format(kind, number);
    }
}
