using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Contracts;
using Tessera.Orders.Privacy;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;
using Tessera.Testing;

namespace Tessera.Orders.Tests;

public sealed class KeyRotationTests(ArchivingOrdersFactory factory) : IClassFixture<ArchivingOrdersFactory>
{
    private const string Tenant = "rotation";
    private readonly HttpClient _operator = factory.ClientFor(Tenant, "admin", "operator");

    private async Task<Guid> Place(string name, bool cancel = false)
    {
        var order = await (await _operator.PostJsonAsync("/api/orders", new
        {
            channel = "web",
            customer = new { name, phone = "0911222333", email = "rot@example.vn" },
            shipping = new { consignee = name, address = new { line1 = "1 Nguyễn Huệ", country = "VN" } },
            lines = new[] { new { sku = factory.Catalog.Add(), quantity = 1m, unitPrice = 10m } },
            operational = new { notes = "ring " + name },
        })).ReadAsync<OrderCreatedDto>();
        if (cancel)
            (await _operator.PostJsonAsync($"/api/orders/{order.Id}/cancel", new { reason = "to the archive" })).EnsureSuccessStatusCode();
        return order.Id;
    }

    private async Task<OrderDto> Read(Guid id) => (await _operator.GetFromJsonAsync<OrderDto>($"/api/orders/{id}", TesseraJson.Options))!;

    [Fact]
    public async Task After_a_rotation_new_writes_use_the_new_key_old_orders_stay_readable_and_are_re_encrypted()
    {
        var archivedBefore = await Place("Archived Before", cancel: true);
        var liveBefore = await Place("Live Before");
        await Poll.UntilAsync(() => factory.QueryAsync(null, db => db.Orders.IgnoreQueryFilters().AnyAsync(o => o.Id == archivedBefore)), live => !live,
            "the cancelled order to be archived");

        var rotated = await (await _operator.PostAsync("/api/orders/personal-data/rotate-key", null)).ReadAsync<PersonalDataStatusDto>();
        var after = await Place("Live After");

        var afterRow = await factory.QueryAsync(null, db => db.Orders.IgnoreQueryFilters().SingleAsync(o => o.Id == after));
        PersonalDataProtector.KeyVersionOf(afterRow.Customer.Name).ShouldBe(rotated.CurrentKeyVersion);
        (await Read(liveBefore)).Customer.Name.ShouldBe("Live Before");
        (await Read(archivedBefore)).Shipping!.Consignee.ShouldBe("Archived Before");

        var done = await Poll.UntilAsync(async () => await (await _operator.GetAsync("/api/orders/personal-data")).ReadAsync<PersonalDataStatusDto>(),
            status => status.ReencryptionDone, "every order to be re-encrypted with the new key");
        done.Usage.ShouldAllBe(u => u.KeyVersion == rotated.CurrentKeyVersion);
        var reread = await Read(liveBefore);
        (reread.Customer.Name, reread.Customer.Phone, reread.Operational!.Notes, reread.Shipping!.Address!.Line1)
            .ShouldBe(("Live Before", "0911222333", "ring Live Before", "1 Nguyễn Huệ"));
        (await Read(archivedBefore)).Customer.Email.ShouldBe("rot@example.vn");
        // The customers of the master are re-encrypted too, and still found by name and phone.
        await Poll.UntilAsync(() => factory.QueryAsync(null, db => db.Customers.IgnoreQueryFilters().Select(c => c.Name).ToListAsync()),
            names => names.All(n => PersonalDataProtector.KeyVersionOf(n) == rotated.CurrentKeyVersion), "every customer to be re-encrypted with the new key");
        var customer = (await _operator.GetFromJsonAsync<Tessera.ServiceDefaults.Api.PagedResult<CustomerDetailsDto>>("/api/orders/customers?q=0911222333",
            TesseraJson.Options))!.Items.ShouldHaveSingleItem();
        // The three orders share one phone, so they attached to the customer the first of them created.
        customer.Name.ShouldBe("Archived Before");
        // The phone is still found: blind indexes do not depend on the rotated key.
        (await _operator.GetFromJsonAsync<OrderSearchPageDto>("/api/orders/search?phone=0911222333&includeArchived=true", TesseraJson.Options))!
            .Items.Select(o => o.Id).ShouldContain(liveBefore);
    }

    [Fact]
    public async Task Only_operators_rotate_keys()
    {
        var admin = factory.ClientFor(Tenant, "admin");

        (await admin.PostAsync("/api/orders/personal-data/rotate-key", null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
