using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Procurement.Contracts;
using Tessera.Procurement.Features;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;
using Tessera.Testing;

namespace Tessera.Procurement.Tests;

/// <summary>Supplier contacts follow a personal data key rotation like customers' do in the order center.</summary>
public sealed class ContactKeyRotationTests(ProcurementFactory factory) : IClassFixture<ProcurementFactory>
{
    private readonly Buyer _buyer = new(factory, "rotation");
    private readonly HttpClient _operator = factory.ClientFor("rotation", "admin", "operator");

    private static object Contact(string name, string phone) =>
        new { name, phone, email = $"{phone}@example.vn", address = new { line1 = "7 Lê Lợi", city = "Huế", country = "VN" } };

    private async Task<ContactKeysStatusDto> StatusAsync() =>
        (await _operator.GetFromJsonAsync<ContactKeysStatusDto>("/api/procurement/personal-data", TesseraJson.Options))!;

    private Task<Domain.ProtectedContact> StoredAsync(Guid id) =>
        factory.QueryAsync(null, db => db.Suppliers.IgnoreQueryFilters().Where(s => s.Id == id).Select(s => s.Contact).SingleAsync());

    [Fact]
    public async Task After_a_rotation_old_contacts_stay_readable_new_ones_use_the_new_key_and_all_are_re_encrypted_without_a_new_version()
    {
        var before = await _buyer.SupplierAsync(contact: Contact("Trần Thị Hoa", "0905111222"));
        var withoutContact = await _buyer.SupplierAsync();
        var oldKey = (await StatusAsync()).CurrentKeyVersion;
        SupplierPrivacy.KeyVersionsOf(await StoredAsync(before.Id)).ShouldAllBe(v => v == oldKey);

        var newKey = factory.Services.GetRequiredService<PersonalDataKeyRing>().Rotate();
        var after = await _buyer.SupplierAsync(contact: Contact("Phạm Văn Nam", "0905333444"));

        newKey.ShouldBeGreaterThan(oldKey);
        SupplierPrivacy.KeyVersionsOf(await StoredAsync(after.Id)).ShouldAllBe(v => v == newKey);
        (await _buyer.GetAsync<SupplierDto>($"/api/procurement/suppliers/{before.Id}")).Contact.Name.ShouldBe("Trần Thị Hoa");

        var done = await Poll.UntilAsync(StatusAsync, s => s.ReencryptionDone, "every supplier contact to be re-encrypted with the new key");
        done.CurrentKeyVersion.ShouldBe(newKey);
        done.Usage.ShouldAllBe(u => u.KeyVersion == newKey);
        done.Usage.Sum(u => u.Suppliers).ShouldBe(2, "the supplier without contact details is not counted");
        SupplierPrivacy.KeyVersionsOf(await StoredAsync(before.Id)).ToList().ShouldBe([newKey, newKey, newKey, newKey]);
        var reread = await _buyer.GetAsync<SupplierDto>($"/api/procurement/suppliers/{before.Id}");
        (reread.Contact.Name, reread.Contact.Phone, reread.Contact.Address!.City, reread.Version)
            .ShouldBe(("Trần Thị Hoa", "0905111222", "Huế", before.Version), "a technical re-encryption leaves the version (ETag) alone");
        (await _buyer.GetAsync<SupplierDto>($"/api/procurement/suppliers/{withoutContact.Id}")).Contact.Name.ShouldBeNull();
        // Exact lookups still find it: the keyed hashes do not depend on the rotated key.
        (await _buyer.PageAsync<SupplierDto>("/api/procurement/suppliers?phone=0905111222")).Items.ShouldHaveSingleItem().Id.ShouldBe(before.Id);
    }

    [Fact]
    public async Task Only_operators_see_the_key_status()
    {
        (await _buyer.Client.GetAsync("/api/procurement/personal-data")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
