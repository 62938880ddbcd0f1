using System.Globalization;
using Microsoft.Extensions.Localization;
using Tessera.Logistics.Contracts;
using Tessera.Orders.Contracts;
using Tessera.Procurement.Contracts;
using Tessera.Finance.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Documents;

/// <summary>
/// The documents a back office prints, composed like a page — one batch call per source — and laid out as PDF in the
/// user's language: a packing slip, a pick list (one shipment or a wave of them, by bin), a shipping label with the
/// waybill as a Code 128 barcode, a purchase order for the supplier, and the customer invoice.
/// </summary>
public sealed class DocumentComposer(
    LogisticsApi logistics, OrdersApi orders, CatalogApi catalog, InventoryApi inventory, ProcurementApi procurement, FinanceApi finance, Formatting fmt,
    IStringLocalizer<SharedResource> l)
{
    public const string ContentType = "application/pdf";

    private string Footer => fmt.Tenant.Name + " · " + l["Page {0} of {1}"].Value;

    /// <summary>What goes in the box: the order's lines of this shipment, the recipient, and no prices.</summary>
    public async Task<byte[]?> PackingSlipAsync(Guid shipmentId, CancellationToken cancellationToken)
    {
        var shipment = await logistics.ShipmentAsync(shipmentId, cancellationToken);
        if (shipment is null)
            return null;
        var order = await orders.GetAsync(shipment.OrderId, cancellationToken);
        var names = await NamesAsync(shipment.Lines.Select(x => x.Sku), order, cancellationToken);

        using var pdf = new PdfLayout(l["Packing slip"] + " " + shipment.Number, Footer);
        pdf.Title(l["Packing slip"], shipment.Number);
        pdf.Columns(
        [
            (l["Ship to"], Recipient(order)),
            (l["Order"], [
                l["Order {0}", order?.Number ?? shipment.OrderNumber].Value,
                l["Placed {0}", order is null ? "" : fmt.DateTime(order.PlacedAt)].Value,
                l["Warehouse {0}", shipment.Warehouse].Value,
                shipment.Carrier is null ? "" : l["Carrier {0}", shipment.CarrierName ?? shipment.Carrier].Value,
                shipment.WaybillNumber is null ? "" : l["Waybill {0}", shipment.WaybillNumber].Value,
            ]),
        ]);
        pdf.Table([new PdfColumn(l["SKU"], 2), new PdfColumn(l["Product"], 5), new PdfColumn(l["Quantity"], 1.5, Numeric: true)],
            shipment.Lines.Select(x => (IReadOnlyList<string>)[x.Sku, names.GetValueOrDefault(x.Sku, ""), fmt.Quantity(x.Quantity)]));
        if (shipment.Packages.Count > 0)
            pdf.Text(l["Packages: {0}", shipment.Packages.Count].Value);
        pdf.Rule();
        pdf.Text(l["Thank you for your order."].Value, small: true);
        return pdf.ToBytes();
    }

    /// <summary>What to take from which bin, for one shipment or many: lines of the same SKU and bin added up, in bin order.</summary>
    public async Task<byte[]?> PickListAsync(IReadOnlyList<Guid> shipmentIds, CancellationToken cancellationToken)
    {
        var shipments = await logistics.SelectionAsync(shipmentIds, cancellationToken);
        if (shipments.Count == 0)
            return null;
        var names = await NamesAsync(shipments.SelectMany(s => s.Lines.Select(x => x.Sku)), null, cancellationToken);
        var bins = new Dictionary<(string Warehouse, string Sku), string>();
        foreach (var warehouse in shipments.Select(s => s.Warehouse).Distinct())
        {
            var stock = await Section<IReadOnlyList<Tessera.Inventory.Contracts.BinStockDto>>.LoadAsync(() => inventory.BinStockAsync(warehouse, null, cancellationToken), "");
            foreach (var row in (stock.Value ?? []).Where(b => b.OnHand > 0).GroupBy(b => b.Sku))
                bins[(warehouse, row.Key)] = string.Join(", ", row.OrderByDescending(b => b.OnHand).Select(b => b.Bin));
        }

        var title = shipments.Count == 1 ? l["Pick list"] + " " + shipments[0].Number : l["Pick list of {0} shipments", shipments.Count].Value;
        using var pdf = new PdfLayout(title, Footer);
        pdf.Title(l["Pick list"], shipments.Count == 1 ? shipments[0].Number : l["{0} shipments", shipments.Count].Value);
        foreach (var warehouse in shipments.GroupBy(s => s.Warehouse).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            pdf.Heading(l["Warehouse {0}", warehouse.Key].Value);
            var rows = warehouse.SelectMany(s => s.Lines.Select(x => (Shipment: s, Line: x)))
                .GroupBy(x => (x.Line.Sku, Bin: bins.GetValueOrDefault((warehouse.Key, x.Line.Sku), "")))
                .OrderBy(g => g.Key.Bin, StringComparer.Ordinal).ThenBy(g => g.Key.Sku, StringComparer.Ordinal)
                .Select(g => (IReadOnlyList<string>)[g.Key.Bin, g.Key.Sku, names.GetValueOrDefault(g.Key.Sku, ""), fmt.Quantity(g.Sum(x => x.Line.Quantity)),
                    string.Join(", ", g.Select(x => x.Shipment.Number).Distinct()), "☐"]);
            pdf.Table([new PdfColumn(l["Bin"], 1.5), new PdfColumn(l["SKU"], 2), new PdfColumn(l["Product"], 4), new PdfColumn(l["Quantity"], 1.3, Numeric: true),
                new PdfColumn(l["Shipments"], 2.5), new PdfColumn(l["Picked"], 0.8)], rows);
        }
        pdf.Text(l["Picked by: ____________________   Date: ____________"].Value);
        return pdf.ToBytes();
    }

    /// <summary>A 100 × 150 mm label: sender, recipient, carrier and service, and the waybill as a barcode the carrier scans.</summary>
    public async Task<byte[]?> LabelAsync(Guid shipmentId, CancellationToken cancellationToken)
    {
        var shipment = await logistics.ShipmentAsync(shipmentId, cancellationToken);
        if (shipment is null)
            return null;
        var order = await orders.GetAsync(shipment.OrderId, cancellationToken);
        using var pdf = new PdfLayout(l["Shipping label"] + " " + shipment.Number, Footer, (100, 150));
        pdf.Text(shipment.CarrierName ?? shipment.Carrier ?? l["No carrier yet"].Value, bold: true);
        pdf.Text(string.Join(" · ", new[] { shipment.ServiceLevel, shipment.Number }.Where(x => x is not null)), small: true);
        pdf.Rule();
        pdf.Text(l["From: {0}, warehouse {1}", fmt.Tenant.Name, shipment.Warehouse].Value, small: true);
        pdf.Text(l["To"].Value, bold: true);
        foreach (var line in Recipient(order))
            pdf.Text(line);
        pdf.Rule();
        if (shipment.WaybillNumber is { } waybill)
            pdf.Barcode(waybill, height: 50, width: pdf.Width);
        else
            pdf.Text(l["The waybill number is given at dispatch; print the label again then."].Value, small: true);
        pdf.Text(l["Order {0}", shipment.OrderNumber].Value + " · " + l["Packages: {0}", Math.Max(1, shipment.Packages.Count)].Value, small: true);
        return pdf.ToBytes();
    }

    /// <summary>The purchase order as the supplier receives it: lines, prices, tax and totals, where and when to deliver.</summary>
    public async Task<byte[]?> PurchaseOrderAsync(Guid id, CancellationToken cancellationToken)
    {
        var po = await procurement.OrderAsync(id, cancellationToken);
        if (po is null)
            return null;
        var supplier = await procurement.SupplierAsync(po.SupplierId, cancellationToken);
        var names = await NamesAsync(po.Lines.Select(x => x.Sku), null, cancellationToken);
        var warehouse = (await Section<Tessera.Inventory.Contracts.WarehouseDto?>.LoadAsync(() => inventory.WarehouseAsync(po.Warehouse, cancellationToken), "")).Value;

        using var pdf = new PdfLayout(l["Purchase order"] + " " + po.Number, Footer);
        pdf.Title(l["Purchase order"], po.Number);
        pdf.Columns(
        [
            (l["Supplier"], [po.SupplierName, po.SupplierCode, supplier?.TaxId is { } tax ? l["Tax code {0}", tax].Value : "", supplier?.Contact.Name ?? "",
                supplier?.Contact.Phone ?? "", supplier?.Contact.Email ?? "", Address(supplier?.Contact.Address)]),
            (l["Deliver to"], [fmt.Tenant.Name, warehouse?.Name ?? po.Warehouse, po.Warehouse,
                po.ExpectedDate is { } expected ? l["Expected {0}", fmt.Date(expected)].Value : "",
                l["Issued {0}", fmt.Date(po.CreatedAt)].Value, supplier is null ? "" : l["Payment terms: {0} days", supplier.PaymentTermsDays].Value]),
        ]);
        pdf.Table(
        [
            new PdfColumn("#", 0.5), new PdfColumn(l["SKU"], 2), new PdfColumn(l["Product"], 4), new PdfColumn(l["Quantity"], 1.3, Numeric: true),
            new PdfColumn(l["Unit price"], 1.8, Numeric: true), new PdfColumn(l["Tax"], 1, Numeric: true), new PdfColumn(l["Amount"], 2, Numeric: true),
        ], po.Lines.Select(x => (IReadOnlyList<string>)
        [
            x.LineNo.ToString(CultureInfo.CurrentCulture), x.Sku, names.GetValueOrDefault(x.Sku, ""), fmt.Quantity(x.Quantity), fmt.Money(x.UnitPrice, po.Currency),
            (x.TaxRate * 100).ToString("0.##", CultureInfo.CurrentCulture) + " %", fmt.Money(x.Total, po.Currency),
        ]));
        pdf.Text(l["Subtotal: {0}", fmt.Money(po.Subtotal, po.Currency)].Value);
        pdf.Text(l["Tax: {0}", fmt.Money(po.TaxTotal, po.Currency)].Value);
        pdf.Text(l["Total: {0}", fmt.Money(po.Total, po.Currency)].Value, bold: true);
        if (po.Reference is { } reference)
            pdf.Text(l["Reference: {0}", reference].Value);
        pdf.Rule();
        pdf.Text(l["Please quote the purchase order number on the delivery note and the invoice."].Value, small: true);
        return pdf.ToBytes();
    }

    /// <summary>
    /// The customer invoice (VAT invoice): the seller and the invoice series from the tenant's settings, the buyer from
    /// the order, each line with its VAT rate and amount, the totals, what was credited and paid and what is still due.
    /// </summary>
    public async Task<byte[]?> InvoiceAsync(Guid id, CancellationToken cancellationToken)
    {
        var invoice = await finance.InvoiceAsync(id, cancellationToken);
        if (invoice is null)
            return null;
        var order = (await Section<OrderDto?>.LoadAsync(() => orders.GetAsync(invoice.OrderId, cancellationToken), "")).Value;
        using var pdf = new PdfLayout(l["Invoice"] + " " + invoice.Number, Footer);
        pdf.Title(l["Invoice"], invoice.Number);
        pdf.Columns(
        [
            (l["Seller"], [fmt.Tenant.Name, fmt.Tenant.InvoiceSeries is { } series ? l["Series {0}", series].Value : ""]),
            (l["Buyer"], order is null ? [l["The buyer cannot be shown: the orders service is unavailable."].Value]
                : [order.Customer.Name, order.Customer.Phone ?? "", order.Customer.Email ?? "", Address(order.Shipping?.Address)]),
            (l["Invoice"], [l["Date {0}", fmt.Date(invoice.Date)].Value, l["Due {0}", fmt.Date(invoice.DueDate)].Value,
                l["Order {0}", invoice.OrderNumber?.ToString(CultureInfo.CurrentCulture) ?? ""].Value]),
        ]);
        pdf.Table(
        [
            new PdfColumn("#", 0.5), new PdfColumn(l["Description"], 5), new PdfColumn(l["Quantity"], 1.2, Numeric: true),
            new PdfColumn(l["Unit price"], 1.8, Numeric: true), new PdfColumn(l["Amount before VAT"], 2, Numeric: true), new PdfColumn(l["VAT rate"], 1, Numeric: true),
            new PdfColumn(l["VAT"], 1.6, Numeric: true), new PdfColumn(l["Total"], 2, Numeric: true),
        ], invoice.Lines.Select(x => (IReadOnlyList<string>)
        [
            x.LineNo.ToString(CultureInfo.CurrentCulture), x.Sku is null ? x.Description : $"{x.Description} ({x.Sku})", fmt.Quantity(x.Quantity),
            fmt.Money(x.UnitPrice, invoice.Currency), fmt.Money(x.Net, invoice.Currency), (x.TaxRate * 100).ToString("0.##", CultureInfo.CurrentCulture) + " %",
            fmt.Money(x.Tax, invoice.Currency), fmt.Money(x.Total, invoice.Currency),
        ]));
        pdf.Text(l["Amount before VAT: {0}", fmt.Money(invoice.Net, invoice.Currency)].Value);
        pdf.Text(l["VAT: {0}", fmt.Money(invoice.Tax, invoice.Currency)].Value);
        pdf.Text(l["Total payable: {0}", fmt.Money(invoice.Total, invoice.Currency)].Value, bold: true);
        if (invoice.Credited > 0)
            pdf.Text(l["Credited: {0}", fmt.Money(invoice.Credited, invoice.Currency)].Value);
        if (invoice.Paid > 0)
            pdf.Text(l["Paid: {0}", fmt.Money(invoice.Paid, invoice.Currency)].Value);
        pdf.Text(l["Outstanding: {0}", fmt.Money(invoice.Outstanding, invoice.Currency)].Value, bold: true);
        return pdf.ToBytes();
    }

    private IReadOnlyList<string> Recipient(OrderDto? order)
    {
        if (order is null)
            return [l["The recipient cannot be shown: the orders service is unavailable."].Value];
        var shipping = order.Shipping;
        return [shipping?.Consignee ?? order.Customer.Name, shipping?.Phone ?? order.Customer.Phone ?? "", Address(shipping?.Address)];
    }

    private static string Address(AddressDto? a) => a is null
        ? ""
        : string.Join(", ", new[] { a.Line1, a.Line2, a.Ward, a.District, a.City, a.Province, a.PostalCode }.Where(x => !string.IsNullOrWhiteSpace(x)));

    private static string Address(SupplierAddressDto? a) => a is null
        ? ""
        : string.Join(", ", new[] { a.Line1, a.Line2, a.Ward, a.District, a.City, a.Province, a.PostalCode }.Where(x => !string.IsNullOrWhiteSpace(x)));

    /// <summary>Product names: the order's own line descriptions first, the catalog (one batch call) for the rest.</summary>
    private async Task<Dictionary<string, string>> NamesAsync(IEnumerable<string> skus, OrderDto? order, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in order?.Lines ?? [])
            if (line.Description is { } description)
                names[line.Sku] = description;
        var missing = skus.Where(s => !names.ContainsKey(s)).Distinct().ToList();
        if (missing.Count > 0)
        {
            var found = await Section<IReadOnlyDictionary<string, Tessera.Catalog.Contracts.ProductDto>>.LoadAsync(() => catalog.BySkusAsync(missing, cancellationToken), "");
            foreach (var (sku, product) in found.Value ?? new Dictionary<string, Tessera.Catalog.Contracts.ProductDto>())
                names[sku] = product.Name;
        }
        return names;
    }
}
