using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Finance.Domain;

public static class EntryKinds
{
    /// <summary>Posted from another service's event by a posting rule.</summary>
    public const string Event = "event";
    public const string Manual = "manual";
    public const string Reversal = "reversal";

    /// <summary>Year end: revenue and expense to the income summary, the result to the current year's result.</summary>
    public const string Closing = "closing";

    /// <summary>Money already received or paid on account applied to an invoice or bill later.</summary>
    public const string Allocation = "allocation";
}

/// <summary>An entry as posted: immutable once written. A correction is a reversal entry plus a new one.</summary>
public sealed class JournalEntry : ITenantOwned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public long Number { get; set; }
    public DateOnly Date { get; set; }
    public DateOnly? OriginalDate { get; set; }
    public string Kind { get; set; } = "";
    public string Description { get; set; } = "";
    public string? SourceType { get; set; }
    public string? SourceId { get; set; }
    public string? Rule { get; set; }
    public int? RuleVersion { get; set; }
    public Guid? Reverses { get; set; }
    public DateTimeOffset PostedAt { get; set; }
    public string PostedBy { get; set; } = "";
    public decimal Total { get; set; }
    public string PreviousHash { get; set; } = "";
    public string Hash { get; set; } = "";
    public string? Note { get; set; }
    public List<JournalLine> Lines { get; set; } = [];
}

public sealed class JournalLine : ITenantOwned
{
    public Guid EntryId { get; set; }
    public int LineNo { get; set; }
    public string TenantId { get; set; } = "";
    public long Number { get; set; }
    public DateOnly Date { get; set; }
    public string Account { get; set; } = "";
    public decimal Debit { get; set; }
    public decimal Credit { get; set; }
    public string? Warehouse { get; set; }
    public string? Document { get; set; }
    public string? Memo { get; set; }
}

/// <summary>What an account moved on one business date; Closing separates the year-end close from the year's business.</summary>
public sealed class AccountDay : ITenantOwned
{
    public string TenantId { get; set; } = "";
    public string Account { get; set; } = "";
    public DateOnly Date { get; set; }
    public bool Closing { get; set; }
    public decimal Debit { get; set; }
    public decimal Credit { get; set; }
}

public sealed record DraftLine(string Account, decimal Debit, decimal Credit, string? Warehouse = null, string? Document = null, string? Memo = null);

/// <summary>An entry to post: its business date, what it is and where it comes from, and its lines.</summary>
public sealed record EntryDraft(
    DateOnly Date,
    string Kind,
    string Description,
    IReadOnlyList<DraftLine> Lines,
    string? SourceType = null,
    string? SourceId = null,
    string? Rule = null,
    int? RuleVersion = null,
    Guid? Reverses = null,
    string? Note = null);

/// <summary>
/// The rules every entry obeys, whoever posts it: at least two lines, each a positive amount on exactly one side with
/// at most four decimals (the ledger's precision, that of inventory values), and debits equal to credits. The
/// problems are sentences for a 422 answer: the difference is named.
/// </summary>
public static class JournalRules
{
    public const int Decimals = 4;
    public const int MaxLines = 500;

    public static decimal Round(decimal amount) => Math.Round(amount, Decimals, MidpointRounding.AwayFromZero);

    public static IReadOnlyList<string> Check(IReadOnlyList<DraftLine> lines)
    {
        var problems = new List<string>();
        if (lines.Count < 2)
            problems.Add("An entry has at least two lines.");
        if (lines.Count > MaxLines)
            problems.Add($"An entry has at most {MaxLines} lines.");
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Debit < 0 || line.Credit < 0)
                problems.Add($"lines[{i}]: amounts are positive; put a reduction on the other side.");
            else if ((line.Debit == 0) == (line.Credit == 0))
                problems.Add($"lines[{i}]: a line is either a debit or a credit, not both and not neither.");
            if (Round(line.Debit) != line.Debit || Round(line.Credit) != line.Credit)
                problems.Add($"lines[{i}]: amounts have at most {Decimals} decimals.");
        }
        var (debits, credits) = (lines.Sum(l => l.Debit), lines.Sum(l => l.Credit));
        if (debits != credits)
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"The entry does not balance: debits {debits:0.####} ≠ credits {credits:0.####} (difference {debits - credits:0.####})."));
        return problems;
    }
}

/// <summary>
/// The tenant's hash chain: each entry's hash is SHA-256 over the previous entry's hash and a canonical text of the
/// entry (number, dates, kind, source, rule, who and when, every line). Changing anything in a posted entry, or
/// removing or reordering one, breaks the chain from there on; verification recomputes it and names the first entry
/// whose stored hash differs.
/// </summary>
public static class HashChain
{
    public static readonly string Genesis = new('0', 64);

    public static string Canonical(long number, DateOnly date, DateOnly? originalDate, string kind, string description, string? sourceType,
        string? sourceId, string? rule, int? ruleVersion, Guid? reverses, DateTimeOffset postedAt, string postedBy, IEnumerable<(int LineNo, string Account,
            decimal Debit, decimal Credit, string? Warehouse, string? Document, string? Memo)> lines)
    {
        var text = new StringBuilder(256);
        text.Append("tessera-ledger/1\n");
        text.Append("entry ").Append(number.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("date ").Append(Date(date)).Append(" original ").Append(originalDate is { } o ? Date(o) : "-").Append('\n');
        text.Append("kind ").Append(kind).Append('\n');
        text.Append("description ").Append(Escape(description)).Append('\n');
        text.Append("source ").Append(Escape(sourceType)).Append(' ').Append(Escape(sourceId)).Append('\n');
        text.Append("rule ").Append(Escape(rule)).Append(' ').Append(ruleVersion?.ToString(CultureInfo.InvariantCulture) ?? "-").Append('\n');
        text.Append("reverses ").Append(reverses?.ToString() ?? "-").Append('\n');
        text.Append("posted ").Append(postedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(Escape(postedBy)).Append('\n');
        foreach (var line in lines.OrderBy(l => l.LineNo))
            text.Append("line ").Append(line.LineNo.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(line.Account)
                .Append(" D ").Append(Amount(line.Debit)).Append(" C ").Append(Amount(line.Credit))
                .Append(" W ").Append(Escape(line.Warehouse)).Append(" X ").Append(Escape(line.Document)).Append(" M ").Append(Escape(line.Memo)).Append('\n');
        return text.ToString();
    }

    public static string Next(string previousHash, string canonical) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previousHash + "\n" + canonical)));

    public static string Of(JournalEntry entry) => Canonical(entry.Number, entry.Date, entry.OriginalDate, entry.Kind, entry.Description, entry.SourceType,
        entry.SourceId, entry.Rule, entry.RuleVersion, entry.Reverses, entry.PostedAt, entry.PostedBy,
        entry.Lines.Select(l => (l.LineNo, l.Account, l.Debit, l.Credit, l.Warehouse, l.Document, l.Memo)));

    public static string Amount(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Escape(string? value) => value is null ? "-" : value.Replace("\\", "\\\\").Replace("\n", "\\n").Replace(" ", "\\s");
}
