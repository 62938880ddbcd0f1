using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Orders.Tests;

/// <summary>The customer master: create, find by name, phone or e-mail, orders attach to it, merge duplicates, history and lifetime value.</summary>
public sealed class CustomerTests(OrdersFactory factory) : IClassFixture<OrdersFactory>
{
    private readonly string _tenant = "customers-" + Guid.NewGuid().ToString("N")[..6];
    private HttpClient Client => factory.ClientFor(_tenant, "sales");

    private async Task<CustomerDetailsDto> CreateAsync(string name, string? phone = null, string? email = null, object[]? addresses = null)
    {
        var response = await Client.PostJsonAsync("/api/orders/customers", new { name, phone, email, addresses }, Guid.NewGuid().ToString());
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<CustomerDetailsDto>();
    }

    private async Task<OrderCreatedDto> PlaceAsync(string sku, object customer, Guid? customerId = null, decimal price = 100000m)
    {
        var response = await Client.PostJsonAsync("/api/orders", new
        {
            channel = "web", customer, customerId, lines = new[] { new { sku, quantity = 1m, unitPrice = price } },
        }, Guid.NewGuid().ToString());
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<OrderCreatedDto>();
    }

    private async Task<PagedResult<CustomerDetailsDto>> FindAsync(string query) =>
        (await Client.GetFromJsonAsync<PagedResult<CustomerDetailsDto>>("/api/orders/customers?" + query, TesseraJson.Options))!;

    [Fact]
    public async Task A_customer_is_found_by_any_word_of_its_name_without_diacritics_by_phone_and_by_e_mail_and_nothing_is_stored_in_plain_text()
    {
        var created = await CreateAsync("Trần Thị Bình", "0912 345 678", "Binh.Tran@Example.vn",
            [new { label = "Nhà", address = new { city = "Hà Nội", province = "Hà Nội", country = "VN" } }]);
        created.Number.ShouldBeGreaterThan(0);

        (await FindAsync("q=binh")).Items.ShouldContain(c => c.Id == created.Id);
        (await FindAsync("q=" + Uri.EscapeDataString("trần bình"))).Items.ShouldContain(c => c.Id == created.Id);
        (await FindAsync("q=" + Uri.EscapeDataString("tran an"))).Items.ShouldNotContain(c => c.Id == created.Id);
        (await FindAsync("q=0912345678")).Items.ShouldHaveSingleItem().Id.ShouldBe(created.Id);
        (await FindAsync("email=binh.tran@example.vn")).Items.ShouldHaveSingleItem().Addresses.Single().Address.City.ShouldBe("Hà Nội");
        (await FindAsync($"q=%23{created.Number}")).Items.ShouldHaveSingleItem();

        var stored = await factory.QueryAsync(null, db => db.Customers.IgnoreQueryFilters().AsNoTracking().SingleAsync(c => c.Id == created.Id));
        new[] { stored.Name, stored.Phone, stored.Email, stored.Addresses }.ShouldAllBe(v => v!.StartsWith("pd1."));
    }

    [Fact]
    public async Task The_answer_kept_for_an_idempotency_key_is_encrypted_and_a_retry_gets_it_back_whole()
    {
        var key = Guid.NewGuid().ToString();
        var request = new { name = "Phạm Minh Khôi", phone = "0987 111 222", email = "khoi@example.vn" };
        var first = await Client.PostJsonAsync("/api/orders/customers", request, key);
        first.StatusCode.ShouldBe(HttpStatusCode.Created, await first.Content.ReadAsStringAsync());

        var kept = await factory.QueryAsync(null, db => db.IdempotencyRecords.IgnoreQueryFilters().AsNoTracking()
            .SingleAsync(r => r.Scope == "orders.customers.create" && r.Key == key));
        kept.ResponseBody.ShouldStartWith("pd1.");
        kept.ResponseBody.ShouldNotContain("Khôi");
        kept.ResponseBody.ShouldNotContain("0987");

        var retry = await Client.PostJsonAsync("/api/orders/customers", request, key);
        retry.StatusCode.ShouldBe(HttpStatusCode.Created);
        retry.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        var (created, replayed) = (await first.ReadAsync<CustomerDetailsDto>(), await retry.ReadAsync<CustomerDetailsDto>());
        (replayed.Id, replayed.Name, replayed.Phone).ShouldBe((created.Id, "Phạm Minh Khôi", created.Phone));
    }

