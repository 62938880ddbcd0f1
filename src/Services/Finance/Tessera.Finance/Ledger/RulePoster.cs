using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;

namespace Tessera.Finance.Ledger;

/// <summary>The warehouse and document a line is kept under.</summary>
public sealed record Dimensions(string? Warehouse, string? Document);

/// <summary>
/// A posting event to post by the tenant's rule. Fields are the event's amounts (derived ones are computed); Dimensions
/// per dimension set ("default", or a transfer's "from"/"to"); Split spreads the event's split field over documents on
/// the receivable or payable account (a payment's allocations; what is left stays under SplitRemainder).
/// </summary>
public sealed record PostingRequest(
    string Event,
    DateTimeOffset OccurredAt,
    string SourceType,
    string SourceId,
    string Description,
    IReadOnlyDictionary<string, decimal> Fields,
    IReadOnlyDictionary<string, Dimensions> Dimensions,
    IReadOnlyList<(string Document, decimal Amount)>? Split = null,
    string? SplitRemainder = null,
    DateOnly? Date = null);

/// <summary>
/// Turns a posting event into an entry with the version of its rule that was in force when the event happened (so a
/// rule changed today applies to what happens from today on), and records that version on the entry. Posting is
/// idempotent per (source document, event): a repeated event finds its entry and posts nothing.
/// </summary>
public sealed class RulePoster(FinanceDbContext db, LedgerBooks books, JournalWriter journal, RuleCache cache)
{
    /// <returns>The entry, or null when this source document was posted by this rule before.</returns>
    public async Task<PostedEntry?> PostAsync(PostingRequest request, string postedBy, CancellationToken cancellationToken)
    {
        // The books first: the same event handled twice at once finds, behind the first one's lock, its entry posted.
        var head = await books.HeadAsync(cancellationToken);
        if (await journal.PostedAsync(request.SourceType, request.SourceId, request.Event, cancellationToken))
            return null;
        var draft = await DraftAsync(request, head, cancellationToken);
        return draft is null ? null : await journal.PostAsync(draft, postedBy, LateEntries.PostOnNextOpenDate, cancellationToken, head);
    }

    /// <summary>The entry the rule makes, or null when every amount is zero (nothing to post).</summary>
    public async Task<EntryDraft?> DraftAsync(PostingRequest request, LedgerHead head, CancellationToken cancellationToken)
    {
        var posting = PostingEvents.Get(request.Event);
        var snapshot = await books.SnapshotAsync(head, cancellationToken);
        var version = snapshot.VersionAt(posting.Key, request.OccurredAt);
        var rule = await cache.LinesAsync(db, db.CurrentTenantId!, snapshot.Chart, posting.Key, version, cancellationToken);

        var fields = new Dictionary<string, decimal>(request.Fields, StringComparer.Ordinal);
        foreach (var (name, definition) in posting.Derived)
            fields[name] = definition.Evaluate(fields);

        var lines = new List<DraftLine>();
        foreach (var ruleLine in rule)
        {
            var expression = ruleLine.Expression;
            var amount = JournalRules.Round(expression.Evaluate(fields));
            if (amount == 0)
                continue;
            var debit = (ruleLine.Side == Sides.Debit) == (amount > 0);
            var dimension = request.Dimensions.GetValueOrDefault(ruleLine.Dimension ?? PostingEvents.DefaultDimension)
                            ?? request.Dimensions.GetValueOrDefault(PostingEvents.DefaultDimension);
            var account = ruleLine.Account.Trim();
            var role = snapshot.Accounts.TryGetValue(account, out var known) ? known.Role : null;
            var split = posting.SplitField is { } field && request.Split is { } parts && expression.Terms.Count == 1 &&
                        expression.Terms.TryGetValue(field, out var coefficient) && coefficient == 1 && AccountRoles.IsOpenItem(role);
            if (split)
            {
                var left = Math.Abs(amount);
                foreach (var (document, part) in request.Split!.Where(p => p.Amount != 0))
                {
                    lines.Add(Line(account, debit, part, dimension?.Warehouse, document));
                    left -= part;
                }
                if (left != 0)
                    lines.Add(Line(account, debit, left, dimension?.Warehouse, request.SplitRemainder ?? dimension?.Document));
            }
            else
                lines.Add(Line(account, debit, Math.Abs(amount), dimension?.Warehouse, dimension?.Document));
        }
        if (lines.Count == 0)
            return null;
        Rebalance(lines);

        var date = request.Date ?? BusinessDates.Of(request.OccurredAt, snapshot.TimeZone);
        return new EntryDraft(date, EntryKinds.Event, request.Description, lines, request.SourceType, request.SourceId, posting.Key, version);
    }

    private static DraftLine Line(string account, bool debit, decimal amount, string? warehouse, string? document) =>
        new(account, debit ? amount : 0, debit ? 0 : amount, warehouse, document);

    /// <summary>
    /// Rounding each line to the ledger's four decimals can leave a rule with coefficients like 0.5 a ten-thousandth
    /// off; the largest line on the lighter side takes it. A rule proved to balance cannot be off by more.
    /// </summary>
    private static void Rebalance(List<DraftLine> lines)
    {
        var difference = lines.Sum(l => l.Debit) - lines.Sum(l => l.Credit);
        if (difference == 0)
            return;
        if (Math.Abs(difference) > 0.0001m * lines.Count)
            throw new InvalidOperationException($"The rule's lines are off by {difference}; the rule does not balance.");
        var index = difference > 0
            ? lines.FindIndex(l => l.Credit == lines.Max(x => x.Credit))
            : lines.FindIndex(l => l.Debit == lines.Max(x => x.Debit));
        var line = lines[index];
        lines[index] = difference > 0 ? line with { Credit = line.Credit + difference } : line with { Debit = line.Debit - difference };
    }

    /// <summary>The rule version in force at <paramref name="at"/>, and its lines.</summary>
    public async Task<(int Version, IReadOnlyList<RuleLine> Lines)> InForceAsync(string posting, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var snapshot = await books.SnapshotAsync(await books.HeadAsync(cancellationToken), cancellationToken);
        var version = snapshot.VersionAt(posting, at);
        return (version, await cache.LinesAsync(db, db.CurrentTenantId!, snapshot.Chart, posting, version, cancellationToken));
    }
}

/// <summary>
/// Rule versions never change once written, so their parsed lines are cached per (tenant, chart, event, version). The
/// chart is in the key because a tenant without entries may replace its chart, and its rules start again at version 1.
/// </summary>
public sealed class RuleCache
{
    private readonly ConcurrentDictionary<(string, string, string, int), IReadOnlyList<RuleLine>> _lines = new();

    public async Task<IReadOnlyList<RuleLine>> LinesAsync(FinanceDbContext db, string tenant, string chart, string posting, int version,
        CancellationToken cancellationToken)
    {
        if (_lines.TryGetValue((tenant, chart, posting, version), out var cached))
            return cached;
        await using var command = Sql.Command(db, "SELECT lines FROM posting_rules WHERE tenant_id = @t AND event = @e AND version = @v",
            ("@t", tenant), ("@e", posting), ("@v", version));
        var json = (string?)await command.ExecuteScalarAsync(cancellationToken) ?? throw new InvalidOperationException($"Rule {posting} v{version} is missing.");
        var lines = PostingRule.Deserialize(json);
        _lines[(tenant, chart, posting, version)] = lines;
        return lines;
    }
}
