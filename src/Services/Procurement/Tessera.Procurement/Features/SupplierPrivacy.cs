using System.Text.Json;
using Tessera.Procurement.Contracts;
using Tessera.Procurement.Domain;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;

namespace Tessera.Procurement.Features;

/// <summary>
/// A supplier's contact person — name, phone, e-mail, address — is stored only through this class: encrypted with the
/// platform's personal data protection (versioned keys outside the database, tenant and field authenticated), with keyed
/// hashes of phone and e-mail for exact lookups.
/// </summary>
public sealed class SupplierPrivacy(PersonalDataProtector protector)
{
    private const string NamePurpose = "procurement.supplier.contact.name";
    private const string PhonePurpose = "procurement.supplier.contact.phone";
    private const string EmailPurpose = "procurement.supplier.contact.email";
    private const string AddressPurpose = "procurement.supplier.contact.address";

    public ProtectedContact Protect(SupplierContactDto? contact, string tenant) => contact is null
        ? new ProtectedContact()
        : new ProtectedContact
        {
            Name = Protect(contact.Name, tenant, NamePurpose),
            Phone = Protect(contact.Phone, tenant, PhonePurpose),
            Email = Protect(contact.Email, tenant, EmailPurpose),
            Address = contact.Address is null ? null : protector.Protect(JsonSerializer.Serialize(Trimmed(contact.Address), TesseraJson.Options), tenant, AddressPurpose),
            PhoneIndex = contact.Phone is { Length: > 0 } phone && !string.IsNullOrWhiteSpace(phone) ? PhoneIndex(phone, tenant) : null,
            EmailIndex = contact.Email is { Length: > 0 } email && !string.IsNullOrWhiteSpace(email) ? EmailIndex(email, tenant) : null,
        };

    public SupplierContactDto Reveal(ProtectedContact contact, string tenant) => new(
        Reveal(contact.Name, tenant, NamePurpose),
        Reveal(contact.Phone, tenant, PhonePurpose),
        Reveal(contact.Email, tenant, EmailPurpose),
        contact.Address is null ? null : JsonSerializer.Deserialize<SupplierAddressDto>(protector.Unprotect(contact.Address, tenant, AddressPurpose), TesseraJson.Options));

    /// <summary>
    /// Re-encrypts the contact with the current key (key rotation). The keyed hashes stay as they are: they use the index
    /// key, which is not rotated. Returns false when every field was on the current key already.
    /// </summary>
    public bool Reencrypt(Supplier supplier)
    {
        if (KeyVersionsOf(supplier.Contact).All(v => v == protector.CurrentKeyVersion))
            return false;
        supplier.Contact = Protect(Reveal(supplier.Contact, supplier.TenantId), supplier.TenantId);
        return true;
    }

    /// <summary>The key version of each protected field of a contact (none for a supplier without contact details).</summary>
    public static IEnumerable<int> KeyVersionsOf(ProtectedContact contact) =>
        new[] { contact.Name, contact.Phone, contact.Email, contact.Address }.OfType<string>().Select(PersonalDataProtector.KeyVersionOf);

    public string PhoneIndex(string phone, string tenant) => protector.BlindIndex(PersonalDataProtector.NormalizePhone(phone), tenant, PhonePurpose);

    public string EmailIndex(string email, string tenant) => protector.BlindIndex(PersonalDataProtector.NormalizeEmail(email), tenant, EmailPurpose);

    private string? Protect(string? value, string tenant, string purpose) =>
        string.IsNullOrWhiteSpace(value) ? null : protector.Protect(value.Trim(), tenant, purpose);

    private string? Reveal(string? value, string tenant, string purpose) =>
        value is null ? null : protector.Unprotect(value, tenant, purpose);

    private static SupplierAddressDto Trimmed(SupplierAddressDto a) => new(
        a.Line1.Trim(), Blank(a.Line2), Blank(a.Ward), Blank(a.District), Blank(a.City), Blank(a.Province), Blank(a.PostalCode), a.Country.Trim());

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
