using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;

namespace Tessera.Finance.Ledger;

/// <summary>
/// The ledger broken down by its dimensions: a control account by document (what each invoice, bill or payment
/// still has on it), the inventory account by warehouse, goods in transit by shipment. The invariants and the
/// ageing and valuation reports compare these with the documents and with inventory.
/// </summary>
public static class SubLedgers
{
    /// <summary>The codes of the accounts with <paramref name="role"/> (a tenant's sub-accounts of them included).</summary>
    public static async Task<List<string>> AccountsAsync(FinanceDbContext db, string role, CancellationToken cancellationToken) =>
        await db.Accounts.AsNoTracking().Where(a => a.Role == role).Select(a => a.Code).ToListAsync(cancellationToken);

    /// <summary>Balance (debit − credit) per dimension value of the lines on <paramref name="accounts"/> dated up to <paramref name="asOf"/>.</summary>
    public static async Task<Dictionary<string, decimal>> ByDimensionAsync(FinanceDbContext db, IReadOnlyList<string> accounts, string dimension, DateOnly? asOf,
        CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (accounts.Count == 0)
            return result;
        if (dimension is not ("document" or "warehouse"))
            throw new ArgumentException("The dimension is document or warehouse.", nameof(dimension));
        await Sql.OpenAsync(db, cancellationToken);
        await using var command = Sql.Command(db,
            $"SELECT coalesce({dimension}, ''), {Sql.Sum(db, "debit")}, {Sql.Sum(db, "credit")} FROM journal_lines " +
            $"WHERE tenant_id = @t AND account IN ({string.Join(", ", accounts.Select((_, i) => $"@a{i}"))})" + (asOf is null ? "" : " AND date <= @asOf") +
            $" GROUP BY {dimension}", ("@t", db.CurrentTenantId), ("@asOf", asOf));
        for (var i = 0; i < accounts.Count; i++)
            Sql.Add(command, $"@a{i}", accounts[i]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            result[reader.GetString(0)] = Sql.ReadDecimal(reader, 1) - Sql.ReadDecimal(reader, 2);
        return result;
    }

    /// <summary>The balance of a role's accounts (debit − credit) as of a date, from the day totals.</summary>
    public static async Task<decimal> BalanceAsync(FinanceDbContext db, string role, DateOnly asOf, CancellationToken cancellationToken)
    {
        var codes = await AccountsAsync(db, role, cancellationToken);
        var balances = await Balances.AsOfAsync(db, asOf, cancellationToken);
        return codes.Sum(c => balances.GetValueOrDefault(c).Balance);
    }

    /// <summary>
    /// What each receivable document should have on the receivable account: an invoice its total less credit notes and
    /// payments applied (a debit), a customer payment what it left on account (a credit).
    /// </summary>
    public static async Task<Dictionary<string, (string Label, decimal Expected)>> ReceivablesAsync(FinanceDbContext db, CancellationToken cancellationToken)
    {
        var expected = new Dictionary<string, (string, decimal)>(StringComparer.Ordinal);
        foreach (var i in await db.Invoices.AsNoTracking().Select(i => new { i.Id, i.Number, i.Total, i.Credited, i.Paid }).ToListAsync(cancellationToken))
            expected[i.Id.ToString()] = ($"invoice {i.Number}", i.Total - i.Credited - i.Paid);
        foreach (var p in await db.Payments.AsNoTracking().Where(p => p.Kind == PaymentKinds.Customer).Select(p => new { p.Id, p.Number, p.Amount, p.Allocated })
                     .ToListAsync(cancellationToken))
            expected[p.Id.ToString()] = ($"payment {p.Number}", -(p.Amount - p.Allocated));
        return expected;
    }

    /// <summary>Likewise for payables: an approved bill its total less payments (a credit), a supplier payment what it left on account (a debit).</summary>
    public static async Task<Dictionary<string, (string Label, decimal Expected)>> PayablesAsync(FinanceDbContext db, CancellationToken cancellationToken)
    {
        var expected = new Dictionary<string, (string, decimal)>(StringComparer.Ordinal);
        foreach (var b in await db.Bills.AsNoTracking().Where(b => b.Status == BillStatuses.Approved).Select(b => new { b.Id, b.Number, b.Total, b.Paid })
                     .ToListAsync(cancellationToken))
            expected[b.Id.ToString()] = ($"bill {b.Number}", -(b.Total - b.Paid));
        foreach (var p in await db.Payments.AsNoTracking().Where(p => p.Kind == PaymentKinds.Supplier).Select(p => new { p.Id, p.Number, p.Amount, p.Allocated })
                     .ToListAsync(cancellationToken))
            expected[p.Id.ToString()] = ($"payment {p.Number}", p.Amount - p.Allocated);
        return expected;
    }
}
