using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Contracts;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;
using Tessera.Finance.Ledger;
using Tessera.ServiceDefaults.Errors;

namespace Tessera.Finance.Features;

/// <summary>
/// Receivables and payables by age, as of any date: the open items are what the control account (131 / 331) holds
/// under each document on that date — so an ageing always adds up to the ledger — aged by the document's due date.
/// Money on account (a payment not yet applied) is listed as a negative open item.
/// </summary>
public static class Ageing
{
    public static readonly string[] Buckets = ["current", "1-30", "31-60", "61-90", "over 90"];

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/ageing", Get).Reading().WithTags("Reports").WithName("Ageing")
            .WithSummary("AR (kind=ar) or AP (kind=ap) ageing as of asOf: open documents by days past due (current, 1-30, 31-60, 61-90, over 90); format=csv.");

    public static string Bucket(int daysOverdue) => daysOverdue switch
    {
        <= 0 => Buckets[0],
        <= 30 => Buckets[1],
        <= 60 => Buckets[2],
        <= 90 => Buckets[3],
        _ => Buckets[4],
    };

    private static async Task<IResult> Get(string? kind, string? asOf, string? format, HttpRequest request, FinanceDbContext db, LedgerBooks books, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var ledger = await books.ForReadAsync(cancellationToken);
        if (kind is not ("ar" or "ap"))
            return Problems.Validation("kind", "kind is ar (receivables) or ap (payables).");
        if (!Reports.TryDate(asOf, "asOf", out var date, out var problem))
            return problem!;
        var report = await ReportAsync(db, kind, date ?? BusinessDates.Of(clock.GetUtcNow(), ledger.TimeZone), cancellationToken);
        if (!CsvExport.Wanted(request, format))
            return TypedResults.Ok(report);
        return CsvExport.File($"{kind}-ageing-{BusinessDates.Format(report.AsOf)}.csv", ["type", "number", "date", "due_date", "days_overdue", "bucket", "total", "outstanding"],
            report.Lines.Select(l => new[]
            {
                l.DocumentType, l.Number, BusinessDates.Format(l.Date), BusinessDates.Format(l.DueDate), l.DaysOverdue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                l.Bucket, CsvExport.Amount(l.Total), CsvExport.Amount(l.Outstanding),
            }));
    }

    public static async Task<AgeingDto> ReportAsync(FinanceDbContext db, string kind, DateOnly asOf, CancellationToken cancellationToken)
    {
        var receivable = kind == "ar";
        var accounts = await SubLedgers.AccountsAsync(db, receivable ? AccountRoles.Receivable : AccountRoles.Payable, cancellationToken);
        var open = (await SubLedgers.ByDimensionAsync(db, accounts, "document", asOf, cancellationToken))
            .Where(o => o.Value != 0).ToDictionary(o => o.Key, o => receivable ? o.Value : -o.Value);
        var ids = open.Keys.Select(k => Guid.TryParse(k, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).ToList();
        var lines = new List<AgeingLineDto>();
        foreach (var chunk in ids.Chunk(500))
        {
            if (receivable)
                lines.AddRange((await db.Invoices.AsNoTracking().Where(i => chunk.Contains(i.Id)).ToListAsync(cancellationToken))
                    .Select(i => Line(i.Id, DocumentTypes.Invoice, i.Number, i.Date, i.DueDate, i.Total, open[i.Id.ToString()], asOf, i.OrderId, null)));
            else
                lines.AddRange((await db.Bills.AsNoTracking().Where(b => chunk.Contains(b.Id)).ToListAsync(cancellationToken))
                    .Select(b => Line(b.Id, DocumentTypes.Bill, b.Number, b.Date, b.DueDate, b.Total, open[b.Id.ToString()], asOf, null, b.SupplierId)));
            lines.AddRange((await db.Payments.AsNoTracking().Where(p => chunk.Contains(p.Id)).ToListAsync(cancellationToken))
                .Select(p => Line(p.Id, "payment", p.Number, p.Date, p.Date, p.Amount, open[p.Id.ToString()], asOf, null, null)));
        }
        lines = lines.OrderByDescending(l => l.DaysOverdue).ThenBy(l => l.Number, StringComparer.Ordinal).ToList();
        var buckets = Buckets.Select(b => new AgeingBucketDto(b, lines.Where(l => l.Bucket == b).Sum(l => l.Outstanding), lines.Count(l => l.Bucket == b))).ToList();
        return new AgeingDto(kind, asOf, buckets, lines, lines.Sum(l => l.Outstanding), open.Values.Sum());
    }

    private static AgeingLineDto Line(Guid id, string type, string number, DateOnly date, DateOnly due, decimal total, decimal outstanding, DateOnly asOf,
        Guid? orderId, Guid? supplierId)
    {
        var days = asOf.DayNumber - due.DayNumber;
        return new AgeingLineDto(id, type, number, date, due, total, outstanding, days, Bucket(days), orderId, supplierId);
    }
}
