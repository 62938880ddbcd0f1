using Tessera.Finance.Data;

namespace Tessera.Finance.Ledger;

/// <summary>What an account moved: the sums of its debits and credits; Balance is debit − credit.</summary>
public readonly record struct Movement(decimal Debit, decimal Credit)
{
    public decimal Balance => Debit - Credit;
}

/// <summary>
/// Account balances from the running day totals (account_days), never from the lines: a trial balance over a million
/// entry lines sums a few thousand day rows. Closing entries can be left out (an income statement of a closed year).
/// </summary>
public static class Balances
{
    public static Task<Dictionary<string, Movement>> AsOfAsync(FinanceDbContext db, DateOnly asOf, CancellationToken cancellationToken, bool withClosing = true) =>
        SumAsync(db, null, asOf, withClosing, cancellationToken);

    public static Task<Dictionary<string, Movement>> BetweenAsync(FinanceDbContext db, DateOnly from, DateOnly to, CancellationToken cancellationToken,
        bool withClosing = true) =>
        SumAsync(db, from, to, withClosing, cancellationToken);

    private static async Task<Dictionary<string, Movement>> SumAsync(FinanceDbContext db, DateOnly? from, DateOnly to, bool withClosing,
        CancellationToken cancellationToken)
    {
        await Sql.OpenAsync(db, cancellationToken);
        var sql = $"SELECT account, {Sql.Sum(db, "debit")}, {Sql.Sum(db, "credit")} FROM account_days WHERE tenant_id = @t AND date <= @to" +
                  (from is null ? "" : " AND date >= @from") + (withClosing ? "" : $" AND closing = {Sql.False(db)}") + " GROUP BY account";
        await using var command = Sql.Command(db, sql, ("@t", db.CurrentTenantId), ("@to", to), ("@from", from));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var sums = new Dictionary<string, Movement>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
            sums[reader.GetString(0)] = new Movement(Sql.ReadDecimal(reader, 1), Sql.ReadDecimal(reader, 2));
        return sums;
    }
}
