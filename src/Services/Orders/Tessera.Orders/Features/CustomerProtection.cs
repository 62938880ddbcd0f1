using Tessera.Orders.Contracts;
using Tessera.Orders.Domain;
using Tessera.ServiceDefaults.Security;

namespace Tessera.Orders.Features;

/// <summary>Turns a customer into what may be stored (ciphertext and blind indexes) and back.</summary>
public sealed class CustomerProtection(PersonalDataProtector protector)
{
    private const string NamePurpose = "orders.customer.name";
    private const string PhonePurpose = "orders.customer.phone";
    private const string EmailPurpose = "orders.customer.email";

    public ProtectedCustomer Protect(CustomerDto customer, string tenant) => new()
    {
        Name = protector.Protect(customer.Name.Trim(), tenant, NamePurpose),
        Phone = customer.Phone is { Length: > 0 } phone ? protector.Protect(phone.Trim(), tenant, PhonePurpose) : null,
        Email = customer.Email is { Length: > 0 } email ? protector.Protect(email.Trim(), tenant, EmailPurpose) : null,
        PhoneIndex = customer.Phone is { Length: > 0 } p ? PhoneIndex(p, tenant) : null,
        EmailIndex = customer.Email is { Length: > 0 } e ? EmailIndex(e, tenant) : null,
    };

    public CustomerDto Reveal(ProtectedCustomer customer, string tenant) => new(
        protector.Unprotect(customer.Name, tenant, NamePurpose),
        customer.Phone is null ? null : protector.Unprotect(customer.Phone, tenant, PhonePurpose),
        customer.Email is null ? null : protector.Unprotect(customer.Email, tenant, EmailPurpose));

    public string PhoneIndex(string phone, string tenant) =>
        protector.BlindIndex(PersonalDataProtector.NormalizePhone(phone), tenant, PhonePurpose);

    public string EmailIndex(string email, string tenant) =>
        protector.BlindIndex(PersonalDataProtector.NormalizeEmail(email), tenant, EmailPurpose);
}
