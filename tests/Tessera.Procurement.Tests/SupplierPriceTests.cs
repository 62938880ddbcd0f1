using System.Net;
using Tessera.Procurement.Contracts;
using Tessera.Testing;

namespace Tessera.Procurement.Tests;

public sealed class SupplierPriceTests(ProcurementFactory factory) : IClassFixture<ProcurementFactory>
{
    private readonly Buyer _buyer = new(factory);

    [Fact]
    public async Task Prices_are_added_in_one_request_with_one_catalog_call_and_listed_by_sku()
    {
        var supplier = await _buyer.SupplierAsync();
        var skus = Enumerable.Range(0, 3).Select(_ => _buyer.Sku()).ToList();
        var calls = factory.Catalog.Handler.Calls;

        var created = await _buyer.PricesAsync(supplier.Id,
            new { sku = skus[0], unitPrice = 100m, leadTimeDays = 3 },
            new { sku = skus[0], unitPrice = 90m, minQuantity = 100m, leadTimeDays = 3 },
            new { sku = skus[1], unitPrice = 50m, validFrom = "2020-01-01", validTo = "2020-12-31" },
            new { sku = skus[2], unitPrice = 75.5m, preferred = true });

        (factory.Catalog.Handler.Calls - calls).ShouldBe(1);
        created.Count.ShouldBe(4);
        created.ShouldAllBe(p => p.Currency == "VND" && p.SupplierCode == supplier.Code);
        var listed = await _buyer.PageAsync<SupplierPriceDto>($"/api/procurement/supplier-prices?supplierId={supplier.Id}");
        listed.Items.Select(p => (p.Sku, p.UnitPrice, p.MinQuantity)).ShouldBe(
            new[] { (skus[0], 100m, 0m), (skus[0], 90m, 100m), (skus[1], 50m, 0m), (skus[2], 75.5m, 0m) }.OrderBy(p => p.Item1, StringComparer.Ordinal).ThenBy(p => p.Item3));
        var validToday = await _buyer.PageAsync<SupplierPriceDto>($"/api/procurement/supplier-prices?supplierId={supplier.Id}&validOn={DateTime.UtcNow:yyyy-MM-dd}");
        validToday.Items.Select(p => p.Sku).ShouldNotContain(skus[1]);
    }

