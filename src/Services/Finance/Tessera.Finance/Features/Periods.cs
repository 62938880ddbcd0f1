using System.Globalization;
using System.Security.Claims;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Contracts;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;
using Tessera.Finance.Ledger;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Finance.Features;

/// <summary>
/// Fiscal years (calendar years) and their months, and the lock date: nothing is posted on or before it — a person is
/// refused, a late event is posted on the first open date and says so. Accountants move the lock date forward (each
/// month it passes is announced closed) and close a year: revenue and expense go to the income summary and the result
/// to the current year's result, in one entry on 31 December. Moving the lock date back and reopening a year are
/// operators' actions, with a reason, kept for the auditor.
/// </summary>
public static class Periods
{
    public sealed record LockRequest(DateOnly? LockDate);

    public sealed record UnlockRequest(DateOnly? LockDate, string? Reason);

    public sealed record ReopenRequest(string? Reason);

    public sealed class LockValidator : AbstractValidator<LockRequest>
    {
        public LockValidator() => RuleFor(r => r.LockDate).NotNull().WithMessage("lockDate is the last date to lock (yyyy-MM-dd).");
    }

    public sealed class UnlockValidator : AbstractValidator<UnlockRequest>
    {
        public UnlockValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(500).WithMessage("Say why the period is reopened; the auditor will ask.");
    }

    public sealed class ReopenValidator : AbstractValidator<ReopenRequest>
    {
        public ReopenValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(500).WithMessage("Say why the year is reopened; the auditor will ask.");
    }

    public static void Map(RouteGroupBuilder api)
    {
        var periods = api.MapGroup("/periods").WithTags("Periods");
        periods.MapGet("/", Get).Reading().WithName("GetPeriods").WithSummary("The lock date, fiscal years, the months of a year (year=) and the audit trail of changes.");
        periods.MapPost("/lock", Lock).Validate<LockRequest>().Posting().WithName("LockPeriod")
            .WithSummary("Move the lock date forward: nothing can be posted on or before it. Each month it passes is announced closed.");
        periods.MapPost("/unlock", Unlock).Validate<UnlockRequest>().OperatorsOnly().WithName("UnlockPeriod")
            .WithSummary("Operators: move the lock date back (lockDate null opens everything not in a closed year), with a reason.");
        var years = api.MapGroup("/fiscal-years").WithTags("Periods");
        years.MapPost("/{year:int}/close", Close).Posting().WithName("CloseFiscalYear")
            .WithSummary("Close a year: revenue and expense to the income summary, the result to the current year's result; locks the year.");
        years.MapPost("/{year:int}/reopen", Reopen).Validate<ReopenRequest>().OperatorsOnly().WithName("ReopenFiscalYear")
            .WithSummary("Operators: reopen the last closed year (its closing entry is reversed), with a reason.");
    }

