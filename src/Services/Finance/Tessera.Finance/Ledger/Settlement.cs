using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Contracts;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;
using Tessera.Finance.Messaging;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Finance.Ledger;

public sealed record ReturnedGoods(string Sku, decimal Quantity, string Condition);

/// <summary>
/// What an order still owes the ledger, done as soon as its facts are in: the cost of each delivered shipment to COGS
/// (once inventory said what it cost), an invoice per delivered shipment (once the orders service said what it costs
/// the customer), a credit note per customer return (once what came back is invoiced). Inventory, logistics and orders
/// report in any order — and after a restart all at once — so each handler records its fact and asks here for
/// whatever has become possible, which is done exactly once. Hot path: a delivered order costs one shipment read, its
/// prices, two postings and the invoice's rows.
/// </summary>
public sealed class Settlement(FinanceDbContext db, LedgerBooks books, RulePoster rules, IOutbox outbox, TimeProvider clock)
{
    /// <summary>
    /// After an order's prices or a return arrived (added, not saved yet): its delivered shipments still waiting, then
    /// its returns. Saves first only when something waits, which is rare (the prices come long before a delivery).
    /// </summary>
    public async Task SettleOrderAsync(Guid orderId, string actor, CancellationToken cancellationToken)
    {
        var waiting = new List<Guid>();
        await using (var find = Sql.Command(db, $"""
            SELECT shipment_id FROM shipments
            WHERE tenant_id = @t AND order_id = @o AND delivered_at IS NOT NULL AND (invoice_id IS NULL OR cogs_posted = {Sql.False(db)})
            ORDER BY delivered_at
            """, ("@t", db.CurrentTenantId), ("@o", orderId)))
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                waiting.Add(Guid.Parse(reader.GetString(0)));
        if (waiting.Count > 0)
            await db.SaveChangesAsync(cancellationToken);
        foreach (var shipment in waiting)
            await SettleShipmentAsync(shipment, actor, cancellationToken);
        await CreditReturnsAsync(orderId, actor, cancellationToken);
    }

    /// <summary>
    /// A delivered shipment: its cost to COGS and its invoice, whichever is possible and not done yet. What it adds is
    /// saved with the message (the inbox saves after the handler); the shipment's row is updated here, in one statement.
    /// </summary>
    public async Task SettleShipmentAsync(Guid shipmentId, string actor, CancellationToken cancellationToken)
    {
        var shipment = await Shipments.ReadAsync(db, shipmentId, cancellationToken);
        if (shipment?.DeliveredAt is null)
            return;
        var (cogsPosted, invoice) = (shipment.CogsPosted, shipment.InvoiceId);
        if (!cogsPosted && shipment.IssuedValue is { } cost)
        {
            await rules.PostAsync(new PostingRequest(PostingEvents.ShipmentDelivered, shipment.DeliveredAt.Value, "shipment", shipment.ShipmentId.ToString(),
                    "Cost of a delivered shipment", new Dictionary<string, decimal> { ["cost"] = cost },
                    new Dictionary<string, Dimensions> { [PostingEvents.DefaultDimension] = new(shipment.Warehouse, shipment.ShipmentId.ToString()) }),
                actor, cancellationToken);
            cogsPosted = true;
        }
        if (invoice is null && await db.OrderPrices.Include(o => o.Lines).FirstOrDefaultAsync(o => o.OrderId == shipment.OrderId, cancellationToken) is { } prices)
            invoice = await InvoiceAsync(prices, shipment, cogsPosted ? shipment.IssuedValue : null, actor, cancellationToken);
        if (cogsPosted == shipment.CogsPosted && invoice == shipment.InvoiceId)
            return;
        await Shipments.SettledAsync(db, shipmentId, cogsPosted, invoice, clock.GetUtcNow(), cancellationToken);
        if (invoice != shipment.InvoiceId)
            await CreditReturnsAsync(shipment.OrderId, actor, cancellationToken);
    }

