using System.Text.Json;
using Tessera.Orders.Contracts;
using Tessera.Orders.Domain;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;

namespace Tessera.Orders.Features;

/// <summary>
/// Everything personal on an order — customer, consignee, phones, e-mail, address, notes — is stored encrypted, with
/// keyed hashes of phone and e-mail for exact lookups; this class is the only way in and out.
/// </summary>
public sealed class OrderPrivacy(PersonalDataProtector protector)
{
    private const string NamePurpose = "orders.customer.name";
    private const string PhonePurpose = "orders.customer.phone";
    private const string EmailPurpose = "orders.customer.email";
    private const string ConsigneePurpose = "orders.shipping.consignee";
    private const string ShippingPhonePurpose = "orders.shipping.phone";
    private const string AddressPurpose = "orders.shipping.address";
    private const string NotesPurpose = "orders.notes";

    public ProtectedCustomer Protect(CustomerDto customer, string tenant) => new()
    {
        Name = protector.Protect(customer.Name.Trim(), tenant, NamePurpose),
        Phone = Protect(customer.Phone, tenant, PhonePurpose),
        Email = Protect(customer.Email, tenant, EmailPurpose),
        PhoneIndex = customer.Phone is { Length: > 0 } p ? PhoneIndex(p, tenant) : null,
        EmailIndex = customer.Email is { Length: > 0 } e ? EmailIndex(e, tenant) : null,
        Reference = customer.Reference is { Length: > 0 } reference ? reference.Trim() : null,
    };

    public CustomerDto Reveal(ProtectedCustomer customer, string tenant) => new(
        protector.Unprotect(customer.Name, tenant, NamePurpose),
        Reveal(customer.Phone, tenant, PhonePurpose),
        Reveal(customer.Email, tenant, EmailPurpose),
        customer.Reference);

    public ProtectedShipping Protect(ShippingDto shipping, string tenant) => new()
    {
        Consignee = Protect(shipping.Consignee, tenant, ConsigneePurpose),
        Phone = Protect(shipping.Phone, tenant, ShippingPhonePurpose),
        Address = shipping.Address is null ? null : protector.Protect(JsonSerializer.Serialize(shipping.Address, TesseraJson.Options), tenant, AddressPurpose),
        RequestedDeliveryDate = shipping.RequestedDeliveryDate,
        ServiceLevel = shipping.ServiceLevel,
    };

    public ShippingDto? Reveal(ProtectedShipping shipping, string tenant) =>
        shipping is { Consignee: null, Phone: null, Address: null, RequestedDeliveryDate: null, ServiceLevel: null }
            ? null
            : new ShippingDto(
                Reveal(shipping.Consignee, tenant, ConsigneePurpose),
                Reveal(shipping.Phone, tenant, ShippingPhonePurpose),
                shipping.Address is null ? null : JsonSerializer.Deserialize<AddressDto>(protector.Unprotect(shipping.Address, tenant, AddressPurpose), TesseraJson.Options),
                shipping.RequestedDeliveryDate,
                shipping.ServiceLevel);

    public string? ProtectNotes(string? notes, string tenant) => Protect(notes, tenant, NotesPurpose);

    public string? RevealNotes(string? notes, string tenant) => Reveal(notes, tenant, NotesPurpose);

    public string PhoneIndex(string phone, string tenant) =>
        protector.BlindIndex(PersonalDataProtector.NormalizePhone(phone), tenant, PhonePurpose);

    public string EmailIndex(string email, string tenant) =>
        protector.BlindIndex(PersonalDataProtector.NormalizeEmail(email), tenant, EmailPurpose);

    /// <summary>
    /// Re-encrypts every personal field with the current key (key rotation). Blind indexes do not change: they use
    /// the index key, which is not rotated. Returns false when the order was already on the current key.
    /// </summary>
    public bool Reencrypt(Order order)
    {
        if (!NeedsReencryption(order))
            return false;
        var tenant = order.TenantId;
        order.Customer = Protect(Reveal(order.Customer, tenant), tenant);
        if (Reveal(order.Shipping, tenant) is { } shipping)
            order.Shipping = Protect(shipping, tenant);
        order.Notes = ProtectNotes(RevealNotes(order.Notes, tenant), tenant);
        return true;
    }

    public bool NeedsReencryption(Order order) => PersonalDataProtector.KeyVersionOf(order.Customer.Name) != protector.CurrentKeyVersion;

    private string? Protect(string? value, string tenant, string purpose) =>
        value is { Length: > 0 } ? protector.Protect(value.Trim(), tenant, purpose) : null;

    private string? Reveal(string? value, string tenant, string purpose) =>
        value is null ? null : protector.Unprotect(value, tenant, purpose);
}
