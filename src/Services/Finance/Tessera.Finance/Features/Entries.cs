using System.Globalization;
using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Contracts;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;
using Tessera.Finance.Ledger;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Idempotency;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Finance.Features;

/// <summary>
/// The journal: entries newest first, filtered by source document, account and date range (keyset paged), one entry
/// with its lines and the link to its source, manual entries by accountants, and reversals — a posted entry never
/// changes; it is corrected by a reversal and a new entry.
/// </summary>
public static class Entries
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public sealed record LineInput(string? Account, decimal? Debit, decimal? Credit, string? Memo, string? Warehouse);

    public sealed record ManualRequest(DateOnly? Date, string? Description, IReadOnlyList<LineInput>? Lines);

    public sealed record ReverseRequest(DateOnly? Date, string? Reason);

    public sealed class ManualValidator : AbstractValidator<ManualRequest>
    {
        public ManualValidator()
        {
            RuleFor(r => r.Date).NotNull().WithMessage("date is the entry's business date (yyyy-MM-dd).");
            RuleFor(r => r.Description).NotEmpty().MaximumLength(500);
            RuleFor(r => r.Lines).NotNull().Must(l => l is { Count: >= 2 and <= JournalRules.MaxLines })
                .WithMessage($"An entry has 2 to {JournalRules.MaxLines} lines.");
            RuleForEach(r => r.Lines).ChildRules(line =>
            {
                line.RuleFor(l => l.Account).NotEmpty();
                line.RuleFor(l => l.Debit).GreaterThanOrEqualTo(0).PrecisionScale(20, JournalRules.Decimals, ignoreTrailingZeros: true);
                line.RuleFor(l => l.Credit).GreaterThanOrEqualTo(0).PrecisionScale(20, JournalRules.Decimals, ignoreTrailingZeros: true);
                line.RuleFor(l => l.Debit).Must((l, debit) => (debit ?? 0) > 0 != (l.Credit ?? 0) > 0)
                    .WithMessage("A line has either a debit or a credit.");
                line.RuleFor(l => l.Memo).MaximumLength(200);
                line.RuleFor(l => l.Warehouse).MaximumLength(20);
            });
        }
    }

    public sealed class ReverseValidator : AbstractValidator<ReverseRequest>
    {
        public ReverseValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(500).WithMessage("Say why the entry is reversed.");
    }

    public static void Map(RouteGroupBuilder api)
    {
        var entries = api.MapGroup("/entries").WithTags("Journal");
        entries.MapGet("/", List).Reading().WithName("ListEntries")
            .WithSummary("Entries newest first, filtered by sourceType, sourceId, account, kind and from/to (business dates); keyset paged with before= (the answer's next).");
        entries.MapGet("/{id:guid}", Get).Reading().WithName("GetEntry");
        entries.MapPost("/", Post).Validate<ManualRequest>().Posting().WithName("PostManualEntry")
            .WithSummary("Post a manual entry (accountants, operators). It must balance; a locked date is refused. Accepts an Idempotency-Key.");
        entries.MapPost("/{id:guid}/reverse", Reverse).Validate<ReverseRequest>().Posting().WithName("ReverseEntry")
            .WithSummary("Post the reversal of an entry (its lines with sides swapped), dated today or on the date given.");
    }

    private static async Task<IResult> List(string? sourceType, string? sourceId, string? account, string? kind, DateOnly? from, DateOnly? to, long? before,
        int? limit, FinanceDbContext db, CancellationToken cancellationToken)
    {
        var size = limit ?? DefaultLimit;
        if (size is < 1 or > MaxLimit)
            return Problems.Validation("limit", $"limit is between 1 and {MaxLimit}.");
        var query = db.Entries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(sourceType))
            query = query.Where(e => e.SourceType == sourceType);
        if (!string.IsNullOrWhiteSpace(sourceId))
            query = query.Where(e => e.SourceId == sourceId);
        if (!string.IsNullOrWhiteSpace(kind))
            query = query.Where(e => e.Kind == kind);
        if (from is { } start)
            query = query.Where(e => e.Date >= start);
        if (to is { } end)
            query = query.Where(e => e.Date <= end);
        if (!string.IsNullOrWhiteSpace(account))
        {
            // Through the (tenant, account, date, number) index of lines: the entries that touch the account.
            var code = account.Trim();
            var lines = db.Lines.AsNoTracking().Where(l => l.Account == code);
            if (from is { } f)
                lines = lines.Where(l => l.Date >= f);
            if (to is { } t)
                lines = lines.Where(l => l.Date <= t);
            if (before is { } b)
                lines = lines.Where(l => l.Number < b);
            var numbers = await lines.Select(l => l.Number).Distinct().OrderByDescending(n => n).Take(size + 1).ToListAsync(cancellationToken);
            query = query.Where(e => numbers.Contains(e.Number));
        }
        if (before is { } cursor)
            query = query.Where(e => e.Number < cursor);
        var page = await query.OrderByDescending(e => e.Number).Take(size + 1).Include(e => e.Lines).AsSplitQuery().ToListAsync(cancellationToken);
        var next = page.Count > size ? page[size - 1].Number.ToString(CultureInfo.InvariantCulture) : null;
        var items = page.Take(size).ToList();
        return TypedResults.Ok(new JournalEntryPageDto(await ToDtosAsync(db, items, cancellationToken), next));
    }

    private static async Task<IResult> Get(Guid id, FinanceDbContext db, CancellationToken cancellationToken)
    {
        var entry = await db.Entries.AsNoTracking().Include(e => e.Lines).FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        return entry is null ? Problems.NotFound("Journal entry", id.ToString()) : TypedResults.Ok((await ToDtosAsync(db, [entry], cancellationToken))[0]);
    }

    private static Task<IResult> Post(ManualRequest request, [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey, ClaimsPrincipal user,
        FinanceDbContext db, LedgerBooks books, JournalWriter journal, IdempotentRequests idempotency, CancellationToken cancellationToken) =>
        idempotency.ExecuteAsync(db, "finance.entry", idempotencyKey, request, async ct =>
        {
            await books.OpenAsync(ct);
            var codes = request.Lines!.Select(l => l.Account!.Trim()).Distinct().ToList();
            var controls = await db.Accounts.AsNoTracking().Where(a => codes.Contains(a.Code) && (a.Role == AccountRoles.Receivable || a.Role == AccountRoles.Payable))
                .Select(a => a.Code).ToListAsync(ct);
            if (controls.Count > 0)
                return IdempotentOutcome.Refused(Problems.Validation(request.Lines!.Select((l, i) => (l, i)).Where(x => controls.Contains(x.l.Account!.Trim()))
                    .ToDictionary(x => $"lines[{x.i}].account", x => new[]
                    {
                        $"{x.l.Account} is a control account: it is posted by invoices, credit notes, bills and payments only, so that it always equals its sub-ledger.",
                    })));
            try
            {
                var posted = await journal.PostAsync(new EntryDraft(request.Date!.Value, EntryKinds.Manual, request.Description!.Trim(),
                    request.Lines!.Select(l => new DraftLine(l.Account!.Trim(), l.Debit ?? 0, l.Credit ?? 0, l.Warehouse?.Trim().ToUpperInvariant(), null,
                        string.IsNullOrWhiteSpace(l.Memo) ? null : l.Memo.Trim())).ToList()), user.Actor(), LateEntries.Refuse, ct);
                var entry = await db.Entries.AsNoTracking().Include(e => e.Lines).FirstAsync(e => e.Id == posted.Id, ct);
                return IdempotentOutcome.Created($"/api/finance/entries/{posted.Id}", (await ToDtosAsync(db, [entry], ct))[0]);
            }
            catch (LedgerException error)
            {
                return IdempotentOutcome.Refused(LedgerProblems.From(error));
            }
        }, cancellationToken);

    private static Task<IResult> Reverse(Guid id, ReverseRequest request, ClaimsPrincipal user, FinanceDbContext db, LedgerBooks books, JournalWriter journal,
        TimeProvider clock, CancellationToken cancellationToken) =>
        LedgerProblems.WriteAsync(db, async ct =>
        {
            var ledger = await books.OpenAsync(ct);
            var entry = await db.Entries.AsNoTracking().Include(e => e.Lines).FirstOrDefaultAsync(e => e.Id == id, ct);
            if (entry is null)
                return Problems.NotFound("Journal entry", id.ToString());
            if (entry.Kind is EntryKinds.Reversal or EntryKinds.Closing)
                return Problems.Conflict("This entry cannot be reversed",
                    entry.Kind == EntryKinds.Closing ? "A year's closing entry is undone by reopening the year." : "A reversal is not reversed; post a new entry instead.");
            if (await db.Entries.AnyAsync(e => e.Reverses == id, ct))
                return Problems.Conflict("The entry is already reversed", $"Entry #{entry.Number} has been reversed before.");
            if (entry.Kind != EntryKinds.Manual)
                return Problems.Conflict("The entry belongs to a document",
                    $"Entry #{entry.Number} was posted for {entry.SourceType} {entry.SourceId}; it is corrected through that document (a credit note, a reversal of the bill), not by hand.");
            var date = request.Date ?? BusinessDates.Of(clock.GetUtcNow(), ledger.TimeZone);
            var posted = await journal.PostAsync(new EntryDraft(date, EntryKinds.Reversal, $"Reversal of entry #{entry.Number}: {request.Reason!.Trim()}",
                entry.Lines.OrderBy(l => l.LineNo).Select(l => new DraftLine(l.Account, l.Credit, l.Debit, l.Warehouse, l.Document, l.Memo)).ToList(),
                "entry", entry.Id.ToString(), Reverses: entry.Id), user.Actor(), LateEntries.Refuse, ct);
            var reversal = await db.Entries.AsNoTracking().Include(e => e.Lines).FirstAsync(e => e.Id == posted.Id, ct);
            return TypedResults.Created($"/api/finance/entries/{posted.Id}", (await ToDtosAsync(db, [reversal], ct))[0]);
        }, cancellationToken);

    public static async Task<List<JournalEntryDto>> ToDtosAsync(FinanceDbContext db, IReadOnlyList<JournalEntry> entries, CancellationToken cancellationToken)
    {
        var codes = entries.SelectMany(e => e.Lines).Select(l => l.Account).Distinct().ToList();
        var names = await db.Accounts.AsNoTracking().Where(a => codes.Contains(a.Code)).ToDictionaryAsync(a => a.Code, a => a.Name, cancellationToken);
        var ids = entries.Select(e => (Guid?)e.Id).ToList();
        var reversedBy = await db.Entries.AsNoTracking().Where(e => ids.Contains(e.Reverses)).ToDictionaryAsync(e => e.Reverses!.Value, e => e.Id, cancellationToken);
        return entries.Select(e => new JournalEntryDto(e.Id, e.Number, e.Date, e.OriginalDate, e.Kind, e.Description, e.SourceType, e.SourceId,
            SourceLinks.For(e.SourceType, e.SourceId), e.Rule, e.RuleVersion, e.Reverses, reversedBy.TryGetValue(e.Id, out var r) ? r : null,
            e.Lines.OrderBy(l => l.LineNo).Select(l => new JournalLineDto(l.LineNo, l.Account, names.GetValueOrDefault(l.Account) ?? l.Account, l.Debit, l.Credit,
                l.Warehouse, l.Document, l.Memo)).ToList(),
            e.Total, e.PostedAt, e.PostedBy, e.Hash, e.Note)).ToList();
    }
}
