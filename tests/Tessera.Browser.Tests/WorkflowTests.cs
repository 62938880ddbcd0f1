using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tessera.Orders.Contracts;
using Tessera.Testing;

namespace Tessera.Browser.Tests;

/// <summary>The daily work of the people who run a shop on Tessera, done in the browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WorkflowTests(BrowserFixture fixture)
{
    private Api Api => fixture.Api;

    private async Task<IPage> SignedInAsync(string locale = "en-US")
    {
        var page = await fixture.NewPageAsync(locale);
        await page.SignInAsync();
        return page;
    }

    [Fact]
    public async Task Create_a_product()
    {
        var page = await SignedInAsync();

        await page.StepsAsync(async () =>
        {
            var sku = Api.Unique("TEA");

            await page.GotoAsync("/products");
            await page.GetByTestId("new-product").ClickAsync();
            await page.GetByLabel("SKU").FillAsync(sku);
            await page.GetByLabel("Name").FillAsync("Jasmine tea 250g");
            await page.GetByLabel("Category").FillAsync("Beverages");
            await page.GetByLabel("Price").FillAsync("-5");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create product" }).ClickAsync();
            await Assertions.Expect(page.Locator("[data-field=price]")).ToContainTextAsync("greater than or equal to");

            await page.GetByLabel("Price").FillAsync("65000");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create product" }).ClickAsync();

            await page.WaitForURLAsync(new Regex("/products\\?search="));
            var row = page.GetByTestId("product-table").Locator("tr", new() { HasText = sku });
            await Assertions.Expect(row).ToContainTextAsync("Jasmine tea 250g");
            await Assertions.Expect(row).ToContainTextAsync("₫65,000");
        });
    }

    [Fact]
    public async Task Receive_stock_and_see_it_in_the_composed_stock_list_with_product_names()
    {
        var sku = await Api.ProductAsync("Roasted cashews 500g");
        var warehouse = await Api.WarehouseAsync("Ha Noi DC");
        var page = await SignedInAsync();

        await page.StepsAsync(async () =>
        {
            await page.GotoAsync("/inventory");
            await page.GetByTestId("receive-stock").ClickAsync();
            await page.GetByLabel("Warehouse").SelectOptionAsync(warehouse);
            await page.GetByLabel("SKU").FillAsync(sku);
            await page.GetByLabel("SKU").PressAsync("Tab");
            await Assertions.Expect(page.GetByText("Roasted cashews 500g")).ToBeVisibleAsync();
            await page.GetByLabel("Quantity").FillAsync("25");
            await page.GetByLabel("Unit cost").FillAsync("80000");
            await page.GetByTestId("submit-receipt").ClickAsync();

            await page.WaitForURLAsync(new Regex("/inventory\\?warehouse="));
            var row = page.GetByTestId("stock-table").Locator("tr", new() { HasText = sku });
            await Assertions.Expect(row).ToContainTextAsync("Roasted cashews 500g");
            await Assertions.Expect(row).ToContainTextAsync("Beverages");
            await Assertions.Expect(row).ToContainTextAsync("Ha Noi DC");
            await Assertions.Expect(row.Locator("td").Nth(4)).ToHaveTextAsync("25");
        });
    }

    [Fact]
    public async Task The_stock_list_composes_names_from_the_catalog_and_warehouses_from_inventory()
    {
        var prefix = Api.Unique("MIX");
        var first = await Api.ProductAsync("Coconut water 330ml", sku: prefix + "-1");
        var second = await Api.ProductAsync("Dried mango 200g", sku: prefix + "-2");
        var hcm = await Api.WarehouseAsync("Ho Chi Minh City DC");
        var dn = await Api.WarehouseAsync("Da Nang hub");
        await Api.ReceiveAsync(hcm, first, 40);
        await Api.ReceiveAsync(dn, first, 3);
        await Api.ReceiveAsync(dn, second, 12);
        var page = await SignedInAsync();

        await page.StepsAsync(async () =>
        {
            await page.GotoAsync($"/inventory?sku={prefix}");

            var rows = page.GetByTestId("stock-table").Locator("tbody tr");
            await Assertions.Expect(rows).ToHaveCountAsync(3);
            await Assertions.Expect(rows.Filter(new() { HasText = "Ho Chi Minh City DC" })).ToContainTextAsync("Coconut water 330ml");
            await Assertions.Expect(rows.Filter(new() { HasText = second })).ToContainTextAsync("Dried mango 200g");
            await page.GetByLabel("Only low stock").CheckAsync();
            await Assertions.Expect(rows).ToHaveCountAsync(1);
            await Assertions.Expect(rows.First).ToContainTextAsync("Da Nang hub");
        });
    }

    [Fact]
    public async Task Place_an_order_and_see_it_confirmed_with_its_reservation()
    {
        var sku = await Api.ProductAsync("Green tea 500g", 120000m);
        var warehouse = await Api.WarehouseAsync();
        await Api.ReceiveAsync(warehouse, sku, 10);
        var page = await SignedInAsync();

        await page.StepsAsync(async () =>
        {
            await page.GotoAsync("/orders");
            await page.GetByTestId("place-order").ClickAsync();
            await page.GetByLabel("Name").FillAsync("Nguyễn Văn An");
            await page.GetByLabel("Phone").FillAsync("0901234567");
            await page.GetByLabel("SKU").FillAsync(sku);
            await page.GetByLabel("SKU").PressAsync("Tab");
            await Assertions.Expect(page.GetByLabel("Unit price")).ToHaveValueAsync("120000");
            await page.GetByLabel("Quantity").FillAsync("3");
            await page.GetByTestId("submit-order").ClickAsync();

            await page.WaitForURLAsync(new Regex("/orders/[0-9a-f-]{36}$"));
            await Assertions.Expect(page.GetByTestId("order-status")).ToHaveTextAsync("Confirmed", new() { Timeout = 20_000 });
            await Assertions.Expect(page.GetByTestId("order-timeline")).ToContainTextAsync("Reserved in " + warehouse);
            await Assertions.Expect(page.GetByTestId("reservations")).ToContainTextAsync(warehouse);
            await Assertions.Expect(page.GetByTestId("order-total")).ToHaveTextAsync("₫360,000");
        });
    }

    [Fact]
    public async Task An_order_form_with_mistakes_shows_each_one_beside_its_field()
    {
        var page = await SignedInAsync();

        await page.StepsAsync(async () =>
        {
            await page.GotoAsync("/orders/new");
            await page.GetByLabel("SKU").FillAsync("NO-SUCH-SKU");
            await page.GetByLabel("Quantity").FillAsync("1");
            await page.GetByLabel("Unit price").FillAsync("10");
            await page.GetByTestId("submit-order").ClickAsync();

            await Assertions.Expect(page.Locator("[data-field='customer.name']")).ToBeVisibleAsync();
            await page.GetByLabel("Name").FillAsync("Lê Minh");
            await page.GetByTestId("submit-order").ClickAsync();
            await Assertions.Expect(page.Locator("[data-field='lines[0].sku']")).ToContainTextAsync("Unknown SKU 'NO-SUCH-SKU'");
        });
    }

    [Fact]
    public async Task Cancel_an_order_and_see_the_stock_released()
    {
        var sku = await Api.ProductAsync("Sunscreen SPF50");
        var warehouse = await Api.WarehouseAsync();
        await Api.ReceiveAsync(warehouse, sku, 10);
        var order = await Api.PlaceAsync(sku, 4);
        (await Api.SettledAsync(order.Id)).Status.ShouldBe(OrderStatus.Confirmed);
        var page = await SignedInAsync();

        await page.StepsAsync(async () =>
        {
            await page.GotoAsync($"/orders/{order.Id}");
            await page.GetByLabel("Reason").FillAsync("Customer changed their mind");
            await page.GetByTestId("cancel-order").ClickAsync();

            await Assertions.Expect(page.GetByTestId("order-status")).ToHaveTextAsync("Cancelled");
            await Assertions.Expect(page.GetByTestId("order-timeline")).ToContainTextAsync("Customer changed their mind");
            await Poll.UntilAsync(() => Api.StockAsync(sku, warehouse), s => s.Reserved == 0, "the reservation to be released");
            await page.GotoAsync($"/inventory?sku={sku}");
            var row = page.GetByTestId("stock-table").Locator("tbody tr").First;
            await Assertions.Expect(row.Locator("td").Nth(5)).ToHaveTextAsync("0");
            await Assertions.Expect(row.Locator("td").Nth(6)).ToHaveTextAsync("10");
        });
    }

    [Fact]
    public async Task Numbers_money_and_dates_follow_the_chosen_language()
    {
        var sku = await Api.ProductAsync("Phone charger 20W", 1234500m);
        var warehouse = await Api.WarehouseAsync();
        await Api.ReceiveAsync(warehouse, sku, 1500);
        var page = await SignedInAsync();

        await page.StepsAsync(async () =>
        {
            await page.GotoAsync($"/inventory?sku={sku}");
            await Assertions.Expect(page.GetByTestId("stock-table").Locator("tbody tr td").Nth(4)).ToHaveTextAsync("1,500");
            // The language is chosen in the user's menu.
            await page.GetByTestId("signed-in-as").ClickAsync();
            await page.GetByTestId("language-vi-VN").ClickAsync();
            await Assertions.Expect(page.GetByTestId("stock-table").Locator("tbody tr td").Nth(4)).ToHaveTextAsync("1.500");
            await page.GotoAsync($"/products?search={sku}");
            await Assertions.Expect(page.GetByTestId("product-table")).ToContainTextAsync("1.234.500 ₫");
        });
    }
}
