using System.Globalization;
using System.Text.Json;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Orders;

/// <summary>The parts of an order the edit page offers, as posted. The lines are posted beside it (<see cref="LineForm"/> rows).</summary>
public sealed class OrderForm
{
    public CustomerPart Customer { get; set; } = new();
    public ShippingPart Shipping { get; set; } = new();
    public OperationalPart Operational { get; set; } = new();

    /// <summary>Values of the tenant's attributes, by attribute name.</summary>
    public Dictionary<string, string?> Attributes { get; set; } = new(StringComparer.Ordinal);

    public sealed class CustomerPart
    {
        public string? Name { get; set; }
        public string? Phone { get; set; }
        public string? Email { get; set; }
        public string? Reference { get; set; }
    }

    public sealed class ShippingPart
    {
        public string? Consignee { get; set; }
        public string? Phone { get; set; }
        public string? Line1 { get; set; }
        public string? Line2 { get; set; }
        public string? Ward { get; set; }
        public string? District { get; set; }
        public string? City { get; set; }
        public string? Province { get; set; }
        public string? PostalCode { get; set; }
        public string? Country { get; set; }

        /// <summary>yyyy-MM-dd, as a date input sends it.</summary>
        public string? RequestedDeliveryDate { get; set; }
        public string? ServiceLevel { get; set; }
    }

    public sealed class OperationalPart
    {
        public string? PreferredWarehouse { get; set; }
        public string? Notes { get; set; }

        /// <summary>Comma-separated.</summary>
        public string? Tags { get; set; }
    }
}

/// <summary>A line as the snapshot keeps it: tax as a fraction (0.1), no discount or tax as 0, like the service stores it.</summary>
public sealed record SnapshotLine(string Sku, decimal? Quantity, decimal? UnitPrice, decimal Discount, decimal TaxRate);

