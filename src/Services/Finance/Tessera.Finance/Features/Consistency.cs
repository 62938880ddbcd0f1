using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Contracts;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;
using Tessera.Finance.Ledger;
using Tessera.Messaging.Inbox;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;

namespace Tessera.Finance.Features;

/// <summary>The platform's consistency report (read by `tessera check` and the operations page) with finance's own check list.</summary>
public sealed record FinanceConsistencyReport(
    string Service, DateTimeOffset CheckedAt, bool Holds, IReadOnlyList<InvariantResultDto> Invariants, IReadOnlyList<ConsistencyCheckDto> Checks);

/// <summary>
/// The books check themselves (blueprint section 7): I4 every invoice and credit note totals its lines plus tax; I5
/// every entry balances (and so do the day totals); I6 inventory's value, asked of inventory, equals the inventory
/// and goods-in-transit accounts, per warehouse and per shipment; I7 the receivable and payable sub-ledgers equal their
/// control accounts, document by document. Each failure names its first offending record. Events still waiting in
/// finance's inbox are counted in the answer: they explain a difference that lasts only until they are posted.
/// </summary>
public static class Consistency
{
    private const int MaxViolations = 100;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/consistency", Check).Reading().WithTags("Consistency").WithName("FinanceConsistency")
            .WithSummary("Checks I4–I7: {checks:[{name, ok, detail}]} with each invariant's violations.");

    private sealed class Violations(string id, string description)
    {
        private readonly List<InvariantViolationDto> _found = [];
        private int _count;
        public int Checked { get; set; }

        public void Add(string key, string detail)
        {
            _count++;
            if (_found.Count < MaxViolations)
                _found.Add(new InvariantViolationDto(key, detail));
        }

        public InvariantResultDto Result => new(id, description, _count == 0, Checked, _count, _found);

        public ConsistencyCheckDto Check(string? note) => new(id, _count == 0,
            _count == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{description}: holds ({Checked:N0} checked){note}")
                : string.Create(CultureInfo.InvariantCulture, $"{_found[0].Key}: {_found[0].Detail}{(_count > 1 ? $" (and {_count - 1:N0} more)" : "")}{note}"));
    }

    private static async Task<IResult> Check(FinanceDbContext db, LedgerBooks books, InventoryClient inventory, TimeProvider clock, CancellationToken cancellationToken)
    {
        await books.ForReadAsync(cancellationToken);
        var pending = await db.Set<InboxMessage>().AsNoTracking()
            .CountAsync(m => m.Tenant == db.CurrentTenantId && (m.Status == InboxStatus.Pending || m.Status == InboxStatus.Parked), cancellationToken);
        var note = pending == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"; {pending} event(s) still waiting in finance's inbox");

