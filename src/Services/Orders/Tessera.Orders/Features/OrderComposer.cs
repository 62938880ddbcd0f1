using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.Orders.Domain;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Orders.Features;

/// <summary>Errors found while composing an order, keyed by the JSON path of the field (as in a validation problem).</summary>
public sealed class CompositionErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
            _errors[field] = list = [];
        list.Add(message);
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public override string ToString() => string.Join("; ", _errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
}

/// <summary>
/// Turns order input into the stored order — priced lines with description snapshots, protected personal data,
/// normalized tags, codes and attributes — the same way for placing, editing and importing.
/// </summary>
public sealed class OrderComposer(OrdersDbContext db, OrderPrivacy protection)
{
    public Task<List<AttributeDefinition>> AttributeDefinitionsAsync(CancellationToken cancellationToken) =>
        db.AttributeDefinitions.AsNoTracking().ToListAsync(cancellationToken);

    /// <summary>Prices lines with the order's marketing discounts and shipping fee; errors name each line's field.</summary>
    public (List<OrderLine> Lines, OrderTotals Totals)? PriceLines(IReadOnlyList<LineInput> input, IReadOnlyDictionary<string, KnownProduct> products,
        OrderMarketing marketing, decimal shippingFee, string currency, CompositionErrors errors)
    {
        for (var i = 0; i < input.Count; i++)
            if (!products.ContainsKey(input[i].Sku))
                errors.Add($"lines[{i}].sku", $"Unknown SKU '{input[i].Sku}'.");
        if (errors.Any)
            return null;

        var (priced, pricingErrors) = Pricing.Price(
            input.Select(l => new LineToPrice(l.Quantity!.Value, l.UnitPrice!.Value, l.Discount ?? 0, l.TaxRate ?? 0)).ToList(),
            marketing.DiscountAmount, shippingFee, currency);
        foreach (var error in pricingErrors)
            errors.Add(error.Field, error.Message);
        if (priced is null)
            return null;

        var lines = input.Select((l, i) => new OrderLine
        {
            LineNo = i + 1,
            Sku = l.Sku,
            Description = products[l.Sku].Name,
            Quantity = l.Quantity!.Value,
            UnitPrice = l.UnitPrice!.Value,
            Discount = l.Discount ?? 0,
            AllocatedDiscount = priced.Lines[i].AllocatedDiscount,
            TaxRate = l.TaxRate ?? 0,
            TaxAmount = priced.Lines[i].TaxAmount,
            LineTotal = priced.Lines[i].LineTotal,
        }).ToList();
        return (lines, priced.Totals);
    }

    /// <summary>Re-prices stored lines, after a change of discounts or shipping fee.</summary>
    public static (List<OrderLine> Lines, OrderTotals Totals)? Reprice(IReadOnlyList<OrderLine> lines, OrderMarketing marketing, decimal shippingFee,
        string currency, CompositionErrors errors)
    {
        var (priced, pricingErrors) = Pricing.Price(lines.Select(l => new LineToPrice(l.Quantity, l.UnitPrice, l.Discount, l.TaxRate)).ToList(),
            marketing.DiscountAmount, shippingFee, currency);
        foreach (var error in pricingErrors)
            errors.Add(error.Field, error.Message);
        if (priced is null)
            return null;
        var repriced = lines.Select((l, i) => new OrderLine
        {
            LineNo = l.LineNo,
            Sku = l.Sku,
            Description = l.Description,
            Quantity = l.Quantity,
            UnitPrice = l.UnitPrice,
            Discount = l.Discount,
            AllocatedDiscount = priced.Lines[i].AllocatedDiscount,
            TaxRate = l.TaxRate,
            TaxAmount = priced.Lines[i].TaxAmount,
            LineTotal = priced.Lines[i].LineTotal,
        }).ToList();
        return (repriced, priced.Totals);
    }

    /// <summary>Client totals that disagree with the server's are named with both values and the difference.</summary>
    public static void CheckTotals(TotalsInput? sent, OrderTotals computed, CompositionErrors errors)
    {
        if (sent is null)
            return;
        Compare("totals.subtotal", sent.Subtotal, computed.Subtotal);
        Compare("totals.discountTotal", sent.DiscountTotal, computed.DiscountTotal);
        Compare("totals.taxTotal", sent.TaxTotal, computed.TaxTotal);
        Compare("totals.shippingFee", sent.ShippingFee, computed.ShippingFee);
        Compare("totals.grandTotal", sent.GrandTotal, computed.GrandTotal);

        void Compare(string field, decimal? client, decimal server)
        {
            if (client is decimal value && value != server)
                errors.Add(field, string.Create(CultureInfo.InvariantCulture,
                    $"Sent {value:0.####}, computed {server:0.####} (difference {value - server:0.####})."));
        }
    }

    public static OrderMarketing Marketing(MarketingInput? input) => input is null
        ? OrderMarketing.Empty
        : new OrderMarketing(
            (input.CouponCodes ?? []).Select(OrderRules.NormalizeCode).Distinct().ToList(),
            (input.PromotionCodes ?? []).Select(OrderRules.NormalizeCode).Distinct().ToList(),
            (input.Discounts ?? []).Select(d => new MarketingDiscount(OrderRules.NormalizeCode(d.Code), d.Amount ?? 0)).ToList());

    public static string Tags(IReadOnlyList<string>? tags) =>
        JsonSerializer.Serialize((tags ?? []).Select(OrderRules.NormalizeTag).Distinct().Order(StringComparer.Ordinal).ToList());

