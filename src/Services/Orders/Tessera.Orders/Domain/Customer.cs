using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Orders.Domain;

/// <summary>
/// A customer of the tenant: name, phone, e-mail, notes and address book encrypted, keyed hashes of phone, e-mail and
/// each word of the name for exact lookups, and a plain reference (the customer's id in a CRM or marketplace). A
/// duplicate merged into another keeps its row with <see cref="MergedInto"/> set: finding it finds the survivor, and
/// its orders count in the survivor's history.
/// </summary>
public sealed class Customer : ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public long Number { get; set; }
    public string Name { get; set; } = "";
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public string? PhoneIndex { get; set; }
    public string? EmailIndex { get; set; }
    public string? Reference { get; set; }
    public string? Notes { get; set; }

    /// <summary>The address book: one encrypted JSON array of labelled addresses.</summary>
    public string? Addresses { get; set; }

    public Guid? MergedInto { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public long Version { get; set; }
}

/// <summary>A keyed hash of one word of a customer's name (lower case, without diacritics).</summary>
public sealed class CustomerNameToken : ITenantOwned
{
    public string TenantId { get; set; } = "";
    public string Token { get; set; } = "";
    public Guid CustomerId { get; set; }
}
