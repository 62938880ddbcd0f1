using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Contracts;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;

namespace Tessera.Finance.Features;

/// <summary>
/// Customer invoices (one per delivered shipment, numbered without gaps), their credit notes, and the shipments as
/// finance follows them — including those still waiting for the cost from inventory or the prices from orders.
/// </summary>
public static class Invoices
{
    public static void Map(RouteGroupBuilder api)
    {
        var invoices = api.MapGroup("/invoices").WithTags("Receivables");
        invoices.MapGet("/", List).Reading().WithName("ListInvoices")
            .WithSummary("Invoices newest first: [{id, number, orderId, total, tax, status, lines, …}], filtered by orderId, status and number; paged (total in X-Total-Count).");
        invoices.MapGet("/{id:guid}", Get).Reading().WithName("GetInvoice");
        var credits = api.MapGroup("/credit-notes").WithTags("Receivables");
        credits.MapGet("/", ListCredits).Reading().WithName("ListCreditNotes").WithSummary("Credit notes newest first, filtered by invoiceId or orderId.");
        credits.MapGet("/{id:guid}", GetCredit).Reading().WithName("GetCreditNote");
        api.MapGet("/shipments", Shipments).Reading().WithTags("Receivables").WithName("ListFinanceShipments")
            .WithSummary("Shipments as finance follows them (cost in transit, delivered, invoiced, returned), filtered by orderId and waiting=true.");
    }

    private static async Task<IResult> List(Guid? orderId, string? status, string? number, int? page, int? pageSize, HttpResponse response, FinanceDbContext db,
        CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var query = db.Invoices.AsNoTracking();
        if (orderId is { } order)
            query = query.Where(i => i.OrderId == order);
        if (!string.IsNullOrWhiteSpace(number))
            query = query.Where(i => i.Number == number.Trim().ToUpperInvariant());
        query = status?.Trim().ToLowerInvariant() switch
        {
            null or "" => query,
            "open" => query.Where(i => i.Paid == 0 && i.Credited == 0),
            "partiallypaid" => query.Where(i => (i.Paid > 0 || i.Credited > 0) && i.Total - i.Credited - i.Paid > 0),
            "paid" => query.Where(i => i.Total - i.Credited - i.Paid <= 0 && i.Credited < i.Total),
            "credited" => query.Where(i => i.Credited >= i.Total),
            "unpaid" => query.Where(i => i.Total - i.Credited - i.Paid > 0),
            _ => null!,
        };
        if (query is null)
            return Problems.Validation("status", "status is Open, PartiallyPaid, Paid, Credited or Unpaid (anything not fully paid).");
        response.Headers["X-Total-Count"] = (await query.CountAsync(cancellationToken)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var invoices = await query.OrderByDescending(i => i.Sequence).Skip(paging.Skip).Take(paging.PageSize).Include(i => i.Lines).AsSplitQuery()
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(invoices.Select(ToDto).ToList());
    }

    private static async Task<IResult> Get(Guid id, FinanceDbContext db, CancellationToken cancellationToken)
    {
        var invoice = await db.Invoices.AsNoTracking().Include(i => i.Lines).FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        return invoice is null ? Problems.NotFound("Invoice", id.ToString()) : TypedResults.Ok(ToDto(invoice));
    }

    private static async Task<IResult> ListCredits(Guid? invoiceId, Guid? orderId, FinanceDbContext db, CancellationToken cancellationToken)
    {
        var query = db.CreditNotes.AsNoTracking();
        if (invoiceId is { } invoice)
            query = query.Where(c => c.InvoiceId == invoice);
        if (orderId is { } order)
            query = query.Where(c => c.OrderId == order);
        var notes = await query.OrderByDescending(c => c.Sequence).Take(500).Include(c => c.Lines).AsSplitQuery().ToListAsync(cancellationToken);
        var numbers = await InvoiceNumbersAsync(db, notes, cancellationToken);
        return TypedResults.Ok(notes.Select(n => ToDto(n, numbers[n.InvoiceId])).ToList());
    }

    private static async Task<IResult> GetCredit(Guid id, FinanceDbContext db, CancellationToken cancellationToken)
    {
        var note = await db.CreditNotes.AsNoTracking().Include(c => c.Lines).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (note is null)
            return Problems.NotFound("Credit note", id.ToString());
        return TypedResults.Ok(ToDto(note, (await InvoiceNumbersAsync(db, [note], cancellationToken))[note.InvoiceId]));
    }

    private static async Task<IResult> Shipments(Guid? orderId, bool? waiting, FinanceDbContext db, CancellationToken cancellationToken)
    {
        var query = db.Shipments.AsNoTracking();
        if (orderId is { } order)
            query = query.Where(s => s.OrderId == order);
        if (waiting == true)
            query = query.Where(s => s.DeliveredAt != null && (!s.CogsPosted || s.InvoiceId == null));
        var shipments = await query.OrderByDescending(s => s.UpdatedAt).Take(500).ToListAsync(cancellationToken);
        var invoiceIds = shipments.Where(s => s.InvoiceId != null).Select(s => s.InvoiceId!.Value).ToList();
        var numbers = await db.Invoices.AsNoTracking().Where(i => invoiceIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Number, cancellationToken);
        return TypedResults.Ok(shipments.Select(s => new ShipmentLedgerDto(s.ShipmentId, s.OrderId, s.Warehouse, s.State, s.IssuedValue, s.ReturnedValue,
            s.DeliveredAt, s.InvoiceId, s.InvoiceId is { } i ? numbers.GetValueOrDefault(i) : null, s.Waiting)).ToList());
    }

    private static async Task<Dictionary<Guid, string>> InvoiceNumbersAsync(FinanceDbContext db, IReadOnlyList<CreditNote> notes, CancellationToken cancellationToken)
    {
        var ids = notes.Select(n => n.InvoiceId).Distinct().ToList();
        return await db.Invoices.AsNoTracking().Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Number, cancellationToken);
    }

    public static InvoiceDto ToDto(Invoice i) => new(
        i.Id, i.Number, i.OrderId, i.OrderNumber, i.ShipmentId, i.Date, i.DueDate, i.Currency, i.Net, i.Tax, i.Total, i.Credited, i.Paid, i.Outstanding, i.Status,
        i.Lines.OrderBy(l => l.LineNo).Select(l => new InvoiceLineDto(l.LineNo, l.Kind, l.Sku, l.Description, l.Quantity, l.UnitPrice, l.Discount, l.Net,
            l.TaxRate, l.Tax, l.Net + l.Tax)).ToList(),
        i.EntryId);

    public static CreditNoteDto ToDto(CreditNote c, string invoiceNumber) => new(
        c.Id, c.Number, c.InvoiceId, invoiceNumber, c.OrderId, c.ReturnId, c.Date, c.Currency, c.Net, c.Tax, c.Total,
        c.Lines.OrderBy(l => l.LineNo).Select(l => new InvoiceLineDto(l.LineNo, l.Kind, l.Sku, l.Description, l.Quantity, l.UnitPrice,
            l.Quantity * l.UnitPrice - l.Net, l.Net, l.TaxRate, l.Tax, l.Net + l.Tax)).ToList(),
        c.EntryId);
}
