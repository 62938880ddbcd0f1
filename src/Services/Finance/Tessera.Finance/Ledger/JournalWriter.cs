using Tessera.Finance.Data;
using Tessera.Finance.Domain;

namespace Tessera.Finance.Ledger;

/// <summary>An entry as it was posted: its number and date (a late one's date moved past the lock date) and its hash.</summary>
public sealed record PostedEntry(Guid Id, long Number, DateOnly Date, DateOnly? OriginalDate, string Hash, decimal Total);

/// <summary>What to do with an entry dated on or before the lock date: refuse it (a person posting) or post it on the first open date (an event).</summary>
public enum LateEntries
{
    Refuse,
    PostOnNextOpenDate,
}

/// <summary>
/// The one way an entry enters the journal. Hot path: it runs for every stock movement, delivery and payment, inside
/// the caller's write transaction, and is plain SQL — read the chain head, with the tenant's books held (on PostgreSQL a
/// lock, <see cref="LedgerBooks.HoldAsync"/>), and the accounts it names, write the entry, its lines and the day totals
/// of its accounts (the running balances the trial balance sums), and move the chain head.
/// The entry is checked first (it balances, its accounts exist and are active, its date is open); the number is the
/// next of the tenant's, so numbers have no gaps, and the hash links it to the previous entry.
/// </summary>
public sealed class JournalWriter(FinanceDbContext db, LedgerBooks books, PreparedStatements statements, TimeProvider clock)
{
    public async Task<PostedEntry> PostAsync(EntryDraft draft, string postedBy, LateEntries late, CancellationToken cancellationToken, LedgerHead? head = null)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("Entries are posted inside a write transaction.");
        var tenant = db.CurrentTenantId ?? throw new InvalidOperationException("Entries are posted for a tenant.");

        var problems = JournalRules.Check(draft.Lines);
        if (problems.Count > 0)
            throw new LedgerException("The entry cannot be posted", problems);

        head ??= await books.HeadAsync(cancellationToken);
        var (count, lastHash, lockDate) = (head.Count, head.LastHash, head.LockDate);
        CheckAccounts(await books.SnapshotAsync(head, cancellationToken), draft.Lines);

        var (date, originalDate) = (draft.Date, (DateOnly?)null);
        // A year's closing entry is dated on its last day, which closing the year also locks.
        if (lockDate is { } locked && (draft.Date < locked || (draft.Date == locked && draft.Kind != EntryKinds.Closing)))
        {
            if (late == LateEntries.Refuse)
                throw new LedgerException("The period is locked", [
                    $"Nothing can be posted on or before {BusinessDates.Format(locked)}, the lock date; date the entry {BusinessDates.Format(locked.AddDays(1))} or later, or ask an operator to reopen the period.",
                ]);
            (date, originalDate) = (locked.AddDays(1), draft.Date);
        }

        var id = Guid.CreateVersion7();
        var number = count + 1;
        var postedAt = clock.GetUtcNow();
        var total = draft.Lines.Sum(l => l.Debit);
        var note = originalDate is { } original
            ? $"Happened on {BusinessDates.Format(original)}, in a locked period: posted on {BusinessDates.Format(date)}, the first open date." + (draft.Note is null ? "" : " " + draft.Note)
            : draft.Note;
        var numbered = draft.Lines.Select((l, i) => (LineNo: i + 1, l.Account, l.Debit, l.Credit, l.Warehouse, l.Document, l.Memo)).ToList();
        var hash = HashChain.Next(lastHash, HashChain.Canonical(number, date, originalDate, draft.Kind, draft.Description, draft.SourceType, draft.SourceId,
            draft.Rule, draft.RuleVersion, draft.Reverses, postedAt, postedBy, numbered));