    private async Task<Guid> InvoiceAsync(OrderPrices order, ShipmentRecord shipment, decimal? costOfSales, string actor, CancellationToken cancellationToken)
    {
        var delivered = JsonSerializer.Deserialize<List<ReturnedGoods>>(shipment.DeliveredLines ?? "[]", TesseraJson.Options)!
            .Select(l => (l.Sku, l.Quantity)).ToList();
        var lines = Invoicing.ForDelivery(order, delivered);
        var (sequence, number) = await Numbers.NextAsync(db, NumberSeries.Invoice, cancellationToken);
        var invoice = new Invoice
        {
            Id = Guid.CreateVersion7(),
            Number = number,
            Sequence = sequence,
            OrderId = order.OrderId,
            OrderNumber = order.Number,
            ShipmentId = shipment.ShipmentId,
            Currency = order.Currency,
            Net = lines.Sum(l => l.Net),
            Tax = lines.Sum(l => l.Tax),
            CreatedAt = clock.GetUtcNow(),
            Lines = lines.Select((l, i) => new InvoiceLine
            {
                LineNo = i + 1, Kind = l.Kind, OrderLineNo = l.SourceLineNo, Sku = l.Sku, Description = l.Description, Quantity = l.Quantity,
                UnitPrice = l.UnitPrice, Discount = l.Discount, Net = l.Net, TaxRate = l.TaxRate, Tax = l.Tax,
            }).ToList(),
        };
        invoice.Total = invoice.Net + invoice.Tax;
        var posted = await rules.PostAsync(new PostingRequest(PostingEvents.InvoiceIssued, shipment.DeliveredAt!.Value, "invoice", invoice.Id.ToString(),
                $"Invoice {number} for order #{order.Number.ToString(CultureInfo.InvariantCulture)}",
                new Dictionary<string, decimal>
                {
                    ["goods"] = lines.Where(l => l.Kind == InvoiceLineKinds.Goods).Sum(l => l.Net),
                    ["shipping"] = lines.Where(l => l.Kind == InvoiceLineKinds.Shipping).Sum(l => l.Net),
                    ["tax"] = invoice.Tax,
                },
                new Dictionary<string, Dimensions> { [PostingEvents.DefaultDimension] = new(null, invoice.Id.ToString()) }),
            actor, cancellationToken) ?? throw new InvalidOperationException($"Invoice {number} was already posted.");
        var terms = (await books.SnapshotAsync(cancellationToken)).CustomerTermsDays;
        (invoice.EntryId, invoice.Date, invoice.DueDate) = (posted.Id, posted.Date, posted.Date.AddDays(terms));
        db.Invoices.Add(invoice);
        outbox.Publish(new InvoiceIssued(invoice.Id, invoice.Number, invoice.OrderId, invoice.ShipmentId, invoice.Date, invoice.Currency, invoice.Net,
            invoice.Tax, invoice.Total, Lines(invoice.Lines.Select(l => (l.Kind, l.Sku, l.Quantity, l.UnitPrice, l.Net, l.TaxRate, l.Tax))), invoice.CreatedAt,
            costOfSales),
            order.OrderId.ToString());
        return invoice.Id;
    }

