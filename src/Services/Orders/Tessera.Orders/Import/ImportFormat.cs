using System.Globalization;
using System.Text.Json;
using Tessera.Orders.Contracts;
using Tessera.Orders.Features;

namespace Tessera.Orders.Import;

/// <summary>The columns of a file, by name.</summary>
public sealed class CsvHeader(string[] columns)
{
    private readonly Dictionary<string, int> _index = columns.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);

    public IReadOnlyList<string> Columns { get; } = columns;

    public int IndexOf(string column) => _index.GetValueOrDefault(column, -1);
}

/// <summary>One data row of the file; Number counts data rows from 1 (the header is not counted).</summary>
public sealed record CsvRow(int Number, CsvHeader Header, string[] Values)
{
    public string Get(string column) => Header.IndexOf(column) is var i and >= 0 && i < Values.Length ? Values[i] : "";
}

public sealed record ParsedFile(IReadOnlyList<CsvRow> Rows, string? Error);

/// <summary>The rows of one order in the file, the request they make, and what is wrong with them (row, reason).</summary>
public sealed class ImportedOrder(string channel, string externalRef)
{
    public string Channel { get; } = channel;
    public string ExternalRef { get; } = externalRef;
    public List<CsvRow> Rows { get; } = [];
    public List<(int Row, string Reason)> Problems { get; } = [];
    public PlaceOrder.Request? Request { get; set; }

    /// <summary>Set when the file says the order is history (a final status): it is stored as it ended, reserving nothing.</summary>
    public HistoryInput? History { get; set; }
}

/// <summary>
/// The CSV format of an order import (docs/import.md): a header row, then one row per order line. Rows with the same
/// channel and external_ref are one order; its order-level columns may be repeated on each row or given once, but
/// must not contradict each other. Numbers and dates are invariant (1234.5, 2026-11-22T10:00:00+07:00).
/// </summary>
public static partial class ImportFormat
{
    public const string DefaultChannel = ImportColumns.DefaultChannel;

    /// <summary>Where a field of the order request comes from in the file.</summary>
    private static readonly Dictionary<string, string> ColumnOf = new(StringComparer.Ordinal)
    {
        ["channel"] = "channel", ["externalRef"] = "external_ref", ["currency"] = "currency", ["placedAt"] = "placed_at",
        ["customer"] = "customer_name", ["customer.name"] = "customer_name", ["customer.phone"] = "customer_phone", ["customer.email"] = "customer_email",
        ["customer.reference"] = "customer_reference", ["shipping.consignee"] = "ship_consignee", ["shipping.phone"] = "ship_phone",
        ["shipping.address.line1"] = "ship_line1", ["shipping.address.line2"] = "ship_line2", ["shipping.address.ward"] = "ship_ward",
        ["shipping.address.district"] = "ship_district", ["shipping.address.city"] = "ship_city", ["shipping.address.province"] = "ship_province",
        ["shipping.address.postalCode"] = "ship_postal_code", ["shipping.address.country"] = "ship_country", ["shipping.serviceLevel"] = "service_level",
        ["financial.shippingFee"] = "shipping_fee", ["financial.paymentMethod"] = "payment_method", ["financial.paymentStatus"] = "payment_status",
        ["operational.tags"] = "tags", ["operational.notes"] = "notes", ["operational.preferredWarehouse"] = "preferred_warehouse",
        ["shipping.requestedDeliveryDate"] = "requested_delivery_date", ["shipping"] = "ship_line1", ["shipping.address"] = "ship_line1",
        ["marketing.couponCodes"] = "coupon_codes", ["marketing.promotionCodes"] = "promotion_codes", ["marketing.discounts"] = "discount_amount",
        ["marketing.discounts.code"] = "discount_code", ["marketing.discounts.amount"] = "discount_amount", ["lines"] = "sku",
        ["sku"] = "sku", ["quantity"] = "quantity", ["unitPrice"] = "unit_price", ["discount"] = "line_discount", ["taxRate"] = "tax_rate",
    };

    public static ParsedFile Parse(string text) => Parse(new StringReader(text));

    /// <summary>Reads the whole file; a problem with the file as a whole (header) is returned as its error.</summary>
    public static ParsedFile Parse(TextReader reader)
    {
        var csv = new CsvRecords(reader);
        var header = csv.Read();
        if (header is null || header.All(string.IsNullOrWhiteSpace))
            return new ParsedFile([], "The file is empty: it needs a header row and at least one data row.");

        var columns = header.Select(h => h.Trim().TrimStart('\uFEFF').ToLowerInvariant()).ToArray();
        var unknown = columns.Where(c => !ImportColumns.OrderColumns.Contains(c) && !ImportColumns.LineColumns.Contains(c)
                                         && !(c.StartsWith(ImportColumns.AttributePrefix, StringComparison.Ordinal) && c.Length > ImportColumns.AttributePrefix.Length)).ToList();
        if (unknown.Count > 0)
            return new ParsedFile([], $"Unknown columns: {string.Join(", ", unknown)}. docs/import.md lists the columns.");
        var missing = ImportColumns.Required.Where(r => !columns.Contains(r)).ToList();
        if (missing.Count > 0)
            return new ParsedFile([], $"Missing columns: {string.Join(", ", missing)}.");
        var duplicated = columns.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicated.Count > 0)
            return new ParsedFile([], $"Columns appear twice: {string.Join(", ", duplicated)}.");