        await statements.Get("""
            INSERT INTO journal_entries (id, tenant_id, number, date, original_date, kind, description, source_type, source_id, rule, rule_version, reverses,
                posted_at, posted_by, total, previous_hash, hash, note)
            VALUES (@id, @t, @n, @d, @od, @k, @desc, @st, @si, @r, @rv, @rev, @at, @by, @total, @prev, @hash, @note)
            """,
            ("@id", id), ("@t", tenant), ("@n", number), ("@d", date), ("@od", originalDate), ("@k", draft.Kind), ("@desc", draft.Description),
            ("@st", draft.SourceType), ("@si", draft.SourceId), ("@r", draft.Rule), ("@rv", draft.RuleVersion), ("@rev", draft.Reverses), ("@at", postedAt),
            ("@by", postedBy), ("@total", total), ("@prev", lastHash), ("@hash", hash), ("@note", note)).ExecuteNonQueryAsync(cancellationToken);

        foreach (var line in numbered)
            await statements.Get("""
                INSERT INTO journal_lines (entry_id, line_no, tenant_id, number, date, account, debit, credit, warehouse, document, memo)
                VALUES (@id, @no, @t, @n, @d, @a, @dr, @cr, @w, @doc, @m)
                """,
                ("@id", id), ("@no", line.LineNo), ("@t", tenant), ("@n", number), ("@d", date), ("@a", line.Account), ("@dr", line.Debit), ("@cr", line.Credit),
                ("@w", line.Warehouse), ("@doc", line.Document), ("@m", line.Memo)).ExecuteNonQueryAsync(cancellationToken);

        foreach (var day in draft.Lines.GroupBy(l => l.Account, StringComparer.Ordinal))
            await statements.Get($"""
                INSERT INTO account_days (tenant_id, account, date, closing, debit, credit) VALUES (@t, @a, @d, @c, @dr, @cr)
                ON CONFLICT (tenant_id, account, date, closing) DO UPDATE SET debit = {Sql.Plus(db, "account_days.debit", "excluded.debit")},
                    credit = {Sql.Plus(db, "account_days.credit", "excluded.credit")}
                """,
                ("@t", tenant), ("@a", day.Key), ("@d", date), ("@c", draft.Kind == EntryKinds.Closing), ("@dr", day.Sum(l => l.Debit)),
                ("@cr", day.Sum(l => l.Credit))).ExecuteNonQueryAsync(cancellationToken);

        if (await statements.Get("UPDATE ledgers SET entry_count = @n, last_hash = @h WHERE tenant_id = @t AND entry_count = @before",
                ("@n", number), ("@h", hash), ("@t", tenant), ("@before", count)).ExecuteNonQueryAsync(cancellationToken) != 1)
            throw new InvalidOperationException("The head of the hash chain moved while an entry was being posted.");

        return new PostedEntry(id, number, date, originalDate, hash, total);
    }

    /// <summary>Whether an entry of <paramref name="rule"/> for this source document is already in the journal (a repeated event).</summary>
    public async Task<bool> PostedAsync(string sourceType, string sourceId, string rule, CancellationToken cancellationToken)
    {
        var command = statements.Get("SELECT 1 FROM journal_entries WHERE tenant_id = @t AND source_type = @st AND source_id = @si AND rule = @r",
            ("@t", db.CurrentTenantId), ("@st", sourceType), ("@si", sourceId), ("@r", rule));
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private static void CheckAccounts(BooksSnapshot snapshot, IReadOnlyList<DraftLine> lines)
    {
        var codes = lines.Select(l => l.Account).Distinct(StringComparer.Ordinal).ToList();
        var problems = codes.Where(c => !snapshot.Accounts.ContainsKey(c)).Select(c => $"Account {c} is not in the chart of accounts.")
            .Concat(codes.Where(c => snapshot.Accounts.TryGetValue(c, out var a) && !a.Active).Select(c => $"Account {c} is inactive."))
            .ToList();
        if (problems.Count > 0)
            throw new LedgerException("The entry names accounts that cannot be posted to", problems);
    }
}