        var i4 = await InvoicesAsync(db, cancellationToken);
        var i5 = await EntriesAsync(db, cancellationToken);
        Violations i6;
        try
        {
            i6 = await InventoryAsync(db, inventory, clock, cancellationToken);
        }
        catch (DependencyUnavailableException)
        {
            return Problems.Unavailable("Inventory", "I6 compares the ledger with inventory's stock values, and inventory is not answering: nothing was checked. Try again shortly.");
        }
        var i7 = await SubLedgersAsync(db, cancellationToken);
        var all = new[] { i4, i5, i6, i7 };
        var results = all.Select(v => v.Result).ToList();
        return TypedResults.Ok(new FinanceConsistencyReport("finance", clock.GetUtcNow(), results.All(r => r.Holds), results,
            all.Select(v => v.Check(note)).ToList()));
    }

    private static async Task<Violations> InvoicesAsync(FinanceDbContext db, CancellationToken cancellationToken)
    {
        var found = new Violations("I4", "Invoice and credit note totals = lines + tax");
        var invoices = await db.Invoices.AsNoTracking().OrderBy(i => i.Sequence)
            .Select(i => new { i.Number, i.Net, i.Tax, i.Total, LineNet = i.Lines.Sum(l => l.Net), LineTax = i.Lines.Sum(l => l.Tax) }).ToListAsync(cancellationToken);
        foreach (var i in invoices)
            if (i.Total != i.LineNet + i.LineTax || i.Net != i.LineNet || i.Tax != i.LineTax)
                found.Add($"invoice {i.Number}", string.Create(CultureInfo.InvariantCulture,
                    $"total {i.Total:0.####} (net {i.Net:0.####}, tax {i.Tax:0.####}) but its lines add up to net {i.LineNet:0.####} + tax {i.LineTax:0.####} = {i.LineNet + i.LineTax:0.####}"));
        var notes = await db.CreditNotes.AsNoTracking().OrderBy(c => c.Sequence)
            .Select(c => new { c.Number, c.Net, c.Tax, c.Total, LineNet = c.Lines.Sum(l => l.Net), LineTax = c.Lines.Sum(l => l.Tax) }).ToListAsync(cancellationToken);
        foreach (var c in notes)
            if (c.Total != c.LineNet + c.LineTax || c.Net != c.LineNet || c.Tax != c.LineTax)
                found.Add($"credit note {c.Number}", string.Create(CultureInfo.InvariantCulture,
                    $"total {c.Total:0.####} but its lines add up to {c.LineNet + c.LineTax:0.####}"));
        found.Checked = invoices.Count + notes.Count;
        return found;
    }

    private static async Task<Violations> EntriesAsync(FinanceDbContext db, CancellationToken cancellationToken)
    {
        var found = new Violations("I5", "Debits = credits in every entry");
        await Sql.OpenAsync(db, cancellationToken);
        var (debit, credit) = (Sql.Sum(db, "l.debit"), Sql.Sum(db, "l.credit"));
        await using (var unbalanced = Sql.Command(db, $"""
            SELECT e.number, {debit}, {credit}, e.total, count(l.line_no)
            FROM journal_entries e LEFT JOIN journal_lines l ON l.entry_id = e.id
            WHERE e.tenant_id = @t
            GROUP BY e.id
            HAVING count(l.line_no) < 2 OR {Sql.Differ(db, debit, credit)} OR {Sql.Differ(db, debit, "e.total")}
            ORDER BY e.number
            """, ("@t", db.CurrentTenantId)))
        await using (var reader = await unbalanced.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                found.Add($"entry #{reader.GetInt64(0)}", string.Create(CultureInfo.InvariantCulture,
                    $"{reader.GetInt64(4)} line(s): debits {Sql.ReadDecimal(reader, 1):0.####}, credits {Sql.ReadDecimal(reader, 2):0.####}, entry total {Sql.ReadDecimal(reader, 3):0.####}"));
        found.Checked = (int)await db.Entries.LongCountAsync(cancellationToken);
        var days = await Balances.AsOfAsync(db, DateOnly.MaxValue, cancellationToken);
        var (debits, credits) = (days.Values.Sum(d => d.Debit), days.Values.Sum(d => d.Credit));
        if (debits != credits)
            found.Add("running balances", string.Create(CultureInfo.InvariantCulture,
                $"the accounts' day totals hold debits {debits:0.####} and credits {credits:0.####}: the trial balance would not balance"));
        return found;
    }

    private static async Task<Violations> InventoryAsync(FinanceDbContext db, InventoryClient inventory, TimeProvider clock, CancellationToken cancellationToken)
    {
        var found = new Violations("I6", "Inventory value (asked of inventory, transfers in transit included) + goods with carriers = inventory + goods-in-transit accounts");
        var report = await InventoryValuation.ReportAsync(db, inventory, clock, cancellationToken);
        foreach (var w in report.Warehouses.Where(w => w.Difference != 0))
            found.Add($"warehouse {w.Warehouse}", string.Create(CultureInfo.InvariantCulture,
                $"inventory values its stock at {w.InventoryValue:0.####}, the inventory account holds {w.Ledger:0.####} (difference {w.Difference:0.####})"));
        foreach (var s in report.InTransit.Where(s => s.Difference != 0))
            found.Add($"shipment {s.ShipmentId}", string.Create(CultureInfo.InvariantCulture,
                $"{s.State}: goods in transit holds {s.Ledger:0.####} for it, expected {s.InventoryIssued:0.####} (difference {s.Difference:0.####})"));
        var total = report.InventoryValue + report.GoodsInTransitValue - report.InventoryAccount - report.GoodsInTransitAccount;
        if (total != 0 && report.Agrees)
            found.Add("total", string.Create(CultureInfo.InvariantCulture, $"inventory + goods with carriers differ from the accounts by {total:0.####}"));
        found.Checked = report.Warehouses.Count + report.InTransit.Count;
        return found;
    }

    private static async Task<Violations> SubLedgersAsync(FinanceDbContext db, CancellationToken cancellationToken)
    {
        var found = new Violations("I7", "Receivables sub-ledger = receivable account, payables sub-ledger = payable account, document by document");
        var checkedCount = 0;
        foreach (var (role, expected) in new[]
                 {
                     (AccountRoles.Receivable, await SubLedgers.ReceivablesAsync(db, cancellationToken)),
                     (AccountRoles.Payable, await SubLedgers.PayablesAsync(db, cancellationToken)),
                 })
        {
            var accounts = await SubLedgers.AccountsAsync(db, role, cancellationToken);
            var ledger = await SubLedgers.ByDimensionAsync(db, accounts, "document", null, cancellationToken);
            var name = string.Join("+", accounts.Order(StringComparer.Ordinal).Take(3));
            foreach (var (document, (label, amount)) in expected)
            {
                checkedCount++;
                var booked = ledger.GetValueOrDefault(document);
                if (booked != amount)
                    found.Add(label, string.Create(CultureInfo.InvariantCulture,
                        $"{label} has {amount:0.####} open in the sub-ledger, {name} holds {booked:0.####} for it (difference {booked - amount:0.####})"));
            }
            foreach (var (document, booked) in ledger.Where(l => l.Value != 0 && !expected.ContainsKey(l.Key)))
                found.Add(document.Length == 0 ? $"{name} without a document" : $"{name} document {document}", string.Create(CultureInfo.InvariantCulture,
                    $"{name} holds {booked:0.####} under {(document.Length == 0 ? "no document" : document)}, which is no invoice, bill or payment"));
            var sub = expected.Values.Sum(e => e.Expected);
            var control = ledger.Values.Sum();
            if (sub != control)
                found.Add($"{role} total", string.Create(CultureInfo.InvariantCulture, $"sub-ledger {sub:0.####}, {name} {control:0.####}"));
        }
        found.Checked = checkedCount;
        return found;
    }
}