/// <summary>
/// The editable fields of an order flattened to normalized text, by the field's path in the change request
/// ("customer.phone", "shipping.address.city", "lines", "attributes.gift_wrap"). Comparing snapshots tells which fields
/// the user changed, and which someone else changed meanwhile; only what the user changed is sent, so an edit never
/// overwrites another person's change to a field the user did not touch.
/// </summary>
public sealed class OrderSnapshot
{
    public const string Lines = "lines";
    public const string AttributePrefix = "attributes.";
    private static readonly string[] AddressFields = ["line1", "line2", "ward", "district", "city", "province", "postalCode"];

    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["customer.name"] = "Customer name", ["customer.phone"] = "Customer phone", ["customer.email"] = "Customer e-mail",
        ["customer.reference"] = "Customer reference", ["shipping.consignee"] = "Consignee", ["shipping.phone"] = "Consignee phone",
        ["shipping.address.line1"] = "Address", ["shipping.address.line2"] = "Address line 2", ["shipping.address.ward"] = "Ward",
        ["shipping.address.district"] = "District", ["shipping.address.city"] = "City", ["shipping.address.province"] = "Province",
        ["shipping.address.postalCode"] = "Postal code", ["shipping.address.country"] = "Country",
        ["shipping.requestedDeliveryDate"] = "Requested delivery date", ["shipping.serviceLevel"] = "Service level", [Lines] = "Lines",
        ["operational.preferredWarehouse"] = "Preferred warehouse", ["operational.notes"] = "Notes", ["operational.tags"] = "Tags",
    };

    private readonly SortedDictionary<string, string> _values;

    private OrderSnapshot(SortedDictionary<string, string> values) => _values = values;

    public IReadOnlyDictionary<string, string> Values => _values;

    public string? this[string field] => _values.GetValueOrDefault(field);

    public static OrderSnapshot Of(OrderDto order, IEnumerable<string> attributeNames)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Set(values, "customer.name", order.Customer.Name);
        Set(values, "customer.phone", order.Customer.Phone);
        Set(values, "customer.email", order.Customer.Email);
        Set(values, "customer.reference", order.Customer.Reference);
        if (order.Shipping is { } shipping)
        {
            Set(values, "shipping.consignee", shipping.Consignee);
            Set(values, "shipping.phone", shipping.Phone);
            if (shipping.Address is { } a)
                SetAddress(values, [a.Line1, a.Line2, a.Ward, a.District, a.City, a.Province, a.PostalCode], a.Country);
            Set(values, "shipping.requestedDeliveryDate", shipping.RequestedDeliveryDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            Set(values, "shipping.serviceLevel", shipping.ServiceLevel);
        }
        values[Lines] = LinesJson(order.Lines.Select(l => new SnapshotLine(l.Sku, l.Quantity, l.UnitPrice, l.Discount, l.TaxRate)));
        Set(values, "operational.preferredWarehouse", order.Operational?.PreferredWarehouse?.ToUpperInvariant());
        Set(values, "operational.notes", order.Operational?.Notes);
        Set(values, "operational.tags", Tags(order.Operational?.Tags ?? []));
        var names = attributeNames.ToHashSet(StringComparer.Ordinal);
        foreach (var (name, value) in order.Attributes ?? new Dictionary<string, string>())
            if (names.Contains(name))
                Set(values, AttributePrefix + name, value);
        return new OrderSnapshot(values);
    }

    /// <summary>What the user posted. Without line rows (not offered while a line change waits), the lines are <paramref name="unchangedLines"/>.</summary>
    public static OrderSnapshot Of(OrderForm form, IReadOnlyList<LineForm>? lines, string? unchangedLines = null)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Set(values, "customer.name", form.Customer.Name);
        Set(values, "customer.phone", form.Customer.Phone);
        Set(values, "customer.email", form.Customer.Email);
        Set(values, "customer.reference", form.Customer.Reference);
        var s = form.Shipping;
        Set(values, "shipping.consignee", s.Consignee);
        Set(values, "shipping.phone", s.Phone);
        SetAddress(values, [s.Line1, s.Line2, s.Ward, s.District, s.City, s.Province, s.PostalCode], s.Country);
        Set(values, "shipping.requestedDeliveryDate", s.RequestedDeliveryDate);
        Set(values, "shipping.serviceLevel", s.ServiceLevel);
        if (lines is null)
        {
            if (unchangedLines is not null)
                values[Lines] = unchangedLines;
        }
        else
        {
            values[Lines] = LinesJson(lines.Where(l => !l.IsBlank)
                .Select(l => new SnapshotLine(l.Sku.Trim(), l.Quantity, l.Price, l.Discount ?? 0, (l.TaxPercent ?? 0) / 100m)));
        }
        Set(values, "operational.preferredWarehouse", form.Operational.PreferredWarehouse?.ToUpperInvariant());
        Set(values, "operational.notes", form.Operational.Notes);
        Set(values, "operational.tags", Tags((form.Operational.Tags ?? "").Split(',')));
        foreach (var (name, value) in form.Attributes)
            Set(values, AttributePrefix + name, value);
        return new OrderSnapshot(values);
    }

    /// <summary>The fields whose value here differs from <paramref name="before"/>.</summary>
    public IReadOnlyList<string> ChangedFrom(OrderSnapshot before) =>
        _values.Keys.Union(before._values.Keys).Where(k => this[k] != before[k]).Order(StringComparer.Ordinal).ToList();

    /// <summary>This snapshot with <paramref name="fields"/> taken from <paramref name="other"/>: someone's changes re-applied on a newer version.</summary>
    public OrderSnapshot With(OrderSnapshot other, IEnumerable<string> fields)
    {
        var values = new SortedDictionary<string, string>(_values, StringComparer.Ordinal);
        foreach (var field in fields)
        {
            if (other[field] is { } value)
                values[field] = value;
            else
                values.Remove(field);
        }
        return new OrderSnapshot(values);
    }

    public string ToJson() => JsonSerializer.Serialize(_values);

    public static OrderSnapshot? FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return null;
        try
        {
            return JsonSerializer.Deserialize<SortedDictionary<string, string>>(json) is { } values
                ? new OrderSnapshot(new SortedDictionary<string, string>(values, StringComparer.Ordinal))
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public OrderForm ToForm() => new()
    {
        Customer = new OrderForm.CustomerPart
        {
            Name = this["customer.name"], Phone = this["customer.phone"], Email = this["customer.email"], Reference = this["customer.reference"],
        },
        Shipping = new OrderForm.ShippingPart
        {
            Consignee = this["shipping.consignee"], Phone = this["shipping.phone"], Line1 = this["shipping.address.line1"],
            Line2 = this["shipping.address.line2"], Ward = this["shipping.address.ward"], District = this["shipping.address.district"],
            City = this["shipping.address.city"], Province = this["shipping.address.province"], PostalCode = this["shipping.address.postalCode"],
            Country = this["shipping.address.country"], RequestedDeliveryDate = this["shipping.requestedDeliveryDate"],
            ServiceLevel = this["shipping.serviceLevel"],
        },
        Operational = new OrderForm.OperationalPart
        {
            PreferredWarehouse = this["operational.preferredWarehouse"], Notes = this["operational.notes"], Tags = this["operational.tags"],
        },
        Attributes = _values.Where(v => v.Key.StartsWith(AttributePrefix, StringComparison.Ordinal))
            .ToDictionary(v => v.Key[AttributePrefix.Length..], v => (string?)v.Value, StringComparer.Ordinal),
    };

    /// <summary>The line rows of the form; descriptions (product names) by SKU where known.</summary>
    public List<LineForm> ToLines(IReadOnlyDictionary<string, string?> descriptions) =>
        SnapshotLines().Select((l, i) => new LineForm
        {
            Sku = l.Sku,
            Quantity = l.Quantity,
            Price = l.UnitPrice,
            Discount = l.Discount == 0 ? null : l.Discount,
            TaxPercent = l.TaxRate == 0 ? null : l.TaxRate * 100m / 1.0000000000000000000000000000m,
            Description = descriptions.GetValueOrDefault(l.Sku),
            Index = i,
        }).ToList();

    public IReadOnlyList<SnapshotLine> SnapshotLines() =>
        this[Lines] is { } json ? JsonSerializer.Deserialize<List<SnapshotLine>>(json, TesseraJson.Options) ?? [] : [];

    /// <summary>The change request for <paramref name="changed"/>: each part with a changed field is sent whole, from this snapshot.</summary>
    public OrderChange Change(IReadOnlyCollection<string> changed)
    {
        bool Touches(string prefix) => changed.Any(c => c.StartsWith(prefix, StringComparison.Ordinal));
        return new OrderChange(
            Touches("customer.") ? new OrderCustomerInput(this["customer.name"] ?? "", this["customer.phone"], this["customer.email"], this["customer.reference"]) : null,
            Touches("shipping.") ? Shipping() : null,
            changed.Contains(Lines) ? SnapshotLines().Select(l => new OrderLineInput(l.Sku, l.Quantity, l.UnitPrice, l.Discount, l.TaxRate)).ToList() : null,
            Touches("operational.")
                ? new OperationalInput(this["operational.preferredWarehouse"], this["operational.notes"],
                    (this["operational.tags"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                : null,
            Touches(AttributePrefix)
                ? _values.Where(v => v.Key.StartsWith(AttributePrefix, StringComparison.Ordinal)).ToDictionary(v => v.Key[AttributePrefix.Length..], v => v.Value)
                : null);
    }

    /// <summary>The requested delivery date, when one is given that is not a date.</summary>
    public bool HasInvalidDeliveryDate => this["shipping.requestedDeliveryDate"] is { } text && !TryDate(text, out _);

    private ShippingInput Shipping()
    {
        var address = AddressFields.Any(f => this["shipping.address." + f] is not null)
            ? new AddressInput(this["shipping.address.line1"] ?? "", this["shipping.address.line2"], this["shipping.address.ward"],
                this["shipping.address.district"], this["shipping.address.city"], this["shipping.address.province"],
                this["shipping.address.postalCode"], this["shipping.address.country"] ?? "")
            : null;
        DateOnly? date = this["shipping.requestedDeliveryDate"] is { } text && TryDate(text, out var parsed) ? parsed : null;
        return new ShippingInput(this["shipping.consignee"], this["shipping.phone"], address, date, this["shipping.serviceLevel"]);
    }

    /// <summary>A field's name as the edit page labels it.</summary>
    public static string Label(string field, IReadOnlyList<AttributeDefinitionDto> definitions) =>
        field.StartsWith(AttributePrefix, StringComparison.Ordinal)
            ? definitions.FirstOrDefault(d => d.Name == field[AttributePrefix.Length..])?.Label ?? field[AttributePrefix.Length..]
            : Labels.GetValueOrDefault(field, field);

    /// <summary>A field's value for people: lines as "2 × SKU at 120000".</summary>
    public string Describe(string field)
    {
        if (field != Lines)
            return this[field] ?? "—";
        var lines = SnapshotLines();
        return lines.Count == 0
            ? "—"
            : string.Join("; ", lines.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Quantity:0.####} × {l.Sku} at {l.UnitPrice:0.####}")));
    }

    private static bool TryDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static void SetAddress(SortedDictionary<string, string> values, string?[] lines, string? country)
    {
        // An address is there when any line of it is; a country alone (the form offers one) is no address.
        if (lines.All(string.IsNullOrWhiteSpace))
            return;
        for (var i = 0; i < AddressFields.Length; i++)
            Set(values, "shipping.address." + AddressFields[i], lines[i]);
        Set(values, "shipping.address.country", country?.ToUpperInvariant());
    }

    private static void Set(SortedDictionary<string, string> values, string field, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
            values[field] = value.Trim();
    }

    private static string Tags(IEnumerable<string> tags) =>
        string.Join(", ", tags.Select(t => t.Trim().ToLowerInvariant()).Where(t => t.Length > 0).Distinct().Order(StringComparer.Ordinal));

    private static string LinesJson(IEnumerable<SnapshotLine> lines) => JsonSerializer.Serialize(lines.ToList(), TesseraJson.Options);
}

/// <summary>
/// An edit that met a newer version: the fields someone else changed since the user loaded the order, the fields the
/// user changed, and those both changed to different values (where the form keeps the user's value).
/// </summary>
public sealed record EditConflict(long CurrentVersion, OrderStatus CurrentStatus, IReadOnlyList<string> Theirs, IReadOnlyList<string> Mine,
    IReadOnlyList<string> Both, OrderSnapshot Before, OrderSnapshot Current)
{
    public static EditConflict Of(OrderDto current, OrderSnapshot before, OrderSnapshot currentSnapshot, OrderSnapshot mine, IReadOnlyList<string> changedByMe)
    {
        var theirs = currentSnapshot.ChangedFrom(before);
        var both = changedByMe.Intersect(theirs).Where(f => mine[f] != currentSnapshot[f]).ToList();
        return new EditConflict(current.Version, current.Status, theirs, changedByMe, both, before, currentSnapshot);
    }
}