    /// <summary>Credit notes for the order's returns that are not credited yet and whose goods are all invoiced.</summary>
    private async Task CreditReturnsAsync(Guid orderId, string actor, CancellationToken cancellationToken)
    {
        await using (var pending = Sql.Command(db, "SELECT 1 FROM customer_returns WHERE tenant_id = @t AND order_id = @o AND credit_note_id IS NULL LIMIT 1",
                         ("@t", db.CurrentTenantId), ("@o", orderId)))
            if (await pending.ExecuteScalarAsync(cancellationToken) is null)
                return;
        // The credit needs the order's invoices as saved, the one just issued included.
        await db.SaveChangesAsync(cancellationToken);
        var returns = await db.CustomerReturns.Where(r => r.OrderId == orderId && r.CreditNoteId == null).OrderBy(r => r.ReceivedAt).ToListAsync(cancellationToken);
        var invoices = await db.Invoices.Include(i => i.Lines).Where(i => i.OrderId == orderId).ToListAsync(cancellationToken);
        foreach (var customerReturn in returns)
        {
            var goods = JsonSerializer.Deserialize<List<ReturnedGoods>>(customerReturn.Lines, TesseraJson.Options)!;
            var creditable = goods.GroupBy(g => g.Sku).All(g => invoices.SelectMany(i => i.Lines)
                .Where(l => l.Kind == InvoiceLineKinds.Goods && l.Sku == g.Key).Sum(l => l.Quantity - l.CreditedQuantity) >= g.Sum(x => x.Quantity));
            if (!creditable)
                continue;
            var credits = goods.SelectMany(g => Invoicing.ForReturn(invoices, g.Sku, g.Quantity)).ToList();
            Guid? first = null;
            var costReturned = await CostReturnedAsync(customerReturn.ReturnId, cancellationToken);
            // A return that spans several invoices gets a credit note on each; the cost it took back is told once, with
            // the first, so that a consumer adding up credit notes' costs counts it once.
            foreach (var group in credits.GroupBy(c => c.Invoice))
            {
                var note = await CreditAsync(group.Key, group.Select(c => c.Line).ToList(), customerReturn, first is null ? costReturned : null, actor,
                    cancellationToken);
                first ??= note;
            }
            customerReturn.CreditNoteId = first ?? Guid.Empty;
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// What the return's restock took off COGS (net credit to 632 on the entries posted for it), read from the ledger
    /// rather than recomputed; null when inventory's restock has not been posted yet. One indexed read per return.
    /// </summary>
    private async Task<decimal?> CostReturnedAsync(Guid returnId, CancellationToken cancellationToken)
    {
        await using var read = Sql.Command(db, """
            SELECT l.debit, l.credit FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
            WHERE e.tenant_id = @t AND e.source_type = @type AND e.source_id = @id AND l.account LIKE '632%'
            """, ("@t", db.CurrentTenantId), ("@type", RestockedReturnSource), ("@id", returnId.ToString()));
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        decimal? cost = null;
        while (await reader.ReadAsync(cancellationToken))
            cost = (cost ?? 0m) + Sql.ReadDecimal(reader, 1) - Sql.ReadDecimal(reader, 0);
        return cost;
    }

    /// <summary>The source type inventory gives a customer return's restock (customer-return-in).</summary>
    private const string RestockedReturnSource = "customer-return";

    private async Task<Guid> CreditAsync(Invoice invoice, IReadOnlyList<BillingLine> lines, CustomerReturnRecord customerReturn, decimal? costOfSales, string actor,
        CancellationToken cancellationToken)
    {
        var (sequence, number) = await Numbers.NextAsync(db, NumberSeries.CreditNote, cancellationToken);
        var note = new CreditNote
        {
            Id = Guid.CreateVersion7(),
            Number = number,
            Sequence = sequence,
            InvoiceId = invoice.Id,
            OrderId = invoice.OrderId,
            ReturnId = customerReturn.ReturnId,
            Currency = invoice.Currency,
            Net = lines.Sum(l => l.Net),
            Tax = lines.Sum(l => l.Tax),
            CreatedAt = clock.GetUtcNow(),
            Lines = lines.Select((l, i) => new CreditNoteLine
            {
                LineNo = i + 1, InvoiceLineNo = l.SourceLineNo ?? 0, Kind = l.Kind, Sku = l.Sku, Description = l.Description, Quantity = l.Quantity,
                UnitPrice = l.UnitPrice, Net = l.Net, TaxRate = l.TaxRate, Tax = l.Tax,
            }).ToList(),
        };
        note.Total = note.Net + note.Tax;
        var posted = await rules.PostAsync(new PostingRequest(PostingEvents.CreditNoteIssued, customerReturn.ReceivedAt, "credit-note", note.Id.ToString(),
                $"Credit note {number} on invoice {invoice.Number} for return {customerReturn.Number}",
                new Dictionary<string, decimal> { ["goods"] = note.Net, ["shipping"] = 0m, ["tax"] = note.Tax },
                new Dictionary<string, Dimensions> { [PostingEvents.DefaultDimension] = new(null, invoice.Id.ToString()) }),
            actor, cancellationToken) ?? throw new InvalidOperationException($"Credit note {number} was already posted.");
        (note.EntryId, note.Date) = (posted.Id, posted.Date);
        invoice.Credited += note.Total;
        db.CreditNotes.Add(note);
        outbox.Publish(new CreditNoteIssued(note.Id, note.Number, invoice.Id, invoice.Number, note.OrderId, note.ReturnId, note.Date, note.Currency, note.Net,
            note.Tax, note.Total, Lines(note.Lines.Select(l => (l.Kind, l.Sku, l.Quantity, l.UnitPrice, l.Net, l.TaxRate, l.Tax))), note.CreatedAt,
            costOfSales),
            note.OrderId.ToString());
        return note.Id;
    }

    private static List<InvoicedLine> Lines(IEnumerable<(string Kind, string? Sku, decimal Quantity, decimal UnitPrice, decimal Net, decimal TaxRate, decimal Tax)> lines) =>
        lines.Select(l => new InvoicedLine(l.Kind, l.Sku, l.Quantity, l.UnitPrice, l.Net, l.TaxRate, l.Tax)).ToList();
}
