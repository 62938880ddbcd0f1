using System.Net;
using System.Net.Http.Json;
using Tessera.Catalog.Contracts;
using Tessera.Inventory.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.System.Tests;

[Collection(SystemCollection.Name)]
public sealed class TenancyTests(SystemFixture fixture)
{
    [Fact]
    public async Task A_token_for_tenant_b_gets_404_for_tenant_a_data_and_no_token_gets_401()
    {
        var a = fixture.Api;
        var sku = await a.ProductAsync();
        var warehouse = await a.WarehouseAsync();
        await a.ReceiveAsync(warehouse, sku, 5m);
        var order = await a.PlaceAsync(sku, 1m);
        await a.SettledAsync(order.Id);

        var tenant = "b" + Guid.NewGuid().ToString("N")[..8];
        (await a.Client.PostJsonAsync("/api/tenants", new { id = tenant, name = "Tenant B", admin = new { username = "boss", password = "tenant-b-password" } }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        using var b = await fixture.System.SignInAsync(tenant, "boss", "tenant-b-password");

        (await b.GetAsync($"/api/catalog/products/{sku}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await b.GetFromJsonAsync<PagedResult<ProductDto>>($"/api/catalog/products?skus={sku}", TesseraJson.Options))!.Items.ShouldBeEmpty();
        (await b.GetFromJsonAsync<List<StockDto>>($"/api/inventory/stock?sku={sku}", TesseraJson.Options))!.ShouldBeEmpty();
        (await b.GetAsync($"/api/inventory/warehouses/{warehouse}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await b.GetAsync($"/api/orders/{order.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await b.PostJsonAsync($"/api/orders/{order.Id}/cancel", new { reason = "not mine" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        using var anonymous = new HttpClient { BaseAddress = fixture.System.PublicUrl };
        (await anonymous.GetAsync($"/api/catalog/products/{sku}")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync($"/api/orders/{order.Id}")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
