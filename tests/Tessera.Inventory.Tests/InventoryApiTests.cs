using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Inventory.Contracts;
using Tessera.Inventory.Data;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Inventory.Tests;

public sealed class InventoryApiTests(InventoryFactory factory) : IClassFixture<InventoryFactory>
{
    private const string Tenant = "acme";
    private readonly HttpClient _admin = factory.ClientFor(Tenant);

    private string KnownSku() => factory.Catalog.Add();

    private async Task<string> NewWarehouse(HttpClient? client = null)
    {
        var code = "WH" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        (await (client ?? _admin).PostJsonAsync("/api/inventory/warehouses", new { code, name = "Warehouse " + code })).StatusCode.ShouldBe(HttpStatusCode.Created);
        return code;
    }

    private Task<List<StockDto>?> Stock(string sku, HttpClient? client = null) =>
        (client ?? _admin).GetFromJsonAsync<List<StockDto>>($"/api/inventory/stock?sku={sku}", TesseraJson.Options);

    [Fact]
    public async Task Warehouse_codes_are_unique_per_tenant_and_case_insensitive()
    {
        var code = await NewWarehouse();

        var duplicate = await _admin.PostJsonAsync("/api/inventory/warehouses", new { code = code.ToLowerInvariant(), name = "Again" });
        var elsewhere = await factory.ClientFor("globex").PostJsonAsync("/api/inventory/warehouses", new { code, name = "Theirs" });
        var invalid = await _admin.PostJsonAsync("/api/inventory/warehouses", new { code = "has space", name = "" });

        duplicate.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        elsewhere.StatusCode.ShouldBe(HttpStatusCode.Created);
        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await invalid.ProblemAsync()).ErrorFields().ShouldBe(["code", "name"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_receipt_raises_on_hand_and_value_and_records_purchase_in_movements()
    {
        var warehouse = await NewWarehouse();
        var sku = KnownSku();

        var first = await _admin.PostJsonAsync("/api/inventory/receipts", new { warehouse, lines = new[] { new { sku, quantity = 10m, unitCost = 100m } } });
        var second = await _admin.PostJsonAsync("/api/inventory/receipts", new { warehouse, reference = "PO-7", lines = new[] { new { sku, quantity = 10m, unitCost = 130m } } });

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        second.StatusCode.ShouldBe(HttpStatusCode.Created);
        var stock = (await Stock(sku))!.ShouldHaveSingleItem();
        (stock.Warehouse, stock.OnHand, stock.Reserved, stock.Available, stock.AverageCost, stock.Value)
            .ShouldBe((warehouse, 20m, 0m, 20m, 115m, 2300m));

        var movements = await _admin.GetFromJsonAsync<PagedResult<MovementDto>>($"/api/inventory/movements?sku={sku}", TesseraJson.Options);
        movements!.Items.Select(m => (m.Type, m.Quantity, m.UnitCost)).ShouldBe([("purchase-in", 10m, 130m), ("purchase-in", 10m, 100m)]);
        (await factory.PublishedAsync<StockReceived>()).Count(e => e.Lines.Any(l => l.Sku == sku)).ShouldBe(2);
    }

    [Fact]
    public async Task A_receipt_names_an_unknown_warehouse_and_each_unknown_sku()
    {
        var warehouse = await NewWarehouse();
        var known = KnownSku();

        var noWarehouse = await _admin.PostJsonAsync("/api/inventory/receipts", new { warehouse = "NOWHERE", lines = new[] { new { sku = known, quantity = 1m, unitCost = 1m } } });
        var unknownSkus = await _admin.PostJsonAsync("/api/inventory/receipts", new
        {
            warehouse,
            lines = new[] { new { sku = known, quantity = 1m, unitCost = 1m }, new { sku = "GHOST-1", quantity = 1m, unitCost = 1m } },
        });
        var badLine = await _admin.PostJsonAsync("/api/inventory/receipts", new { warehouse, lines = new[] { new { sku = known, quantity = 0m, unitCost = -5m } } });

        (await noWarehouse.ProblemAsync()).ErrorFields().ShouldBe(["warehouse"]);
        (await unknownSkus.ProblemAsync()).ErrorFields().ShouldBe(["lines[1].sku"]);
        (await badLine.ProblemAsync()).ErrorFields().ShouldBe(["lines[0].quantity", "lines[0].unitCost"], ignoreOrder: true);
        (await Stock(known))!.ShouldBeEmpty();
    }

    [Fact]
    public async Task With_the_catalog_down_a_receipt_is_refused_with_503_naming_it_and_nothing_is_saved()
    {
        var warehouse = await NewWarehouse();
        var sku = KnownSku();
        factory.Catalog.Down = true;
        try
        {
            var response = await _admin.PostJsonAsync("/api/inventory/receipts", new { warehouse, lines = new[] { new { sku, quantity = 1m, unitCost = 1m } } });

            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await response.ProblemAsync()).GetProperty("title").GetString().ShouldBe("Catalog is unavailable");
        }
        finally
        {
            factory.Catalog.Down = false;
        }
        (await Stock(sku))!.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_repeated_receipt_with_the_same_idempotency_key_is_received_once()
    {
        var warehouse = await NewWarehouse();
        var sku = KnownSku();
        var body = new { warehouse, lines = new[] { new { sku, quantity = 4m, unitCost = 10m } } };

        var first = await _admin.PostJsonAsync("/api/inventory/receipts", body, "receipt-key-1");
        var again = await _admin.PostJsonAsync("/api/inventory/receipts", body, "receipt-key-1");

        (await again.ReadAsync<ReceiptDto>()).Id.ShouldBe((await first.ReadAsync<ReceiptDto>()).Id);
        (await Stock(sku))!.Single().OnHand.ShouldBe(4m);
    }

    [Fact]
    public async Task Stock_and_warehouses_of_another_tenant_are_invisible()
    {
        var warehouse = await NewWarehouse();
        var sku = KnownSku();
        await _admin.PostJsonAsync("/api/inventory/receipts", new { warehouse, lines = new[] { new { sku, quantity = 3m, unitCost = 1m } } });
        var other = factory.ClientFor("globex");

        (await Stock(sku, other))!.ShouldBeEmpty();
        (await other.GetAsync($"/api/inventory/warehouses/{warehouse}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.GetFromJsonAsync<List<WarehouseDto>>("/api/inventory/warehouses", TesseraJson.Options))!.ShouldNotContain(w => w.Code == warehouse);
        var receipt = await other.PostJsonAsync("/api/inventory/receipts", new { warehouse, lines = new[] { new { sku, quantity = 1m, unitCost = 1m } } });
        (await receipt.ProblemAsync()).ErrorFields().ShouldBe(["warehouse"]);
    }

    [Fact]
    public async Task Only_warehouse_staff_receive_goods()
    {
        var warehouse = await NewWarehouse();
        var body = new { warehouse, lines = new[] { new { sku = KnownSku(), quantity = 1m, unitCost = 1m } } };

        (await factory.ClientFor(Tenant, "sales").PostJsonAsync("/api/inventory/receipts", body)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await factory.ClientFor(Tenant, "warehouse").PostJsonAsync("/api/inventory/receipts", body)).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_schema_created_by_the_migrations_matches_the_model()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        SchemaAssert.MatchesModel(scope.ServiceProvider.GetRequiredService<InventoryDbContext>());
    }
}