    public static IReadOnlyList<string> ReadTags(string json) => JsonSerializer.Deserialize<List<string>>(json) ?? [];

    public static IReadOnlyDictionary<string, string> ReadAttributes(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    public void ValidateAttributes(IReadOnlyDictionary<string, JsonElement>? input, IReadOnlyList<AttributeDefinition> definitions, CompositionErrors errors,
        out string json)
    {
        var (values, problems) = AttributeRules.Normalize(input, definitions);
        foreach (var (field, message) in problems)
            errors.Add(field, message);
        json = JsonSerializer.Serialize(values.OrderBy(v => v.Key, StringComparer.Ordinal).ToDictionary(v => v.Key, v => v.Value));
    }

    public ProtectedCustomer Customer(CustomerInput? input, string tenant) => input is null
        ? new ProtectedCustomer()
        : protection.Protect(new CustomerDto(input.Name, input.Phone, input.Email, input.Reference), tenant);

    public ProtectedShipping Shipping(ShippingInput? input, string tenant) => input is null
        ? new ProtectedShipping()
        : protection.Protect(new ShippingDto(input.Consignee, input.Phone,
            input.Address is null ? null : new AddressDto(string.IsNullOrWhiteSpace(input.Address.Line1) ? null : input.Address.Line1, input.Address.Line2, input.Address.Ward, input.Address.District,
                input.Address.City, input.Address.Province, input.Address.PostalCode, input.Address.Country),
            input.RequestedDeliveryDate, input.ServiceLevel), tenant);

    public string? Notes(string? notes, string tenant) => protection.ProtectNotes(notes, tenant);

    /// <summary>A new order from a validated request and its computed amounts; with <paramref name="history"/>, an order imported as history.</summary>
    public Order Build(PlaceOrder.Request request, (List<OrderLine> Lines, OrderTotals Totals) priced, OrderMarketing marketing, string attributes,
        string tenant, long number, string by, DateTimeOffset now, HistoryInput? history = null)
    {
        var placedAt = request.PlacedAt ?? now;
        var order = history is null
            ? Order.Place(Guid.CreateVersion7(), number, request.Channel, placedAt, by, now)
            : Order.FromHistory(Guid.CreateVersion7(), number, request.Channel, placedAt, history.Status, history.ClosedAt(placedAt), by, now);
        order.TenantId = tenant;
        order.ExternalRef = request.ExternalRef is { Length: > 0 } ? request.ExternalRef.Trim() : null;
        order.Currency = request.Currency ?? PlaceOrder.DefaultCurrency;
        order.Customer = Customer(request.Customer, tenant);
        order.Shipping = Shipping(request.Shipping, tenant);
        order.Marketing = marketing.ToJson();
        order.PaymentMethod = request.Financial?.PaymentMethod;
        order.PaymentStatus = request.Financial?.PaymentStatus ?? PaymentStatus.Unpaid;
        order.PreferredWarehouse = request.Operational?.PreferredWarehouse?.Trim().ToUpperInvariant();
        order.Notes = Notes(request.Operational?.Notes, tenant);
        order.Tags = Tags(request.Operational?.Tags);
        order.Attributes = attributes;
        order.SetLines(priced.Lines, priced.Totals);
        if (history is not null)
        {
            var payments = history.Payments.Select(p => new PaymentRecordDto(p.Method.Trim(), p.Amount!.Value, p.PaidAt!.Value)).OrderBy(p => p.PaidAt).ToList();
            order.Payments = OrderPayments.ToJson(payments);
            order.PaymentMethod ??= payments.FirstOrDefault()?.Method;
            if (request.Financial?.PaymentStatus is null && payments.Count > 0)
                order.PaymentStatus = payments.Sum(p => p.Amount) >= order.Total ? PaymentStatus.Paid : PaymentStatus.Unpaid;
        }
        return order;
    }

    public static HistoricOrderImported ImportedAsHistory(Order order) => new(order.Id, order.Number, order.Channel, order.Status, order.PlacedAt,
        order.ClosedAt ?? order.PlacedAt, order.Currency, order.Total, order.Lines.Select(l => new OrderedLine(l.LineNo, l.Sku, l.Quantity)).ToList(),
        OrderPayments.Read(order.Payments));

    /// <summary>The event of a new order; <paramref name="province"/> is the shipping address's, the only part of it reporting may know.</summary>
    public static OrderPlaced Placed(Order order, string? province) => new(order.Id, order.Number, order.Channel,
        order.Lines.Select(l => new OrderedLine(l.LineNo, l.Sku, l.Quantity)).ToList(), order.PlacedAt, order.PreferredWarehouse, PricesOf(order),
        order.Customer.Reference, province is { Length: > 0 } ? province.Trim() : null);

    /// <summary>The order's prices as events carry them, for finance to invoice from and reporting to count.</summary>
    public static OrderPricingDto PricesOf(Order order) => new(order.Currency,
        order.Lines.OrderBy(l => l.LineNo).Select(l => new PricedOrderLine(l.LineNo, l.Sku, l.Quantity, l.UnitPrice, l.Discount, l.AllocatedDiscount, l.TaxRate,
            l.TaxAmount, l.LineTotal)).ToList(),
        order.ShippingFee, order.DiscountTotal, order.TaxTotal, order.Total);

    public static string Describe(IEnumerable<OrderLine> lines) =>
        string.Join(", ", lines.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Sku} × {l.Quantity:0.####}")));

    public static string PendingJson(PendingLineChange change) => JsonSerializer.Serialize(change, TesseraJson.Options);

    public static PendingLineChange? ReadPending(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<PendingLineChange>(json, TesseraJson.Options);
}
