using System.Globalization;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Finance.Domain;

/// <summary>An order's prices as the orders service computed them (it owns the arithmetic; finance never reprices).</summary>
public sealed class OrderPrices : ITenantOwned
{
    public Guid OrderId { get; set; }
    public string TenantId { get; set; } = "";
    public long Number { get; set; }
    public string Currency { get; set; } = "";
    public decimal ShippingFee { get; set; }
    public bool ShippingInvoiced { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public List<OrderPriceLine> Lines { get; set; } = [];
}

/// <summary>A priced order line and how much of it has been invoiced so far (quantity, net and tax).</summary>
public sealed class OrderPriceLine : ITenantOwned
{
    public Guid OrderId { get; set; }
    public int LineNo { get; set; }
    public string TenantId { get; set; } = "";
    public string Sku { get; set; } = "";
    public decimal Quantity { get; set; }
    public decimal UnitPrice { get; set; }
    public decimal Discount { get; set; }
    public decimal AllocatedDiscount { get; set; }
    public decimal TaxRate { get; set; }
    public decimal TaxAmount { get; set; }
    public decimal LineTotal { get; set; }
    public decimal InvoicedQuantity { get; set; }
    public decimal InvoicedNet { get; set; }
    public decimal InvoicedTax { get; set; }

    /// <summary>The line's amount after its own and its share of the order's discounts, before tax.</summary>
    public decimal Net => LineTotal - TaxAmount;
}

/// <summary>
/// A shipment as the ledger follows it. Inventory says what its goods cost when they left (IssuedValue, posted to
/// goods in transit); logistics says when it was delivered (COGS and the invoice follow) or came back (ReturnedValue).
/// The two arrive in any order, so each fact is kept until the other one is there.
/// </summary>
public sealed class ShipmentRecord : ITenantOwned
{
    public Guid ShipmentId { get; set; }
    public string TenantId { get; set; } = "";
    public Guid OrderId { get; set; }
    public string Warehouse { get; set; } = "";
    public decimal? IssuedValue { get; set; }
    public DateTimeOffset? IssuedAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public string? DeliveredLines { get; set; }
    public bool CogsPosted { get; set; }
    public Guid? InvoiceId { get; set; }
    public decimal? ReturnedValue { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public string State => ReturnedValue is not null ? "Returned"
        : DeliveredAt is not null ? (CogsPosted && InvoiceId is not null ? "Invoiced" : "Delivered")
        : IssuedValue is not null ? "InTransit" : "Announced";

    /// <summary>What the shipment still waits for before it is fully accounted, or null.</summary>
    public string? Waiting => DeliveredAt is null ? null
        : !CogsPosted && InvoiceId is null ? "the cost from inventory and the prices from orders"
        : !CogsPosted ? "the cost from inventory (StockIssued)"
        : InvoiceId is null ? "the order's prices (OrderPlaced)" : null;
}

/// <summary>A customer return as logistics received it; its credit note follows once the returned goods are invoiced.</summary>
public sealed class CustomerReturnRecord : ITenantOwned
{
    public Guid ReturnId { get; set; }
    public string TenantId { get; set; } = "";
    public Guid OrderId { get; set; }
    public string Number { get; set; } = "";
    public string Lines { get; set; } = "[]";
    public DateTimeOffset ReceivedAt { get; set; }
    public Guid? CreditNoteId { get; set; }
}

public static class InvoiceLineKinds
{
    public const string Goods = "goods";
    public const string Shipping = "shipping";
}

public sealed class Invoice : ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Number { get; set; } = "";
    public long Sequence { get; set; }
    public Guid OrderId { get; set; }
    public long? OrderNumber { get; set; }
    public Guid? ShipmentId { get; set; }
    public DateOnly Date { get; set; }
    public DateOnly DueDate { get; set; }
    public string Currency { get; set; } = "";
    public decimal Net { get; set; }
    public decimal Tax { get; set; }
    public decimal Total { get; set; }
    public decimal Credited { get; set; }
    public decimal Paid { get; set; }
    public Guid EntryId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public long Version { get; set; }
    public List<InvoiceLine> Lines { get; set; } = [];

    public decimal Outstanding => Total - Credited - Paid;

    public string Status => Credited >= Total && Total > 0 ? "Credited"
        : Outstanding <= 0 ? "Paid"
        : Paid > 0 || Credited > 0 ? "PartiallyPaid" : "Open";
}

public sealed class InvoiceLine : ITenantOwned
{
    public Guid InvoiceId { get; set; }
    public int LineNo { get; set; }
    public string TenantId { get; set; } = "";
    public string Kind { get; set; } = InvoiceLineKinds.Goods;
    public int? OrderLineNo { get; set; }
    public string? Sku { get; set; }
    public string Description { get; set; } = "";
    public decimal Quantity { get; set; }
    public decimal UnitPrice { get; set; }
    public decimal Discount { get; set; }
    public decimal Net { get; set; }
    public decimal TaxRate { get; set; }
    public decimal Tax { get; set; }
    public decimal CreditedQuantity { get; set; }
    public decimal CreditedNet { get; set; }
    public decimal CreditedTax { get; set; }

