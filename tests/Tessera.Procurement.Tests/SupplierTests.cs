using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Procurement.Contracts;
using Tessera.Procurement.Data;
using Tessera.Testing;

namespace Tessera.Procurement.Tests;

public sealed class SupplierTests(ProcurementFactory factory) : IClassFixture<ProcurementFactory>
{
    private readonly Buyer _buyer = new(factory);

    private static object Contact(string name, string phone, string email) =>
        new { name, phone, email, address = new { line1 = "12 Nguyen Hue", district = "District 1", city = "Ho Chi Minh City", country = "VN" } };

    [Fact]
    public async Task A_supplier_is_created_read_and_found_by_its_contact_phone_or_email_exactly()
    {
        var code = "ACME-" + Guid.NewGuid().ToString("N")[..6];
        var phone = "09" + Random.Shared.Next(10_000_000, 99_999_999);
        var created = await _buyer.SupplierAsync(code, contact: Contact("Le Van Cuong", phone, $"{code}@example.vn"));

        var read = await _buyer.GetAsync<SupplierDto>($"/api/procurement/suppliers/{created.Id}");
        var byPhone = await _buyer.PageAsync<SupplierDto>($"/api/procurement/suppliers?phone={Uri.EscapeDataString(phone[..4] + " " + phone[4..])}");
        var byEmail = await _buyer.PageAsync<SupplierDto>($"/api/procurement/suppliers?email={Uri.EscapeDataString(code.ToUpperInvariant() + "@EXAMPLE.VN ")}");
        var nobody = await _buyer.PageAsync<SupplierDto>("/api/procurement/suppliers?phone=0999999999");

        read.Code.ShouldBe(code.ToUpperInvariant());
        read.Contact.ShouldBe(new SupplierContactDto("Le Van Cuong", phone, $"{code}@example.vn",
            new SupplierAddressDto("12 Nguyen Hue", null, null, "District 1", "Ho Chi Minh City", null, null, "VN")));
        (read.PaymentTermsDays, read.Currency, read.IsActive, read.Version).ShouldBe((30, "VND", true, 1L));
        byPhone.Items.ShouldHaveSingleItem().Id.ShouldBe(created.Id);
        byEmail.Items.ShouldHaveSingleItem().Id.ShouldBe(created.Id);
        nobody.Items.ShouldBeEmpty();
        (await new Buyer(factory, "globex").PageAsync<SupplierDto>($"/api/procurement/suppliers?phone={phone}")).Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task Contact_details_are_never_stored_in_plaintext()
    {
        var supplier = await _buyer.SupplierAsync(contact: Contact("Canary Pham Thi Quokka", "0977123456", "quokka.canary@example.vn"));
        await _buyer.PutAsync($"/api/procurement/suppliers/{supplier.Id}", new
        {
            code = supplier.Code, name = supplier.Name, contact = Contact("Canary Pham Thi Quokka", "0977123456", "quokka.canary@example.vn"),
            paymentTermsDays = 45, currency = "VND",
        }, supplier.Version);

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProcurementDbContext>();
        var bytes = await StoredText.ReadAsync(db);
        bytes.Length.ShouldBeGreaterThan(0);
        bytes.ShouldContain(supplier.Code);
        bytes.ShouldNotContain("Canary Pham");
        bytes.ShouldNotContain("Quokka");
        bytes.ShouldNotContain("0977123456");
        bytes.ShouldNotContain("quokka.canary");
        bytes.ShouldNotContain("Nguyen Hue");
    }

    [Fact]
    public async Task A_change_needs_the_current_etag()
    {
        var supplier = await _buyer.SupplierAsync();
        var body = new { code = supplier.Code, name = "Renamed", paymentTermsDays = 60, currency = "VND", isActive = false };

        var without = await _buyer.PutAsync($"/api/procurement/suppliers/{supplier.Id}", body, null);
        var changed = await _buyer.PutAsync($"/api/procurement/suppliers/{supplier.Id}", body, supplier.Version);
        var stale = await _buyer.PutAsync($"/api/procurement/suppliers/{supplier.Id}", body with { }, supplier.Version);

        without.StatusCode.ShouldBe(HttpStatusCode.PreconditionRequired);
        changed.StatusCode.ShouldBe(HttpStatusCode.OK);
        changed.Headers.ETag!.Tag.ShouldBe("\"2\"");
        var after = await changed.ReadAsync<SupplierDto>();
        (after.Name, after.PaymentTermsDays, after.IsActive, after.Version).ShouldBe(("Renamed", 60, false, 2L));
        stale.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Codes_are_unique_per_tenant_and_requests_are_validated_field_by_field()
    {
        var supplier = await _buyer.SupplierAsync();
        var other = new Buyer(factory, "globex-" + Guid.NewGuid().ToString("N")[..6]);

        var duplicate = await _buyer.Client.PostJsonAsync("/api/procurement/suppliers", new { code = supplier.Code.ToLowerInvariant(), name = "Again" });
        var elsewhere = await other.Client.PostJsonAsync("/api/procurement/suppliers", new { code = supplier.Code, name = "Theirs" });
        var invalid = await _buyer.Client.PostJsonAsync("/api/procurement/suppliers", new
        {
            code = "has space", name = "", currency = "dong", paymentTermsDays = 400,
            contact = new { phone = "12", email = "not-an-email", address = new { line1 = "", country = "Vietnam" } },
        });

        duplicate.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        elsewhere.StatusCode.ShouldBe(HttpStatusCode.Created);
        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await invalid.ProblemAsync()).ErrorFields().ShouldBe(
            ["code", "name", "currency", "paymentTermsDays", "contact.phone", "contact.email", "contact.address.line1", "contact.address.country"], ignoreOrder: true);
    }

    [Fact]
    public async Task Another_tenants_supplier_is_not_found_and_writes_need_the_purchasing_role()
    {
        var supplier = await _buyer.SupplierAsync();
        var other = new Buyer(factory, "initech");
        var viewer = new Buyer(factory, "acme", "viewer");
        var purchasing = new Buyer(factory, "acme", "purchasing");

        (await other.Client.GetAsync($"/api/procurement/suppliers/{supplier.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await viewer.Client.PostJsonAsync("/api/procurement/suppliers", new { code = "VIEW-1", name = "No" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await viewer.Client.GetAsync($"/api/procurement/suppliers/{supplier.Id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await purchasing.Client.PostJsonAsync("/api/procurement/suppliers", new { code = "P-" + Guid.NewGuid().ToString("N")[..6], name = "Yes" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        (await factory.CreateClient().GetAsync("/api/procurement/suppliers")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_list_searches_code_and_name_and_pages()
    {
        var buyer = new Buyer(factory, "list-" + Guid.NewGuid().ToString("N")[..6]);
        foreach (var i in Enumerable.Range(1, 5))
            await buyer.Client.PostJsonAsync("/api/procurement/suppliers", new { code = $"TEA-{i}", name = $"Tea garden {i}" });
        await buyer.Client.PostJsonAsync("/api/procurement/suppliers", new { code = "COF-1", name = "Coffee 100% arabica", isActive = false });

        var page2 = await buyer.PageAsync<SupplierDto>("/api/procurement/suppliers?search=tea&pageSize=2&page=2");
        var byName = await buyer.PageAsync<SupplierDto>("/api/procurement/suppliers?search=GARDEN 3");
        var percent = await buyer.PageAsync<SupplierDto>("/api/procurement/suppliers?search=100%25");
        var inactive = await buyer.PageAsync<SupplierDto>("/api/procurement/suppliers?active=false");
        var badPage = await buyer.Client.GetAsync("/api/procurement/suppliers?page=0");

        page2.Total.ShouldBe(5);
        page2.Items.Select(s => s.Code).ShouldBe(["TEA-3", "TEA-4"]);
        byName.Items.ShouldHaveSingleItem().Code.ShouldBe("TEA-3");
        percent.Items.ShouldHaveSingleItem().Code.ShouldBe("COF-1");
        inactive.Items.ShouldHaveSingleItem().Code.ShouldBe("COF-1");
        (await badPage.ProblemAsync()).ErrorFields().ShouldBe(["page"]);
    }

    [Fact]
    public async Task Creating_with_an_idempotency_key_twice_creates_one_supplier()
    {
        var code = "IDEM-" + Guid.NewGuid().ToString("N")[..6];
        var key = Guid.NewGuid().ToString();

        var first = await _buyer.Client.PostJsonAsync("/api/procurement/suppliers", new { code, name = "Once" }, key);
        var again = await _buyer.Client.PostJsonAsync("/api/procurement/suppliers", new { code, name = "Once" }, key);
        var other = await _buyer.Client.PostJsonAsync("/api/procurement/suppliers", new { code, name = "Different" }, key);

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        again.StatusCode.ShouldBe(HttpStatusCode.Created);
        again.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        (await again.ReadAsync<SupplierDto>()).Id.ShouldBe((await first.ReadAsync<SupplierDto>()).Id);
        other.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task The_schema_created_by_the_migrations_matches_the_model()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        SchemaAssert.MatchesModel(scope.ServiceProvider.GetRequiredService<ProcurementDbContext>());
    }
}