    [Fact]
    public async Task Unknown_skus_other_currencies_and_overlapping_periods_are_refused_naming_each_price()
    {
        var supplier = await _buyer.SupplierAsync();
        var sku = _buyer.Sku();
        await _buyer.PricesAsync(supplier.Id, new { sku, unitPrice = 10m, validFrom = "2025-01-01", validTo = "2025-06-30" });

        var response = await _buyer.Client.PostJsonAsync($"/api/procurement/suppliers/{supplier.Id}/prices", new
        {
            prices = new object[]
            {
                new { sku = "GHOST-1", unitPrice = 1m },
                new { sku, unitPrice = 1m, currency = "USD" },
                new { sku, unitPrice = 2m, minQuantity = 10m, validFrom = "2025-02-01" },
                new { sku, unitPrice = 3m, minQuantity = 10m, validFrom = "2025-03-01", validTo = "2025-03-31" },
                new { sku, unitPrice = -1m, leadTimeDays = 400, validFrom = "2025-05-01", validTo = "2025-04-01" },
            },
        });
        var overlapping = await _buyer.Client.PostJsonAsync($"/api/procurement/suppliers/{supplier.Id}/prices",
            new { prices = new[] { new { sku, unitPrice = 11m, validFrom = "2025-06-01" } } });
        var afterwards = await _buyer.Client.PostJsonAsync($"/api/procurement/suppliers/{supplier.Id}/prices",
            new { prices = new[] { new { sku, unitPrice = 11m, validFrom = "2025-07-01" } } });

        (await response.ProblemAsync()).ErrorFields().ShouldBe(["prices[4].unitPrice", "prices[4].leadTimeDays", "prices[4].validTo"], ignoreOrder: true);
        var second = await _buyer.Client.PostJsonAsync($"/api/procurement/suppliers/{supplier.Id}/prices", new
        {
            prices = new object[]
            {
                new { sku = "GHOST-1", unitPrice = 1m },
                new { sku, unitPrice = 1m, currency = "USD" },
                new { sku, unitPrice = 2m, minQuantity = 10m, validFrom = "2025-02-01" },
                new { sku, unitPrice = 3m, minQuantity = 10m, validFrom = "2025-03-01", validTo = "2025-03-31" },
            },
        });
        (await second.ProblemAsync()).ErrorFields().ShouldBe(["prices[0].sku", "prices[1].currency", "prices[3].validFrom"], ignoreOrder: true);
        var problem = await overlapping.ProblemAsync();
        problem.ErrorFields().ShouldBe(["prices[0].validFrom"]);
        problem.GetProperty("detail").GetString()!.ShouldContain("2025-01-01 to 2025-06-30");
        afterwards.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task One_price_per_sku_is_preferred_and_changes_need_the_current_etag()
    {
        var sku = _buyer.Sku();
        var first = await _buyer.SupplierAsync();
        var second = await _buyer.SupplierAsync();
        var a = (await _buyer.PricesAsync(first.Id, new { sku, unitPrice = 100m, preferred = true })).Single();
        var b = (await _buyer.PricesAsync(second.Id, new { sku, unitPrice = 120m })).Single();

        var stale = await _buyer.PutAsync($"/api/procurement/supplier-prices/{b.Id}", new { unitPrice = 110m, preferred = true }, b.Version + 1);
        var changed = await _buyer.PutAsync($"/api/procurement/supplier-prices/{b.Id}", new { unitPrice = 110m, leadTimeDays = 2, preferred = true }, b.Version);
        var prices = await _buyer.PageAsync<SupplierPriceDto>($"/api/procurement/supplier-prices?sku={sku}");

        stale.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        changed.StatusCode.ShouldBe(HttpStatusCode.OK);
        prices.Items.Single(p => p.Id == b.Id).ShouldSatisfyAllConditions(p => p.UnitPrice.ShouldBe(110m), p => p.Preferred.ShouldBeTrue(), p => p.Version.ShouldBe(2));
        prices.Items.Single(p => p.Id == a.Id).Preferred.ShouldBeFalse();

        var deleted = await _buyer.SendDeleteAsync($"/api/procurement/supplier-prices/{a.Id}");
        deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await _buyer.Client.GetAsync($"/api/procurement/supplier-prices/{a.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_supplier_cannot_change_currency_while_it_has_prices_in_the_old_one()
    {
        var supplier = await _buyer.SupplierAsync();
        await _buyer.PricesAsync(supplier.Id, new { sku = _buyer.Sku(), unitPrice = 5m });

        var response = await _buyer.PutAsync($"/api/procurement/suppliers/{supplier.Id}", new { code = supplier.Code, name = supplier.Name, currency = "USD" }, supplier.Version);

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await response.ProblemAsync()).GetProperty("detail").GetString()!.ShouldContain("1 price(s) in VND");
    }

    [Fact]
    public async Task Adding_prices_when_the_catalog_is_down_answers_503_and_saves_nothing()
    {
        var supplier = await _buyer.SupplierAsync();
        factory.Catalog.Down = true;
        try
        {
            var response = await _buyer.Client.PostJsonAsync($"/api/procurement/suppliers/{supplier.Id}/prices", new { prices = new[] { new { sku = "ANY", unitPrice = 1m } } });
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await response.ProblemAsync()).GetProperty("title").GetString().ShouldBe("Catalog is unavailable");
        }
        finally
        {
            factory.Catalog.Down = false;
        }
        (await _buyer.PageAsync<SupplierPriceDto>($"/api/procurement/supplier-prices?supplierId={supplier.Id}")).Total.ShouldBe(0);
    }
}
