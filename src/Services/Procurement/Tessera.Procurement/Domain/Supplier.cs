using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Procurement.Domain;

/// <summary>A supplier's contact person as stored: encrypted values, and keyed hashes of phone and e-mail for exact lookups.</summary>
public sealed class ProtectedContact
{
    public string? Name { get; set; }
    public string? Phone { get; set; }
    public string? Email { get; set; }

    /// <summary>The address as one encrypted JSON value.</summary>
    public string? Address { get; set; }

    public string? PhoneIndex { get; set; }
    public string? EmailIndex { get; set; }
}

/// <summary>
/// A company goods are bought from. Code and name are business data (searchable); the contact person's details are
/// personal data and only ever stored protected.
/// </summary>
public sealed class Supplier : ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string? TaxId { get; set; }
    public ProtectedContact Contact { get; set; } = new();
    public int PaymentTermsDays { get; set; }
    public string Currency { get; set; } = "";
    public bool IsActive { get; set; }
    public long Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Supplier codes are stored upper-case so that "acme" and "ACME" name the same supplier.</summary>
    public static string NormalizeCode(string code) => code.Trim().ToUpperInvariant();
}

/// <summary>
/// What a supplier charges for a SKU from <see cref="MinQuantity"/> on (a quantity break), valid between two UTC dates
/// (inclusive; open-ended when absent). Prices of one supplier, SKU and quantity break never overlap in time, so the
/// price for a quantity on a day is unambiguous.
/// </summary>
public sealed class SupplierPrice : ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public Guid SupplierId { get; set; }
    public string Sku { get; set; } = "";
    public decimal UnitPrice { get; set; }
    public string Currency { get; set; } = "";
    public decimal MinQuantity { get; set; }
    public int LeadTimeDays { get; set; }
    public DateOnly? ValidFrom { get; set; }
    public DateOnly? ValidTo { get; set; }
    public bool Preferred { get; set; }
    public long Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public bool IsValidOn(DateOnly day) => (ValidFrom is null || ValidFrom <= day) && (ValidTo is null || day <= ValidTo);

    /// <summary>Same supplier, SKU and quantity break, with validity periods that share a day.</summary>
    public bool Overlaps(Guid supplierId, string sku, decimal minQuantity, DateOnly? from, DateOnly? to) =>
        SupplierId == supplierId && Sku == sku && MinQuantity == minQuantity
        && (ValidTo is null || from is null || from <= ValidTo)
        && (to is null || ValidFrom is null || ValidFrom <= to);
}

public static class SupplierPricing
{
    /// <summary>
    /// The price a supplier charges for <paramref name="quantity"/> of a SKU on <paramref name="day"/>: the valid price
    /// with the highest quantity break not above the quantity. Null when none applies (the buyer enters a price).
    /// </summary>
    public static SupplierPrice? ForQuantity(IEnumerable<SupplierPrice> prices, Guid supplierId, string sku, decimal quantity, DateOnly day) =>
        prices.Where(p => p.SupplierId == supplierId && p.Sku == sku && p.IsValidOn(day) && p.MinQuantity <= quantity)
            .OrderByDescending(p => p.MinQuantity)
            .FirstOrDefault();

    /// <summary>
    /// The price to reorder a SKU by: among the valid prices of active suppliers, a preferred one first, then the lowest
    /// unit price, then the shortest lead time (and the supplier code, so that the choice is stable).
    /// </summary>
    public static SupplierPrice? ToReorder(IEnumerable<SupplierPrice> prices, IReadOnlyDictionary<Guid, Supplier> activeSuppliers, string sku, DateOnly day) =>
        prices.Where(p => p.Sku == sku && p.IsValidOn(day) && activeSuppliers.ContainsKey(p.SupplierId))
            .OrderByDescending(p => p.Preferred)
            .ThenBy(p => p.UnitPrice)
            .ThenBy(p => p.LeadTimeDays)
            .ThenBy(p => activeSuppliers[p.SupplierId].Code, StringComparer.Ordinal)
            .ThenBy(p => p.MinQuantity)
            .FirstOrDefault();
}