    public decimal Total => Net + Tax;
}

public sealed class CreditNote : ITenantOwned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Number { get; set; } = "";
    public long Sequence { get; set; }
    public Guid InvoiceId { get; set; }
    public Guid OrderId { get; set; }
    public Guid? ReturnId { get; set; }
    public DateOnly Date { get; set; }
    public string Currency { get; set; } = "";
    public decimal Net { get; set; }
    public decimal Tax { get; set; }
    public decimal Total { get; set; }
    public Guid EntryId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public List<CreditNoteLine> Lines { get; set; } = [];
}

public sealed class CreditNoteLine : ITenantOwned
{
    public Guid CreditNoteId { get; set; }
    public int LineNo { get; set; }
    public string TenantId { get; set; } = "";
    public int InvoiceLineNo { get; set; }
    public string Kind { get; set; } = InvoiceLineKinds.Goods;
    public string? Sku { get; set; }
    public string Description { get; set; } = "";
    public decimal Quantity { get; set; }
    public decimal UnitPrice { get; set; }
    public decimal Net { get; set; }
    public decimal TaxRate { get; set; }
    public decimal Tax { get; set; }
}

/// <summary>A line to invoice or credit, worked out from the order's own amounts.</summary>
public sealed record BillingLine(string Kind, int? SourceLineNo, string? Sku, string Description, decimal Quantity, decimal UnitPrice, decimal Discount,
    decimal Net, decimal TaxRate, decimal Tax);

/// <summary>
/// Invoices follow the order's arithmetic, never a new one: a delivered quantity takes its share of the order line's
/// net (after the line's and the order's discounts) and tax in proportion, rounded to the currency, and the last
/// delivery of a line takes exactly what is left — so however an order is split over shipments, its invoices add up to
/// the order's totals to the last đồng. The shipping fee goes on the order's first invoice. Credit notes take back a
/// returned quantity at what it was invoiced at, the same way.
/// </summary>
public static class Invoicing
{
    public static IReadOnlyList<BillingLine> ForDelivery(OrderPrices order, IReadOnlyList<(string Sku, decimal Quantity)> delivered)
    {
        var lines = new List<BillingLine>();
        foreach (var (sku, quantity) in delivered.Where(d => d.Quantity > 0))
        {
            var remaining = quantity;
            foreach (var line in order.Lines.Where(l => l.Sku == sku && l.InvoicedQuantity < l.Quantity).OrderBy(l => l.LineNo))
            {
                if (remaining == 0)
                    break;
                var open = line.Quantity - line.InvoicedQuantity;
                var take = Math.Min(open, remaining);
                var (net, tax) = take == open
                    ? (line.Net - line.InvoicedNet, line.TaxAmount - line.InvoicedTax)
                    : (Currencies.Round(line.Net * take / line.Quantity, order.Currency), Currencies.Round(line.TaxAmount * take / line.Quantity, order.Currency));
                var gross = Currencies.Round(take * line.UnitPrice, order.Currency);
                lines.Add(new BillingLine(InvoiceLineKinds.Goods, line.LineNo, sku, sku, take, line.UnitPrice, gross - net, net, line.TaxRate, tax));
                (line.InvoicedQuantity, line.InvoicedNet, line.InvoicedTax) = (line.InvoicedQuantity + take, line.InvoicedNet + net, line.InvoicedTax + tax);
                remaining -= take;
            }
            if (remaining > 0)
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"Order {order.Number} was delivered {remaining:0.####} more of {sku} than it has left to invoice; its lines were ordered otherwise."));
        }
        if (!order.ShippingInvoiced && order.ShippingFee > 0 && lines.Count > 0)
        {
            lines.Add(new BillingLine(InvoiceLineKinds.Shipping, null, null, "Shipping", 1, order.ShippingFee, 0, order.ShippingFee, 0, 0));
            order.ShippingInvoiced = true;
        }
        return lines;
    }

    /// <summary>What returning <paramref name="quantity"/> of <paramref name="sku"/> credits on each invoice line of the order, oldest invoice first.</summary>
    public static IReadOnlyList<(Invoice Invoice, BillingLine Line)> ForReturn(IReadOnlyList<Invoice> invoices, string sku, decimal quantity)
    {
        var credits = new List<(Invoice, BillingLine)>();
        var remaining = quantity;
        foreach (var invoice in invoices.OrderBy(i => i.Sequence))
        {
            foreach (var line in invoice.Lines.Where(l => l.Kind == InvoiceLineKinds.Goods && l.Sku == sku && l.CreditedQuantity < l.Quantity).OrderBy(l => l.LineNo))
            {
                if (remaining == 0)
                    return credits;
                var open = line.Quantity - line.CreditedQuantity;
                var take = Math.Min(open, remaining);
                var (net, tax) = take == open
                    ? (line.Net - line.CreditedNet, line.Tax - line.CreditedTax)
                    : (Currencies.Round(line.Net * take / line.Quantity, invoice.Currency), Currencies.Round(line.Tax * take / line.Quantity, invoice.Currency));
                credits.Add((invoice, new BillingLine(InvoiceLineKinds.Goods, line.LineNo, sku, line.Description, take, line.UnitPrice,
                    Currencies.Round(take * line.UnitPrice, invoice.Currency) - net, net, line.TaxRate, tax)));
                (line.CreditedQuantity, line.CreditedNet, line.CreditedTax) = (line.CreditedQuantity + take, line.CreditedNet + net, line.CreditedTax + tax);
                remaining -= take;
            }
        }
        return credits;
    }
}
