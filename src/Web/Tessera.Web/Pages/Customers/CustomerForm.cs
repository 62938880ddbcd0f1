using Tessera.Orders.Contracts;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Customers;

/// <summary>A customer as the form edits it: contact, notes, the address book, and one new address to add.</summary>
public sealed class CustomerForm
{
    public string Name { get; set; } = "";
    public string? Phone { get; set; }
    public string? Email { get; set; }
    public string? Reference { get; set; }
    public string? Notes { get; set; }

    /// <summary>The addresses kept (by index in the book as read); the others are removed.</summary>
    public List<int> Keep { get; set; } = [];

    public string? NewLabel { get; set; }
    public string? NewConsignee { get; set; }
    public string? NewPhone { get; set; }
    public string? NewLine1 { get; set; }
    public string? NewWard { get; set; }
    public string? NewDistrict { get; set; }
    public string? NewCity { get; set; }
    public string? NewProvince { get; set; }
    public string NewCountry { get; set; } = "VN";

    public bool HasNewAddress => new[] { NewLine1, NewWard, NewDistrict, NewCity, NewProvince }.Any(v => !string.IsNullOrWhiteSpace(v));

    public static CustomerForm From(CustomerDetailsDto c) => new()
    {
        Name = c.Name, Phone = c.Phone, Email = c.Email, Reference = c.Reference, Notes = c.Notes, Keep = Enumerable.Range(0, c.Addresses.Count).ToList(),
    };

    public CustomerInput ToInput(IReadOnlyList<CustomerAddressDto> book)
    {
        var addresses = book.Where((_, i) => Keep.Contains(i))
            .Select(a => new CustomerAddressInput(a.Label, a.Consignee, a.Phone, new AddressInput(a.Address.Line1, a.Address.Line2, a.Address.Ward,
                a.Address.District, a.Address.City, a.Address.Province, a.Address.PostalCode, a.Address.Country)))
            .ToList();
        if (HasNewAddress)
            addresses.Add(new CustomerAddressInput(Blank(NewLabel), Blank(NewConsignee), Blank(NewPhone),
                new AddressInput(Blank(NewLine1), null, Blank(NewWard), Blank(NewDistrict), Blank(NewCity), Blank(NewProvince), null,
                    (NewCountry ?? "").Trim().ToUpperInvariant())));
        return new CustomerInput(Name, Blank(Phone), Blank(Email), Blank(Reference), Blank(Notes), addresses);
    }

    public static string Format(AddressDto a) =>
        string.Join(", ", new[] { a.Line1, a.Line2, a.Ward, a.District, a.City, a.Province, a.PostalCode }.Where(x => !string.IsNullOrWhiteSpace(x)));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