    [Fact]
    public async Task Orders_attach_to_the_customer_of_their_phone_or_a_new_one_and_the_history_and_lifetime_value_follow()
    {
        var tea = factory.Catalog.Add("Green tea");
        var first = await PlaceAsync(tea, new { name = "Lê Văn Cường", phone = "0903000111" });
        var second = await PlaceAsync(tea, new { name = "Cường Lê", phone = "090-300-0111" }, price: 50000m);
        var other = await PlaceAsync(tea, new { name = "Lê Văn Cường", email = "cuong@example.vn" });

        var a = (await Client.GetFromJsonAsync<OrderDto>($"/api/orders/{first.Id}", TesseraJson.Options))!;
        var b = (await Client.GetFromJsonAsync<OrderDto>($"/api/orders/{second.Id}", TesseraJson.Options))!;
        var c = (await Client.GetFromJsonAsync<OrderDto>($"/api/orders/{other.Id}", TesseraJson.Options))!;
        b.CustomerId.ShouldBe(a.CustomerId);
        c.CustomerId.ShouldNotBe(a.CustomerId);

        // Picking a customer of the master gives the order its contact.
        var picked = await PlaceAsync(tea, null!, a.CustomerId);
        var p = (await Client.GetFromJsonAsync<OrderDto>($"/api/orders/{picked.Id}", TesseraJson.Options))!;
        (p.CustomerId, p.Customer.Name, p.Customer.Phone).ShouldBe((a.CustomerId, "Lê Văn Cường", "0903000111"));

        var history = await Poll.UntilAsync(
            () => Client.GetFromJsonAsync<OrderSearchPageDto>($"/api/orders/customers/{a.CustomerId}/orders", TesseraJson.Options),
            page => page!.Items.Count == 3, "the customer's three orders in the history");
        history!.Items.Select(o => o.Id).ShouldBe([picked.Id, second.Id, first.Id]);
        var customer = (await Client.GetFromJsonAsync<CustomerDetailsDto>($"/api/orders/customers/{a.CustomerId}", TesseraJson.Options))!;
        customer.Stats!.Orders.ShouldBe(3);
        customer.Stats.LifetimeValue.ShouldBe([new MoneyDto("VND", 250000m)]);

        // Merging the e-mail duplicate brings its order into the history, and its contact fills what the survivor lacked.
        var get = new HttpRequestMessage(HttpMethod.Post, $"/api/orders/customers/{a.CustomerId}/merge")
        {
            Content = JsonContent.Create(new { duplicates = new[] { c.CustomerId } }, options: TesseraJson.Options),
        };
        get.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{customer.Version}\""));
        var merged = await (await Client.SendAsync(get)).ReadAsync<CustomerDetailsDto>();
        merged.Email.ShouldBe("cuong@example.vn");
        merged.Stats!.Orders.ShouldBe(4);
        (await FindAsync("email=cuong@example.vn")).Items.ShouldHaveSingleItem().Id.ShouldBe(a.CustomerId!.Value);
        (await Client.GetFromJsonAsync<CustomerDetailsDto>($"/api/orders/customers/{c.CustomerId}", TesseraJson.Options))!.MergedInto.ShouldBe(a.CustomerId);
        // A later order of the duplicate's e-mail goes to the survivor.
        var later = await PlaceAsync(tea, new { name = "L. V. Cường", email = "cuong@example.vn" });
        (await Client.GetFromJsonAsync<OrderDto>($"/api/orders/{later.Id}", TesseraJson.Options))!.CustomerId.ShouldBe(a.CustomerId);
    }

    [Fact]
    public async Task Another_tenants_customer_is_not_found_and_a_stale_edit_is_refused()
    {
        var created = await CreateAsync("Võ Thị Sáu", "0904000222");
        (await factory.ClientFor("someone-else", "sales").GetAsync($"/api/orders/customers/{created.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await factory.ClientFor("someone-else", "sales").GetAsync($"/api/orders/customers/{created.Id}/orders")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var edit = new HttpRequestMessage(HttpMethod.Put, $"/api/orders/customers/{created.Id}")
        {
            Content = JsonContent.Create(new { name = "Võ Thị Sáu", phone = "0904000333" }, options: TesseraJson.Options),
        };
        edit.Headers.IfMatch.Add(new EntityTagHeaderValue("\"99\""));
        (await Client.SendAsync(edit)).StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        var ok = new HttpRequestMessage(HttpMethod.Put, $"/api/orders/customers/{created.Id}")
        {
            Content = JsonContent.Create(new { name = "Võ Thị Sáu", phone = "0904000333" }, options: TesseraJson.Options),
        };
        ok.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{created.Version}\""));
        (await (await Client.SendAsync(ok)).ReadAsync<CustomerDetailsDto>()).Phone.ShouldBe("0904000333");
        (await FindAsync("q=0904000222")).Items.ShouldBeEmpty();
        (await FindAsync("q=0904000333")).Items.ShouldHaveSingleItem();
    }
}
