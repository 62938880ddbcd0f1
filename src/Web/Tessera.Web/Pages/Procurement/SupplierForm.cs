using Tessera.Procurement.Contracts;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Procurement;

/// <summary>A supplier as its form holds it: the contact's address flattened into fields.</summary>
public sealed class SupplierForm
{
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string? TaxId { get; set; }
    public string? ContactName { get; set; }
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public string? Line1 { get; set; }
    public string? Line2 { get; set; }
    public string? Ward { get; set; }
    public string? District { get; set; }
    public string? City { get; set; }
    public string? Province { get; set; }
    public string? PostalCode { get; set; }
    public string? Country { get; set; } = "VN";
    public int? PaymentTermsDays { get; set; } = 30;
    public string Currency { get; set; } = "VND";
    public bool IsActive { get; set; } = true;
    public long Version { get; set; }

    private bool HasAddress => new[] { Line1, Line2, Ward, District, City, Province, PostalCode }.Any(v => !string.IsNullOrWhiteSpace(v));

    public SupplierInput ToInput() => new(Code.Trim(), Name, TaxId,
        new SupplierContactDto(ContactName, Phone, Email,
            HasAddress ? new SupplierAddressDto(Line1 ?? "", Line2, Ward, District, City, Province, PostalCode, (Country ?? "").Trim().ToUpperInvariant()) : null),
        PaymentTermsDays, Currency.Trim().ToUpperInvariant(), IsActive);

    public static SupplierForm From(SupplierDto s) => new()
    {
        Code = s.Code, Name = s.Name, TaxId = s.TaxId, ContactName = s.Contact.Name, Phone = s.Contact.Phone, Email = s.Contact.Email,
        Line1 = s.Contact.Address?.Line1, Line2 = s.Contact.Address?.Line2, Ward = s.Contact.Address?.Ward, District = s.Contact.Address?.District,
        City = s.Contact.Address?.City, Province = s.Contact.Address?.Province, PostalCode = s.Contact.Address?.PostalCode,
        Country = s.Contact.Address?.Country ?? "VN", PaymentTermsDays = s.PaymentTermsDays, Currency = s.Currency, IsActive = s.IsActive, Version = s.Version,
    };
}

/// <summary>What the supplier form partial shows: the values, the service's refusal, and whether the user may save.</summary>
public sealed record SupplierFormView(SupplierForm Form, ApiProblem? Problem, bool Editable, string Submit, string? IdempotencyKey = null);
