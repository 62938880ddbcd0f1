using System.Globalization;
using System.Text;
using System.Text.Json;
using Tessera.Orders.Contracts;
using Tessera.Orders.Domain;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;

namespace Tessera.Orders.Customers;

/// <summary>
/// A customer's personal data in and out, encrypted like an order's. Name, phone and e-mail use the same purposes as an
/// order's customer, so the keyed hashes of a phone are the same in both and an order's encrypted contact can become a
/// customer's as it is.
/// </summary>
public sealed class CustomerPrivacy(PersonalDataProtector protector)
{
    public const string NamePurpose = "orders.customer.name";
    public const string PhonePurpose = "orders.customer.phone";
    public const string EmailPurpose = "orders.customer.email";
    private const string NotesPurpose = "orders.customer.notes";
    private const string AddressesPurpose = "orders.customer.addresses";
    private const string NameTokenPurpose = "orders.customer.name-token";

    public void Protect(Customer customer, string name, string? phone, string? email, string? notes, IReadOnlyList<CustomerAddressDto> addresses)
    {
        var tenant = customer.TenantId;
        customer.Name = protector.Protect(name.Trim(), tenant, NamePurpose);
        customer.Phone = Blank(phone) is { } p ? protector.Protect(p, tenant, PhonePurpose) : null;
        customer.Email = Blank(email) is { } e ? protector.Protect(e, tenant, EmailPurpose) : null;
        customer.PhoneIndex = Blank(phone) is { } ph ? PhoneIndex(ph, tenant) : null;
        customer.EmailIndex = Blank(email) is { } em ? EmailIndex(em, tenant) : null;
        customer.Notes = Blank(notes) is { } n ? protector.Protect(n, tenant, NotesPurpose) : null;
        customer.Addresses = addresses.Count == 0 ? null : protector.Protect(JsonSerializer.Serialize(addresses, TesseraJson.Options), tenant, AddressesPurpose);
    }

    public string Name(Customer customer) => protector.Unprotect(customer.Name, customer.TenantId, NamePurpose);

    public CustomerDetailsDto Reveal(Customer customer, CustomerStatsDto? stats = null) => new(
        customer.Id, customer.Number, Name(customer),
        customer.Phone is null ? null : protector.Unprotect(customer.Phone, customer.TenantId, PhonePurpose),
        customer.Email is null ? null : protector.Unprotect(customer.Email, customer.TenantId, EmailPurpose),
        customer.Reference,
        customer.Notes is null ? null : protector.Unprotect(customer.Notes, customer.TenantId, NotesPurpose),
        Addresses(customer), customer.MergedInto, customer.CreatedAt, customer.Version, stats);

    public IReadOnlyList<CustomerAddressDto> Addresses(Customer customer) => customer.Addresses is null
        ? []
        : JsonSerializer.Deserialize<List<CustomerAddressDto>>(protector.Unprotect(customer.Addresses, customer.TenantId, AddressesPurpose), TesseraJson.Options) ?? [];

    public string PhoneIndex(string phone, string tenant) => protector.BlindIndex(PersonalDataProtector.NormalizePhone(phone), tenant, PhonePurpose);

    public string EmailIndex(string email, string tenant) => protector.BlindIndex(PersonalDataProtector.NormalizeEmail(email), tenant, EmailPurpose);

    /// <summary>The keyed hash of each word of a name, without diacritics and case: what a name search looks up.</summary>
    public IReadOnlyList<string> NameTokens(string name, string tenant) =>
        Words(name).Select(w => protector.BlindIndex(w, tenant, NameTokenPurpose)).Distinct().ToList();

    /// <summary>"Trần Thị Bình" → tran, thi, binh.</summary>
    public static IEnumerable<string> Words(string text)
    {
        var folded = new StringBuilder(text.Length);
        foreach (var c in text.Replace('đ', 'd').Replace('Đ', 'D').Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
                continue;
            folded.Append(char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ');
        }
        return folded.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Re-encrypts a customer under the current key (key rotation); false when it was already.</summary>
    public bool Reencrypt(Customer customer)
    {
        if (PersonalDataProtector.KeyVersionOf(customer.Name) == protector.CurrentKeyVersion)
            return false;
        var revealed = Reveal(customer);
        Protect(customer, revealed.Name, revealed.Phone, revealed.Email, revealed.Notes, revealed.Addresses);
        return true;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
