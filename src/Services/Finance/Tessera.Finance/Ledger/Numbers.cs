using Tessera.Finance.Data;
using Tessera.Finance.Domain;

namespace Tessera.Finance.Ledger;

/// <summary>
/// Document numbers per tenant and series (INV-0000001…), taken inside the write transaction that issues the
/// document: if it rolls back, so does the number, so a series has no gaps. The upsert locks the series' row until the
/// transaction ends, so on PostgreSQL a second document of the series waits for the first to commit or roll back
/// (and finance's writes hold the tenant's books before they get here anyway).
/// </summary>
public static class Numbers
{
    public static async Task<(long Sequence, string Number)> NextAsync(FinanceDbContext db, string series, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("Document numbers are taken inside the write transaction that issues the document.");
        await using var next = Sql.Command(db, """
            INSERT INTO number_series (tenant_id, series, next) VALUES (@t, @s, 2)
            ON CONFLICT (tenant_id, series) DO UPDATE SET next = number_series.next + 1
            RETURNING next - 1
            """, ("@t", db.CurrentTenantId ?? throw new InvalidOperationException("Document numbers are taken for a tenant.")), ("@s", series));
        var sequence = Convert.ToInt64(await next.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return (sequence, NumberSeries.Format(series, sequence));
    }
}

/// <summary>Where a journal entry's source document can be seen in the web front-end (its drill-down link).</summary>
public static class SourceLinks
{
    public static string? For(string? sourceType, string? sourceId) => sourceType switch
    {
        null => null,
        "goods-receipt" => $"/procurement/receipts/{sourceId}",
        "supplier-return" => $"/procurement/returns/{sourceId}",
        "shipment" => $"/shipments/{sourceId}",
        "customer-return" => $"/shipments/returns/{sourceId}",
        "transfer" => $"/inventory/transfers/{sourceId}",
        "count" => $"/inventory/counts/{sourceId}",
        "invoice" => $"/finance/invoices/{sourceId}",
        "credit-note" => $"/finance/credit-notes/{sourceId}",
        "payment" => $"/finance/payments/{sourceId}",
        "bill" => $"/finance/bills/{sourceId}",
        "entry" => $"/finance/entries/{sourceId}",
        "fiscal-year" => "/finance/periods",
        _ => null,
    };
}
