using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Catalog.Contracts;
using Tessera.Catalog.Data;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Catalog.Tests;

public sealed class ProductApiTests(CatalogFactory factory) : IClassFixture<CatalogFactory>
{
    private readonly HttpClient _admin = factory.ClientFor("acme");

    private static object Product(string sku, decimal price = 120000m) =>
        new { sku, name = $"Product {sku}", category = "Beverages", unit = "pcs", price, currency = "VND" };

    private static string NewSku() => "SKU-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    [Fact]
    public async Task A_created_product_can_be_read_back_with_its_etag()
    {
        var sku = NewSku();
        var response = await _admin.PostJsonAsync("/api/catalog/products", Product(sku, 99.5m));

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        response.Headers.Location!.ToString().ShouldBe($"/api/catalog/products/{sku}");
        var created = await response.ReadAsync<ProductDto>();
        created.Sku.ShouldBe(sku);
        created.Price.ShouldBe(99.5m);
        created.Version.ShouldBe(1);

        var read = await _admin.GetAsync($"/api/catalog/products/{sku}");
        read.Headers.ETag!.Tag.ShouldBe("\"1\"");
        (await read.ReadAsync<ProductDto>()).ShouldBe(created);
        (await factory.PublishedAsync<ProductCreated>()).ShouldContain(e => e.Sku == sku && e.ProductId == created.Id);
    }

    [Fact]
    public async Task Invalid_fields_are_each_named_in_the_problem()
    {
        var response = await _admin.PostJsonAsync("/api/catalog/products",
            new { sku = "bad sku!", name = "", category = "Tea", unit = "pcs", price = -1, currency = "dong" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.ProblemAsync();
        problem.ErrorFields().ShouldBe(["sku", "name", "price", "currency"], ignoreOrder: true);
        problem.GetProperty("errors").GetProperty("price")[0].GetString().ShouldBe("'price' must be greater than or equal to '0'.");
    }

    [Fact]
    public async Task A_missing_price_is_an_error_not_zero()
    {
        var response = await _admin.PostJsonAsync("/api/catalog/products", new { sku = NewSku(), name = "x", category = "c", unit = "pcs", currency = "VND" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.ProblemAsync()).ErrorFields().ShouldBe(["price"]);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem_without_a_stack_trace()
    {
        var response = await _admin.PostAsync("/api/catalog/products", new StringContent("{\"sku\": \"A\", \"price\": \"lots\"", null, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldNotContain("   at ");
        (await response.ProblemAsync()).GetProperty("title").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_duplicate_sku_is_a_conflict_naming_it()
    {
        var sku = NewSku();
        (await _admin.PostJsonAsync("/api/catalog/products", Product(sku))).StatusCode.ShouldBe(HttpStatusCode.Created);

        var again = await _admin.PostJsonAsync("/api/catalog/products", Product(sku));

        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await again.ProblemAsync()).GetProperty("sku").GetString().ShouldBe(sku);
    }

    [Fact]
    public async Task The_same_idempotency_key_replays_the_response_and_another_body_is_refused()
    {
        var sku = NewSku();
        var key = Guid.NewGuid().ToString();
        var first = await (await _admin.PostJsonAsync("/api/catalog/products", Product(sku), key)).ReadAsync<ProductDto>();

        var replay = await _admin.PostJsonAsync("/api/catalog/products", Product(sku), key);
        var other = await _admin.PostJsonAsync("/api/catalog/products", Product(NewSku()), key);

        replay.StatusCode.ShouldBe(HttpStatusCode.Created);
        replay.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        (await replay.ReadAsync<ProductDto>()).Id.ShouldBe(first.Id);
        other.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await factory.PublishedAsync<ProductCreated>()).Count(e => e.Sku == sku).ShouldBe(1);
    }

    [Fact]
    public async Task An_update_with_a_stale_etag_is_refused_and_a_current_one_applies()
    {
        var sku = NewSku();
        await _admin.PostJsonAsync("/api/catalog/products", Product(sku));
        var change = new { name = "Renamed", category = "Beverages", unit = "box", price = 150000m, currency = "VND" };

        var first = new HttpRequestMessage(HttpMethod.Put, $"/api/catalog/products/{sku}") { Content = JsonContent.Create(change) };
        first.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var applied = await _admin.SendAsync(first);
        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/catalog/products/{sku}") { Content = JsonContent.Create(change with { }) };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var refused = await _admin.SendAsync(stale);

        applied.StatusCode.ShouldBe(HttpStatusCode.OK);
        var product = await applied.ReadAsync<ProductDto>();
        (product.Name, product.Unit, product.Version).ShouldBe(("Renamed", "box", 2L));
        applied.Headers.ETag!.Tag.ShouldBe("\"2\"");
        refused.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        (await factory.PublishedAsync<ProductChanged>()).ShouldContain(e => e.Sku == sku && e.Version == 2 && e.Name == "Renamed");
    }

    [Fact]
    public async Task Products_come_in_pages_and_in_one_batch_by_skus()
    {
        var prefix = "PG" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var skus = Enumerable.Range(1, 7).Select(i => $"{prefix}-{i:00}").ToList();
        foreach (var sku in skus)
            await _admin.PostJsonAsync("/api/catalog/products", Product(sku));

        var page2 = await _admin.GetFromJsonAsync<PagedResult<ProductDto>>($"/api/catalog/products?search={prefix}&page=2&pageSize=3", TesseraJson.Options);
        var batch = await _admin.GetFromJsonAsync<PagedResult<ProductDto>>($"/api/catalog/products?skus={skus[0]},{skus[6]},NOPE-1", TesseraJson.Options);
        var badPage = await _admin.GetAsync("/api/catalog/products?page=0");

        page2!.Total.ShouldBe(7);
        page2.Items.Select(p => p.Sku).ShouldBe(skus.Skip(3).Take(3));
        batch!.Items.Select(p => p.Sku).ShouldBe([skus[0], skus[6]]);
        badPage.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await badPage.ProblemAsync()).ErrorFields().ShouldBe(["page"]);
    }

    [Fact]
    public async Task Another_tenants_products_are_not_found_anywhere()
    {
        var sku = NewSku();
        await _admin.PostJsonAsync("/api/catalog/products", Product(sku));
        var other = factory.ClientFor("globex");

        (await other.GetAsync($"/api/catalog/products/{sku}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.GetFromJsonAsync<PagedResult<ProductDto>>($"/api/catalog/products?skus={sku}", TesseraJson.Options))!.Items.ShouldBeEmpty();
        (await other.GetFromJsonAsync<PagedResult<ProductDto>>($"/api/catalog/products?search={sku}", TesseraJson.Options))!.Total.ShouldBe(0);
        var put = await other.PutAsJsonAsync($"/api/catalog/products/{sku}", new { name = "x", category = "c", unit = "pcs", price = 1m, currency = "VND" });
        put.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        // globex can own the same SKU independently
        (await other.PostJsonAsync("/api/catalog/products", Product(sku))).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_viewer_may_read_but_not_create()
    {
        var viewer = factory.ClientFor("acme", "viewer");

        (await viewer.PostJsonAsync("/api/catalog/products", Product(NewSku()))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await viewer.GetAsync("/api/catalog/products")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_schema_created_by_the_migrations_matches_the_model()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        SchemaAssert.MatchesModel(scope.ServiceProvider.GetRequiredService<CatalogDbContext>());
    }
}
