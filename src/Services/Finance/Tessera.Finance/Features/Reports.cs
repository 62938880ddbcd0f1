using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Contracts;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;
using Tessera.Finance.Ledger;
using Tessera.ServiceDefaults.Errors;

namespace Tessera.Finance.Features;

/// <summary>
/// The books as reports, for any date or date range, as JSON or CSV: trial balance, account statement (general
/// ledger of one account and its sub-accounts, with the running balance and a link from each line to its entry),
/// balance sheet (B01-DN for the Vietnamese chart) and income statement (B02-DN). Balances come from the running day
/// totals, so a trial balance costs the same at a million entry lines as at a thousand.
/// </summary>
public static class Reports
{
    public const int MaxStatementLines = 1000;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/trial-balance", TrialBalance).Reading().WithTags("Reports").WithName("TrialBalance")
            .WithSummary("Closing balances per account as of asOf (yyyy-MM-dd, default today): {asOf, lines:[{account, name, debit, credit}], totalDebit, totalCredit}. " +
                         "With from=, also the opening balances and the movements of the period. format=csv for a file.");
        api.MapGet("/accounts/{code}/statement", Statement).Reading().WithTags("Reports").WithName("AccountStatement")
            .WithSummary("An account (with its sub-accounts) over from..to: opening balance, each line with its running balance and entry, closing balance; keyset paged with after=.");
        api.MapGet("/balance-sheet", BalanceSheet).Reading().WithTags("Reports").WithName("BalanceSheet")
            .WithSummary("The balance sheet as of asOf (B01-DN for the Vietnamese chart); format=csv for a file.");
        api.MapGet("/income-statement", IncomeStatement).Reading().WithTags("Reports").WithName("IncomeStatement")
            .WithSummary("The income statement over from..to (B02-DN for the Vietnamese chart), closing entries left out; format=csv for a file.");
    }

    private static async Task<DateOnly> TodayAsync(LedgerBooks books, TimeProvider clock, CancellationToken cancellationToken) =>
        BusinessDates.Of(clock.GetUtcNow(), (await books.ForReadAsync(cancellationToken)).TimeZone);

    public static async Task<TrialBalanceDto> TrialBalanceAsync(FinanceDbContext db, Books books, DateOnly asOf, DateOnly? from, CancellationToken cancellationToken)
    {
        var closing = await Balances.AsOfAsync(db, asOf, cancellationToken);
        var opening = from is { } f ? await Balances.AsOfAsync(db, f.AddDays(-1), cancellationToken) : [];
        var accounts = await db.Accounts.AsNoTracking().ToDictionaryAsync(a => a.Code, cancellationToken);
        var lines = new List<TrialBalanceLineDto>();
        foreach (var (code, movement) in closing.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var before = opening.GetValueOrDefault(code);
            var (periodDebit, periodCredit) = (movement.Debit - before.Debit, movement.Credit - before.Credit);
            if (movement.Balance == 0 && (from is null || (periodDebit == 0 && periodCredit == 0)))
                continue;
            var account = accounts.GetValueOrDefault(code);
            lines.Add(new TrialBalanceLineDto(code, account?.Name ?? code, Math.Max(movement.Balance, 0), Math.Max(-movement.Balance, 0), account?.NameVi ?? code,
                account?.Type ?? "", Math.Max(before.Balance, 0), Math.Max(-before.Balance, 0), periodDebit, periodCredit));
        }
        return new TrialBalanceDto(asOf, lines, lines.Sum(l => l.Debit), lines.Sum(l => l.Credit), from, books.Currency);
    }

    private static async Task<IResult> TrialBalance(string? asOf, string? from, string? format, HttpRequest request, FinanceDbContext db, LedgerBooks books,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var ledger = await books.ForReadAsync(cancellationToken);
        if (!TryDate(asOf, "asOf", out var date, out var problem) || !TryDate(from, "from", out var start, out problem))
            return problem!;
        var end = date ?? await TodayAsync(books, clock, cancellationToken);
        if (start is { } s && s > end)
            return Problems.Validation("from", "from is on or before asOf.");
        var report = await TrialBalanceAsync(db, ledger, end, start, cancellationToken);
        if (!CsvExport.Wanted(request, format))
            return TypedResults.Ok(report);
        return CsvExport.File($"trial-balance-{BusinessDates.Format(end)}.csv",
            ["account", "name", "name_vi", "opening_debit", "opening_credit", "period_debit", "period_credit", "debit", "credit"],
            report.Lines.Select(l => new[]
            {
                l.Account, l.Name, l.NameVi, CsvExport.Amount(l.OpeningDebit), CsvExport.Amount(l.OpeningCredit), CsvExport.Amount(l.PeriodDebit),
                CsvExport.Amount(l.PeriodCredit), CsvExport.Amount(l.Debit), CsvExport.Amount(l.Credit),
            }).Append(["", "Total", "Tổng cộng", "", "", "", "", CsvExport.Amount(report.TotalDebit), CsvExport.Amount(report.TotalCredit)]));
    }

    private static async Task<IResult> Statement(string code, string? from, string? to, string? after, int? limit, string? format, HttpRequest request,
        FinanceDbContext db, LedgerBooks books, TimeProvider clock, CancellationToken cancellationToken)
    {
        await books.ForReadAsync(cancellationToken);
        if (!TryDate(from, "from", out var start, out var problem) || !TryDate(to, "to", out var end, out problem))
            return problem!;
        var size = limit ?? 200;
        if (size is < 1 or > MaxStatementLines)
            return Problems.Validation("limit", $"limit is between 1 and {MaxStatementLines}.");
        var accounts = await db.Accounts.AsNoTracking().ToListAsync(cancellationToken);
        var account = accounts.FirstOrDefault(a => a.Code == code);
        if (account is null)
            return Problems.NotFound("Account", code);
        var codes = Family(accounts, code);
        var today = await TodayAsync(books, clock, cancellationToken);
        var (first, last) = (start ?? new DateOnly(today.Year, 1, 1), end ?? today);
        if (first > last)
            return Problems.Validation("from", "from is on or before to.");

        var before = await Balances.AsOfAsync(db, first.AddDays(-1), cancellationToken);
        var period = await Balances.BetweenAsync(db, first, last, cancellationToken);
        var opening = codes.Sum(c => before.GetValueOrDefault(c).Balance);
        var (totalDebit, totalCredit) = (codes.Sum(c => period.GetValueOrDefault(c).Debit), codes.Sum(c => period.GetValueOrDefault(c).Credit));

        // Keyset cursor: "date|entry number|line number|running balance after that line".
        var cursor = Cursor.Parse(after);
        if (after is not null && cursor is null)
            return Problems.Validation("after", "after is the next cursor of a previous page.");
        var rows = await LinesAsync(db, codes, first, last, cursor, CsvExport.Wanted(request, format) ? int.MaxValue : size + 1, cancellationToken);
        var balance = cursor?.Balance ?? opening;
        var lines = new List<StatementLineDto>();
        foreach (var row in rows.Take(CsvExport.Wanted(request, format) ? rows.Count : size))
        {
            balance += row.Debit - row.Credit;
            lines.Add(new StatementLineDto(row.EntryId, row.Number, row.Date, row.Description, row.SourceType, row.SourceId, SourceLinks.For(row.SourceType, row.SourceId),
                row.Debit, row.Credit, balance, row.Warehouse, row.Document));
        }
        var next = rows.Count > size && !CsvExport.Wanted(request, format)
            ? new Cursor(rows[size - 1].Date, rows[size - 1].Number, rows[size - 1].LineNo, balance).ToString()
            : null;
        var statement = new AccountStatementDto(code, account.Name, first, last, opening, totalDebit, totalCredit, opening + totalDebit - totalCredit, lines, next);
        if (!CsvExport.Wanted(request, format))
            return TypedResults.Ok(statement);
        return CsvExport.File($"account-{code}-{BusinessDates.Format(first)}-{BusinessDates.Format(last)}.csv",
            ["date", "entry", "description", "source_type", "source_id", "debit", "credit", "balance"],
            new[] { new[] { BusinessDates.Format(first), "", "Opening balance", "", "", "", "", CsvExport.Amount(opening) } }
                .Concat(lines.Select(l => new[]
                {
                    BusinessDates.Format(l.Date), l.EntryNumber.ToString(CultureInfo.InvariantCulture), l.Description, l.SourceType ?? "", l.SourceId ?? "",
                    CsvExport.Amount(l.Debit), CsvExport.Amount(l.Credit), CsvExport.Amount(l.Balance),
                })));
    }

    private sealed record Row(Guid EntryId, long Number, int LineNo, DateOnly Date, string Description, string? SourceType, string? SourceId, decimal Debit,
        decimal Credit, string? Warehouse, string? Document);

    private sealed record Cursor(DateOnly Date, long Number, int LineNo, decimal Balance)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{BusinessDates.Format(Date)}|{Number}|{LineNo}|{Balance}");

        public static Cursor? Parse(string? text)
        {
            var parts = text?.Split('|');
            if (parts is not { Length: 4 } || BusinessDates.Parse(parts[0]) is not { } date ||
                !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number) ||
                !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var line) ||
                !decimal.TryParse(parts[3], NumberStyles.Number, CultureInfo.InvariantCulture, out var balance))
                return null;
            return new Cursor(date, number, line, balance);
        }
    }

    private static async Task<List<Row>> LinesAsync(FinanceDbContext db, IReadOnlyList<string> codes, DateOnly from, DateOnly to, Cursor? after, int limit,
        CancellationToken cancellationToken)
    {
        await Sql.OpenAsync(db, cancellationToken);
        var names = string.Join(", ", codes.Select((_, i) => $"@a{i}"));
        var keyset = after is null ? "" : " AND (l.date > @cd OR (l.date = @cd AND (l.number > @cn OR (l.number = @cn AND l.line_no > @cl))))";
        await using var command = Sql.Command(db, $"""
            SELECT l.entry_id, l.number, l.line_no, l.date, e.description, e.source_type, e.source_id, l.debit, l.credit, l.warehouse, l.document
            FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
            WHERE l.tenant_id = @t AND l.account IN ({names}) AND l.date >= @from AND l.date <= @to{keyset}
            ORDER BY l.date, l.number, l.line_no
            LIMIT @limit
            """, ("@t", db.CurrentTenantId), ("@from", from), ("@to", to), ("@limit", limit), ("@cd", after?.Date), ("@cn", after?.Number), ("@cl", after?.LineNo));
        for (var i = 0; i < codes.Count; i++)
            Sql.Add(command, $"@a{i}", codes[i]);
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new Row(Guid.Parse(reader.GetString(0)), reader.GetInt64(1), reader.GetInt32(2), Sql.ReadDate(reader, 3), reader.GetString(4),
                Sql.ReadString(reader, 5), Sql.ReadString(reader, 6), Sql.ReadDecimal(reader, 7), Sql.ReadDecimal(reader, 8), Sql.ReadString(reader, 9),
                Sql.ReadString(reader, 10)));
        return rows;
    }

    /// <summary>An account and all its sub-accounts, to any depth.</summary>
    public static List<string> Family(IReadOnlyList<Account> accounts, string code)
    {
        var family = new List<string> { code };
        for (var i = 0; i < family.Count; i++)
            family.AddRange(accounts.Where(a => a.Parent == family[i]).Select(a => a.Code));
        return family;
    }

    /// <summary>The statement line an account reports on: its own, or its nearest parent's.</summary>
    public static string? StatementOf(IReadOnlyDictionary<string, Account> accounts, Account account)
    {
        for (var current = account; current is not null; current = current.Parent is { } p ? accounts.GetValueOrDefault(p) : null)
            if (current.Statement is { } statement)
                return statement;
        return null;
    }

    public static async Task<BalanceSheetDto> BalanceSheetAsync(FinanceDbContext db, Books books, DateOnly asOf, CancellationToken cancellationToken)
    {
        var layout = StatementLayout.For(books.Chart);
        var balances = await Balances.AsOfAsync(db, asOf, cancellationToken);
        var accounts = await db.Accounts.AsNoTracking().ToDictionaryAsync(a => a.Code, cancellationToken);
        var byStatement = new Dictionary<string, List<(string, decimal)>>(StringComparer.Ordinal);
        var result = 0m;
        foreach (var (code, movement) in balances)
        {
            if (!accounts.TryGetValue(code, out var account) || movement.Balance == 0)
                continue;
            if (AccountTypes.IsProfitAndLoss(account.Type))
            {
                result -= movement.Balance;
                continue;
            }
            var ifrs = books.Chart == ChartTemplate.Ifrs;
            var line = StatementOf(accounts, account) ?? account.Type switch
            {
                AccountTypes.Asset => ifrs ? "SFP-OTHREC" : "136",
                AccountTypes.Liability => ifrs ? "SFP-OTHPAY" : "319",
                _ => ifrs ? "SFP-RETAINED" : "421a",
            };
            if (!byStatement.TryGetValue(line, out var list))
                byStatement[line] = list = [];
            list.Add((code, movement.Balance));
        }
        var filled = StatementLayout.Fill(layout.BalanceSheet, byStatement, new Dictionary<string, decimal> { [layout.ResultLine] = result });
        return new BalanceSheetDto(asOf, books.Chart, layout.BalanceSheetForm, Lines(filled), filled.First(f => f.Line.Code == layout.TotalAssets).Amount,
            filled.First(f => f.Line.Code == layout.TotalClaims).Amount, books.Currency);
    }

    public static async Task<IncomeStatementDto> IncomeStatementAsync(FinanceDbContext db, Books books, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var layout = StatementLayout.For(books.Chart);
        var balances = await Balances.BetweenAsync(db, from, to, cancellationToken, withClosing: false);
        var accounts = await db.Accounts.AsNoTracking().ToDictionaryAsync(a => a.Code, cancellationToken);
        var byStatement = new Dictionary<string, List<(string, decimal)>>(StringComparer.Ordinal);
        foreach (var (code, movement) in balances)
        {
            if (!accounts.TryGetValue(code, out var account) || !AccountTypes.IsProfitAndLoss(account.Type) || movement.Balance == 0)
                continue;
            var ifrs = books.Chart == ChartTemplate.Ifrs;
            var line = StatementOf(accounts, account) ?? (account.Type == AccountTypes.Revenue ? (ifrs ? "PL-OTHINC" : "31") : (ifrs ? "PL-OTHEXP" : "32"));
            if (!byStatement.TryGetValue(line, out var list))
                byStatement[line] = list = [];
            list.Add((code, movement.Balance));
        }
        var filled = StatementLayout.Fill(layout.IncomeStatement, byStatement);
        decimal Amount(string c) => filled.First(f => f.Line.Code == c).Amount;
        return new IncomeStatementDto(from, to, books.Chart, layout.IncomeStatementForm, Lines(filled), Amount(layout.NetRevenue), Amount(layout.GrossProfit),
            Amount(layout.NetProfit), books.Currency);
    }

    private static List<FinancialStatementLineDto> Lines(IEnumerable<(LayoutLine Line, decimal Amount, IReadOnlyList<string> Accounts)> filled) =>
        filled.Select(f => new FinancialStatementLineDto(f.Line.Code, f.Line.Name, f.Line.NameVi, f.Line.Level, f.Amount, f.Accounts, f.Line.IsTotal)).ToList();

    private static async Task<IResult> BalanceSheet(string? asOf, string? format, HttpRequest request, FinanceDbContext db, LedgerBooks books, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var ledger = await books.ForReadAsync(cancellationToken);
        if (!TryDate(asOf, "asOf", out var date, out var problem))
            return problem!;
        var report = await BalanceSheetAsync(db, ledger, date ?? await TodayAsync(books, clock, cancellationToken), cancellationToken);
        return CsvExport.Wanted(request, format)
            ? StatementCsv($"balance-sheet-{BusinessDates.Format(report.AsOf)}.csv", report.Lines)
            : TypedResults.Ok(report);
    }

    private static async Task<IResult> IncomeStatement(string? from, string? to, string? format, HttpRequest request, FinanceDbContext db, LedgerBooks books,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var ledger = await books.ForReadAsync(cancellationToken);
        if (!TryDate(from, "from", out var start, out var problem) || !TryDate(to, "to", out var end, out problem))
            return problem!;
        var today = await TodayAsync(books, clock, cancellationToken);
        var (first, last) = (start ?? new DateOnly(today.Year, 1, 1), end ?? today);
        if (first > last)
            return Problems.Validation("from", "from is on or before to.");
        var report = await IncomeStatementAsync(db, ledger, first, last, cancellationToken);
        return CsvExport.Wanted(request, format)
            ? StatementCsv($"income-statement-{BusinessDates.Format(first)}-{BusinessDates.Format(last)}.csv", report.Lines)
            : TypedResults.Ok(report);
    }

    private static IResult StatementCsv(string file, IReadOnlyList<FinancialStatementLineDto> lines) =>
        CsvExport.File(file, ["code", "name", "name_vi", "amount", "accounts"],
            lines.Select(l => new[] { l.Code, l.Name, l.NameVi, CsvExport.Amount(l.Amount), string.Join(' ', l.Accounts) }));

    public static bool TryDate(string? text, string field, out DateOnly? date, out IResult? problem)
    {
        (date, problem) = (null, null);
        if (string.IsNullOrWhiteSpace(text))
            return true;
        date = BusinessDates.Parse(text.Trim());
        if (date is null)
            problem = Problems.Validation(field, $"{field} is a date written yyyy-MM-dd.");
        return date is not null;
    }
}
