using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Procurement.Domain;

/// <summary>The next number of one kind of document in one tenant.</summary>
public sealed class NumberSequence : ITenantOwned
{
    public string TenantId { get; set; } = "";
    public string Kind { get; set; } = "";
    public long Next { get; set; }
}

/// <summary>
/// Document numbers per tenant and kind — PO-000001, GR-000001, SR-000001 — taken inside the write transaction that
/// creates the document: if it rolls back, so does the sequence, so numbers have no gaps.
/// </summary>
public static class Numbering
{
    public const string PurchaseOrder = "PO";
    public const string GoodsReceipt = "GR";
    public const string SupplierReturn = "SR";

    public static string Format(string kind, long sequence) => string.Create(CultureInfo.InvariantCulture, $"{kind}-{sequence:D6}");

    /// <summary>Reads "PO-000012", "po-12" or "12" as 12; null when it is no number of this kind.</summary>
    public static long? Parse(string kind, string text)
    {
        var value = text.Trim();
        if (value.StartsWith(kind + "-", StringComparison.OrdinalIgnoreCase))
            value = value[(kind.Length + 1)..];
        return long.TryParse(value.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    public static async Task<long> NextAsync(ServiceDbContext db, string kind, CancellationToken cancellationToken)
    {
        var tenant = db.CurrentTenantId ?? throw new InvalidOperationException("Document numbers are taken for a tenant.");
        // A second document of the same kind in one transaction finds the sequence the first one took (not yet saved).
        var sequence = db.Set<NumberSequence>().Local.FirstOrDefault(s => s.Kind == kind && s.TenantId == tenant);
        if (sequence is null)
        {
            // Two documents numbered at once on PostgreSQL would read the same sequence (or both create it): the second
            // waits here until the first commits (docs/adr/0024).
            await db.LockAsync($"number:{tenant}:{kind}", cancellationToken);
            sequence = await db.Set<NumberSequence>().FirstOrDefaultAsync(s => s.Kind == kind, cancellationToken);
        }
        if (sequence is null)
        {
            sequence = new NumberSequence { TenantId = tenant, Kind = kind, Next = 1 };
            db.Set<NumberSequence>().Add(sequence);
        }
        return sequence.Next++;
    }
}