        var shared = new CsvHeader(columns);
        var rows = new List<CsvRow>();
        var number = 0;
        while (csv.Read() is { } record)
        {
            number++;
            if (record.All(string.IsNullOrWhiteSpace))
                continue;
            rows.Add(new CsvRow(number, shared, record));
        }
        return rows.Count == 0 ? new ParsedFile([], "The file has a header but no data rows.") : new ParsedFile(rows, null);
    }

    /// <summary>Groups rows into orders, in the order they first appear, and builds each order's request.</summary>
    public static List<ImportedOrder> Group(IReadOnlyList<CsvRow> rows)
    {
        var orders = new Dictionary<(string, string), ImportedOrder>();
        var missingRef = new ImportedOrder(DefaultChannel, "");
        foreach (var row in rows)
        {
            var externalRef = row.Get("external_ref");
            if (externalRef.Length == 0)
            {
                missingRef.Rows.Add(row);
                missingRef.Problems.Add((row.Number, "external_ref: every row needs the order's external reference."));
                continue;
            }
            var channel = row.Get("channel") is { Length: > 0 } c ? c : DefaultChannel;
            if (!orders.TryGetValue((channel, externalRef), out var order))
                orders[(channel, externalRef)] = order = new ImportedOrder(channel, externalRef);
            order.Rows.Add(row);
        }

        var result = orders.Values.ToList();
        foreach (var order in result)
            order.Request = BuildRequest(order);
        if (missingRef.Rows.Count > 0)
            result.Add(missingRef);
        return result;
    }

    /// <summary>The column of a field path of a validation problem, and the row it concerns.</summary>
    public static (int Row, string Column) Locate(ImportedOrder order, string path)
    {
        if (path.StartsWith("lines[", StringComparison.Ordinal) && path.IndexOf(']') is var close and > 6 &&
            int.TryParse(path.AsSpan(6, close - 6), out var index) && index < order.Rows.Count)
        {
            var lineField = path[(close + 1)..].TrimStart('.');
            return (order.Rows[index].Number, ColumnOf.GetValueOrDefault(lineField, lineField));
        }
        if (path.StartsWith("attributes.", StringComparison.Ordinal))
            return (order.Rows[0].Number, ImportColumns.AttributePrefix + path["attributes.".Length..]);
        var field = Indexer().Replace(path, "");
        return (order.Rows[0].Number, ColumnOf.GetValueOrDefault(field, field));
    }

    private static PlaceOrder.Request? BuildRequest(ImportedOrder order)
    {
        var request = BuildOrder(order);
        order.History = BuildHistory(order, request?.PlacedAt);
        return order.Problems.Count > 0 ? null : request;
    }

    /// <summary>The history columns of an order: a final status, its dates, and "method amount date" payments separated by ';'.</summary>
    private static HistoryInput? BuildHistory(ImportedOrder order, DateTimeOffset? placedAt)
    {
        var first = order.Rows[0].Number;
        string? Value(string column) => order.Rows.Select(r => r.Get(column)).FirstOrDefault(v => v.Length > 0);
        DateTimeOffset? Moment(string column)
        {
            if (Value(column) is not { } text)
                return null;
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                return at;
            order.Problems.Add((first, $"{column}: is not a date and time (write it like 2026-11-22T10:00:00+07:00)."));
            return null;
        }

        var statusText = Value("status");
        var (delivered, cancelled, returned) = (Moment("delivered_at"), Moment("cancelled_at"), Moment("returned_at"));
        var paymentsText = Value("payments");
        if (statusText is null)
        {
            if (delivered is not null || cancelled is not null || returned is not null || paymentsText is not null)
                order.Problems.Add((first, "status: an order with delivered_at, cancelled_at, returned_at or payments is history and needs its final status."));
            return null;
        }
        if (!Enum.TryParse<OrderStatus>(statusText, ignoreCase: true, out var status) || !HistoryInput.FinalStatuses.Contains(status))
        {
            order.Problems.Add((first, $"status: is one of {string.Join(", ", HistoryInput.FinalStatuses)} (an order imported as history has ended)."));
            return null;
        }

        var payments = new List<PaymentInput>();
        foreach (var entry in (paymentsText ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 3
                || !decimal.TryParse(parts[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
                || !DateTimeOffset.TryParse(parts[2], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var paidAt))
            {
                order.Problems.Add((first, $"payments: '{entry}' is not \"method amount date\" (write it like cod 150000 2026-11-22; several separated by ';')."));
                continue;
            }
            payments.Add(new PaymentInput(parts[0], amount, paidAt));
        }
        var history = new HistoryInput(status, delivered, cancelled, returned, payments);
        if (placedAt is { } placed && history.ClosedAt(placed) < placed)
            order.Problems.Add((first, "status: the order cannot have ended before it was placed (placed_at)."));
        return history;
    }

    private static PlaceOrder.Request? BuildOrder(ImportedOrder order)
    {
        string? Value(string column)
        {
            string? first = null;
            var firstRow = 0;
            foreach (var row in order.Rows)
            {
                var value = row.Get(column);
                if (value.Length == 0)
                    continue;
                if (first is null)
                    (first, firstRow) = (value, row.Number);
                else if (value != first)
                    order.Problems.Add((row.Number, $"{column}: differs from row {firstRow}, where this order's value was first given."));
            }
            return first;
        }

        decimal? Number(string column, string? text, int row)
        {
            if (string.IsNullOrEmpty(text))
                return null;
            if (decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
                return value;
            order.Problems.Add((row, $"{column}: is not a number (write it like 1234.5: a point for decimals, no thousands separators)."));
            return null;
        }

        var first = order.Rows[0].Number;
        DateTimeOffset? placedAt = null;
        if (Value("placed_at") is { } placed)
        {
            if (DateTimeOffset.TryParse(placed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                placedAt = parsed;
            else
                order.Problems.Add((first, "placed_at: is not a date and time (write it like 2026-11-22T10:00:00+07:00)."));
        }
        DateOnly? requestedDate = null;
        if (Value("requested_delivery_date") is { } requested)
        {
            if (DateOnly.TryParseExact(requested, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                requestedDate = date;
            else
                order.Problems.Add((first, "requested_delivery_date: is not a date (write it like 2026-12-01)."));
        }
        PaymentStatus? paymentStatus = null;
        if (Value("payment_status") is { } status)
        {
            if (Enum.TryParse<PaymentStatus>(status, ignoreCase: true, out var parsed))
                paymentStatus = parsed;
            else
                order.Problems.Add((first, $"payment_status: is one of {string.Join(", ", Enum.GetNames<PaymentStatus>())}."));
        }

        var lines = order.Rows.Select(r => new LineInput(r.Get("sku"), Number("quantity", r.Get("quantity"), r.Number),
            Number("unit_price", r.Get("unit_price"), r.Number), Number("line_discount", r.Get("line_discount"), r.Number),
            Number("tax_rate", r.Get("tax_rate"), r.Number))).ToList();

        var address = new[] { "ship_line1", "ship_line2", "ship_ward", "ship_district", "ship_city", "ship_province", "ship_postal_code", "ship_country" }
            .Select(Value).ToArray();
        var shipping = address.Any(a => a is not null) || Value("ship_consignee") is not null || Value("ship_phone") is not null ||
                       requestedDate is not null || Value("service_level") is not null
            ? new ShippingInput(Value("ship_consignee"), Value("ship_phone"),
                address.Any(a => a is not null)
                    ? new AddressInput(address[0], address[1], address[2], address[3], address[4], address[5], address[6], address[7] ?? "VN")
                    : null,
                requestedDate, Value("service_level"))
            : null;

        var discountAmount = Number("discount_amount", Value("discount_amount"), first);
        var marketing = new MarketingInput(List(Value("coupon_codes")), List(Value("promotion_codes")),
            discountAmount is null ? [] : [new DiscountInput(Value("discount_code") ?? "IMPORT", discountAmount)]);

        var attributes = order.Rows[0].Header.Columns.Where(k => k.StartsWith(ImportColumns.AttributePrefix, StringComparison.Ordinal))
            .Select(k => (Name: k[ImportColumns.AttributePrefix.Length..], Value: Value(k)))
            .Where(a => a.Value is not null)
            .ToDictionary(a => a.Name, a => JsonSerializer.SerializeToElement(a.Value));

        return new PlaceOrder.Request(
            order.Channel,
            order.ExternalRef,
            Value("currency"),
            placedAt,
            new CustomerInput(Value("customer_name") ?? "", Value("customer_phone"), Value("customer_email"), Value("customer_reference")),
            lines,
            shipping,
            marketing,
            new FinancialInput(Number("shipping_fee", Value("shipping_fee"), first), Value("payment_method"), paymentStatus),
            new OperationalInput(Value("preferred_warehouse"), Value("notes"), List(Value("tags"))),
            attributes,
            null);
    }

    private static List<string> List(string? text) =>
        (text ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    [System.Text.RegularExpressions.GeneratedRegex(@"\[\d+\]")]
    private static partial System.Text.RegularExpressions.Regex Indexer();
}