    private static async Task<IResult> Get(int? year, LedgerBooks books, FinanceDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var ledger = await books.ForReadAsync(cancellationToken);
        var today = BusinessDates.Of(clock.GetUtcNow(), ledger.TimeZone);
        var shown = year ?? today.Year;
        if (shown is < 1900 or > 9999)
            return Problems.Validation("year", "year is a calendar year such as 2026.");
        var closed = await db.FiscalYears.AsNoTracking().ToListAsync(cancellationToken);
        var first = await db.Entries.AsNoTracking().OrderBy(e => e.Date).Select(e => (DateOnly?)e.Date).FirstOrDefaultAsync(cancellationToken);
        var years = Enumerable.Range(Math.Min(first?.Year ?? today.Year, shown), Math.Max(today.Year, shown) - Math.Min(first?.Year ?? today.Year, shown) + 1)
            .Select(y => closed.FirstOrDefault(c => c.Year == y) ?? new FiscalYear { Year = y }).ToList();
        var months = Enumerable.Range(1, 12).Select(m =>
        {
            var start = new DateOnly(shown, m, 1);
            var end = start.AddMonths(1).AddDays(-1);
            return new PeriodDto(shown, m, start, end, ledger.LockDate >= end);
        }).ToList();
        var changes = await db.PeriodChanges.AsNoTracking().OrderByDescending(c => c.Id).Take(50).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PeriodsDto(ledger.LockDate,
            years.OrderByDescending(y => y.Year).Select(y => new FiscalYearDto(y.Year, y.Start, y.End, y.Status, y.ClosingEntryId, y.ClosedAt, y.ClosedBy)).ToList(),
            months, changes.Select(c => new PeriodChangeDto(c.Action, c.LockBefore, c.LockAfter, c.Year, c.By, c.Reason, c.At)).ToList()));
    }

    private static Task<IResult> Lock(LockRequest request, ClaimsPrincipal user, FinanceDbContext db, LedgerBooks books, IOutbox outbox, TimeProvider clock,
        CancellationToken cancellationToken) =>
        LedgerProblems.WriteAsync(db, async ct =>
        {
            await books.OpenAsync(ct);
            var ledger = await db.Books.FirstAsync(ct);
            var target = request.LockDate!.Value;
            var today = BusinessDates.Of(clock.GetUtcNow(), ledger.TimeZone);
            if (target >= today)
                return Problems.Validation("lockDate", $"Only dates before today ({BusinessDates.Format(today)}) can be locked: today's business is still being posted.");
            if (ledger.LockDate is { } current && target <= current)
                return Problems.Conflict("The period is already locked",
                    $"The books are locked up to {BusinessDates.Format(current)}. Moving the lock date back is an operator's action (POST /periods/unlock).");
            MoveLock(db, ledger, target, PeriodChange.Lock, null, user.Actor(), outbox, clock);
            return TypedResults.Ok(LedgerSettings.ToDto(ledger));
        }, cancellationToken);

    private static Task<IResult> Unlock(UnlockRequest request, ClaimsPrincipal user, FinanceDbContext db, LedgerBooks books, TimeProvider clock,
        CancellationToken cancellationToken) =>
        LedgerProblems.WriteAsync(db, async ct =>
        {
            await books.OpenAsync(ct);
            var ledger = await db.Books.FirstAsync(ct);
            if (ledger.LockDate is not { } current || (request.LockDate is { } wanted && wanted >= current))
                return Problems.Conflict("Nothing to unlock", "The new lock date must be earlier than the current one; move it forward with POST /periods/lock.");
            var lastClosed = await db.FiscalYears.Where(y => y.Status == FiscalYear.Closed).MaxAsync(y => (int?)y.Year, ct);
            if (lastClosed is { } y && (request.LockDate is null || request.LockDate < new DateOnly(y, 12, 31)))
                return Problems.Conflict("A closed year would open",
                    $"{y} is closed: reopen it first (POST /fiscal-years/{y}/reopen), or keep the lock date on or after 31 December {y}.");
            db.PeriodChanges.Add(new PeriodChange
            {
                Action = PeriodChange.Unlock, LockBefore = current, LockAfter = request.LockDate, By = user.Actor(), Reason = request.Reason!.Trim(), At = clock.GetUtcNow(),
            });
            (ledger.LockDate, ledger.UpdatedAt) = (request.LockDate, clock.GetUtcNow());
            return TypedResults.Ok(LedgerSettings.ToDto(ledger));
        }, cancellationToken);

    private static Task<IResult> Close(int year, ClaimsPrincipal user, FinanceDbContext db, LedgerBooks books, JournalWriter journal, IOutbox outbox,
        TimeProvider clock, CancellationToken cancellationToken) =>
        LedgerProblems.WriteAsync(db, async ct =>
        {
            await books.OpenAsync(ct);
            var ledger = await db.Books.FirstAsync(ct);
            var end = new DateOnly(year, 12, 31);
            if (end >= BusinessDates.Of(clock.GetUtcNow(), ledger.TimeZone))
                return Problems.Conflict("The year has not ended", $"{year} is closed after 31 December {year}.");
            var fiscal = await db.FiscalYears.FirstOrDefaultAsync(y => y.Year == year, ct);
            if (fiscal?.Status == FiscalYear.Closed)
                return Problems.Conflict("The year is closed", $"{year} was closed on {fiscal.ClosedAt:yyyy-MM-dd} by {fiscal.ClosedBy}.");
            var start = new DateOnly(year, 1, 1);
            var earlierYears = await db.Entries.AsNoTracking().Where(e => e.Date < start).Select(e => e.Date.Year).Distinct().ToListAsync(ct);
            var closedYears = await db.FiscalYears.Where(y => y.Status == FiscalYear.Closed).Select(y => y.Year).ToListAsync(ct);
            if (earlierYears.Order().FirstOrDefault(y => !closedYears.Contains(y)) is var earlier and > 0)
                return Problems.Conflict("An earlier year is open", $"Close {earlier} first: years are closed in order.");
            if (ledger.LockDate is { } locked && locked > end)
                return Problems.Conflict("The year is locked", $"The books are locked up to {BusinessDates.Format(locked)}, past the end of {year}.");

            var accounts = await db.Accounts.AsNoTracking().ToListAsync(ct);
            var summary = accounts.Single(a => a.Role == AccountRoles.IncomeSummary && accounts.All(p => p.Code != a.Parent || p.Role != a.Role)).Code;
            var result = accounts.Single(a => a.Role == AccountRoles.CurrentYearResult && accounts.All(p => p.Code != a.Parent || p.Role != a.Role)).Code;
            var profitAndLoss = accounts.Where(a => AccountTypes.IsProfitAndLoss(a.Type)).Select(a => a.Code).ToHashSet(StringComparer.Ordinal);
            var balances = await Balances.AsOfAsync(db, end, ct);
            var lines = new List<DraftLine>();
            var (revenue, expense) = (0m, 0m);
            foreach (var (code, movement) in balances.Where(b => profitAndLoss.Contains(b.Key) && b.Value.Balance != 0).OrderBy(b => b.Key, StringComparer.Ordinal))
            {
                var balance = movement.Balance;
                var isRevenue = accounts.First(a => a.Code == code).Type == AccountTypes.Revenue;
                lines.Add(balance > 0 ? new DraftLine(code, 0, balance, Memo: $"To {summary}") : new DraftLine(code, -balance, 0, Memo: $"To {summary}"));
                if (isRevenue)
                    revenue -= balance;
                else
                    expense += balance;
            }
            if (lines.Count == 0)
                return Problems.Conflict("Nothing to close", $"No revenue or expense account has a balance at the end of {year}.");
            if (revenue != 0)
                lines.Add(revenue > 0 ? new DraftLine(summary, 0, revenue, Memo: "Revenue of the year") : new DraftLine(summary, -revenue, 0, Memo: "Revenue of the year"));
            if (expense != 0)
                lines.Add(expense > 0 ? new DraftLine(summary, expense, 0, Memo: "Expenses of the year") : new DraftLine(summary, 0, -expense, Memo: "Expenses of the year"));
            var profit = revenue - expense;
            if (profit != 0)
            {
                lines.Add(profit > 0 ? new DraftLine(summary, profit, 0, Memo: $"Result to {result}") : new DraftLine(summary, 0, -profit, Memo: $"Result to {result}"));
                lines.Add(profit > 0 ? new DraftLine(result, 0, profit, Memo: "Profit of the year") : new DraftLine(result, -profit, 0, Memo: "Loss of the year"));
            }
            var posted = await journal.PostAsync(new EntryDraft(end, EntryKinds.Closing,
                string.Create(CultureInfo.InvariantCulture, $"Closing of {year}: revenue {revenue:0.####}, expenses {expense:0.####}, result {profit:0.####}"),
                lines, "fiscal-year", year.ToString(CultureInfo.InvariantCulture)), user.Actor(), LateEntries.Refuse, ct);

            if (fiscal is null)
                db.FiscalYears.Add(fiscal = new FiscalYear { Year = year });
            (fiscal.Status, fiscal.ClosingEntryId, fiscal.ClosedAt, fiscal.ClosedBy) = (FiscalYear.Closed, posted.Id, clock.GetUtcNow(), user.Actor());
            if (ledger.LockDate is null || ledger.LockDate < end)
                MoveLock(db, ledger, end, PeriodChange.CloseYear, year, user.Actor(), outbox, clock);
            else
                db.PeriodChanges.Add(new PeriodChange
                {
                    Action = PeriodChange.CloseYear, LockBefore = ledger.LockDate, LockAfter = ledger.LockDate, Year = year, By = user.Actor(), At = clock.GetUtcNow(),
                });
            outbox.Publish(new PeriodClosed("year", new DateOnly(year, 1, 1), end, ledger.LockDate!.Value, user.Actor(), clock.GetUtcNow()), "periods");
            var entry = await db.Entries.AsNoTracking().Include(e => e.Lines).FirstAsync(e => e.Id == posted.Id, ct);
            return TypedResults.Ok((await Entries.ToDtosAsync(db, [entry], ct))[0]);
        }, cancellationToken);

    private static Task<IResult> Reopen(int year, ReopenRequest request, ClaimsPrincipal user, FinanceDbContext db, LedgerBooks books, JournalWriter journal,
        TimeProvider clock, CancellationToken cancellationToken) =>
        LedgerProblems.WriteAsync(db, async ct =>
        {
            await books.OpenAsync(ct);
            var ledger = await db.Books.FirstAsync(ct);
            var fiscal = await db.FiscalYears.FirstOrDefaultAsync(y => y.Year == year, ct);
            if (fiscal?.Status != FiscalYear.Closed)
                return Problems.Conflict("The year is open", $"{year} is not closed.");
            if (await db.FiscalYears.AnyAsync(y => y.Status == FiscalYear.Closed && y.Year > year, ct))
                return Problems.Conflict("A later year is closed", $"Reopen the later years first: years are reopened from the last.");
            var closing = await db.Entries.AsNoTracking().Include(e => e.Lines).FirstAsync(e => e.Id == fiscal.ClosingEntryId, ct);
            var closedAt = await db.PeriodChanges.Where(c => c.Action == PeriodChange.CloseYear && c.Year == year).OrderByDescending(c => c.Id).FirstOrDefaultAsync(ct);
            var lockBefore = ledger.LockDate;
            var reopenedLock = closedAt?.LockBefore is { } before && before < closing.Date ? before : (DateOnly?)new DateOnly(year - 1, 12, 31);
            (ledger.LockDate, ledger.UpdatedAt) = (reopenedLock, clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
            await journal.PostAsync(new EntryDraft(closing.Date, EntryKinds.Reversal, $"Reopening of {year}: {request.Reason!.Trim()}",
                closing.Lines.OrderBy(l => l.LineNo).Select(l => new DraftLine(l.Account, l.Credit, l.Debit, l.Warehouse, l.Document, l.Memo)).ToList(),
                "fiscal-year", year.ToString(CultureInfo.InvariantCulture), Reverses: closing.Id), user.Actor(), LateEntries.Refuse, ct);
            (fiscal.Status, fiscal.ClosingEntryId, fiscal.ClosedAt, fiscal.ClosedBy) = (FiscalYear.Open, null, null, null);
            db.PeriodChanges.Add(new PeriodChange
            {
                Action = PeriodChange.ReopenYear, LockBefore = lockBefore, LockAfter = reopenedLock, Year = year, By = user.Actor(), Reason = request.Reason!.Trim(),
                At = clock.GetUtcNow(),
            });
            return TypedResults.Ok(LedgerSettings.ToDto(ledger));
        }, cancellationToken);

    /// <summary>Moves the lock date forward, records who did it, and announces every month it passed the end of.</summary>
    private static void MoveLock(FinanceDbContext db, Books ledger, DateOnly target, string action, int? year, string actor, IOutbox outbox, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var before = ledger.LockDate;
        db.PeriodChanges.Add(new PeriodChange { Action = action, LockBefore = before, LockAfter = target, Year = year, By = actor, At = now });
        (ledger.LockDate, ledger.UpdatedAt) = (target, now);
        var month = before is { } b ? new DateOnly(b.Year, b.Month, 1) : new DateOnly(target.Year, 1, 1);
        for (; month.AddMonths(1).AddDays(-1) <= target; month = month.AddMonths(1))
        {
            var end = month.AddMonths(1).AddDays(-1);
            if (before is { } previous && end <= previous)
                continue;
            outbox.Publish(new PeriodClosed("month", month, end, target, actor, now), "periods");
        }
    }
}
