using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tessera.Testing;

namespace Tessera.Browser.Tests;

/// <summary>The warehouse's own work in the browser: moving stock between warehouses, and counting it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class InventoryLedgerTests(BrowserFixture fixture)
{
    private Api Api => fixture.Api;

    private async Task<IPage> SignedInAsync()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync();
        return page;
    }

    [Fact]
    public async Task Transfer_stock_between_warehouses_see_it_in_transit_and_receive_it_in_two_deliveries()
    {
        var sku = await Api.ProductAsync("Oolong tea 200g");
        var from = await Api.WarehouseAsync("Ho Chi Minh City DC");
        var to = await Api.WarehouseAsync("Can Tho store");
        await Api.ReceiveAsync(from, sku, 10);
        var page = await SignedInAsync();

        await page.StepsAsync(async () =>
        {
            await page.GotoAsync("/inventory/transfers");
            await page.GetByTestId("new-transfer").ClickAsync();
            await page.GetByLabel("From warehouse").SelectOptionAsync(from);
            await page.GetByLabel("To warehouse").SelectOptionAsync(to);
            await page.GetByLabel("SKU").FillAsync(sku);
            await page.GetByLabel("SKU").PressAsync("Tab");
            await Assertions.Expect(page.GetByText("Oolong tea 200g", new() { Exact = true })).ToBeVisibleAsync();
            await page.GetByLabel("Quantity").FillAsync("6");
            await page.GetByTestId("create-transfer").ClickAsync();

            await page.WaitForURLAsync(new Regex("/inventory/transfers/[0-9a-f-]{36}$"));
            var transferUrl = page.Url;
            await Assertions.Expect(page.GetByTestId("transfer-status")).ToHaveTextAsync("Draft");
            await page.GetByTestId("ship-transfer").ClickAsync();
            await Assertions.Expect(page.GetByTestId("transfer-status")).ToHaveTextAsync("In transit");
            await Assertions.Expect(page.GetByTestId("line-in-transit")).ToHaveTextAsync("6");

            await page.GotoAsync($"/inventory?sku={sku}");
            var destination = page.GetByTestId("stock-table").Locator("tbody tr", new() { HasText = "Can Tho store" });
            await Assertions.Expect(destination.Locator("td").Nth(4)).ToHaveTextAsync("0");
            await Assertions.Expect(destination.Locator("td").Nth(7)).ToHaveTextAsync("6");
            var source = page.GetByTestId("stock-table").Locator("tbody tr", new() { HasText = "Ho Chi Minh City DC" });
            await Assertions.Expect(source.Locator("td").Nth(4)).ToHaveTextAsync("4");

            await page.GotoAsync(transferUrl);
            await page.GetByLabel($"Receive {sku}").FillAsync("4");
            await page.GetByTestId("receive-transfer").ClickAsync();
            await Assertions.Expect(page.GetByTestId("transfer-status")).ToHaveTextAsync("Partially received");
            await Assertions.Expect(page.GetByTestId("line-in-transit")).ToHaveTextAsync("2");
            await Assertions.Expect(page.GetByLabel($"Receive {sku}")).ToHaveValueAsync("2");
            await page.GetByTestId("receive-transfer").ClickAsync();
            await Assertions.Expect(page.GetByTestId("transfer-status")).ToHaveTextAsync("Received");
            await Assertions.Expect(page.GetByTestId("line-in-transit")).ToHaveTextAsync("0");

            await page.GotoAsync($"/inventory/movements?sku={sku}&warehouse={to}");
            var rows = page.GetByTestId("movement-table").Locator("tbody tr");
            await Assertions.Expect(rows).ToHaveCountAsync(2);
            await Assertions.Expect(rows.First).ToContainTextAsync("transfer-in");
            await Assertions.Expect(rows.First.GetByTestId("balance")).ToHaveTextAsync("6");
            await Assertions.Expect(rows.Nth(1).GetByTestId("balance")).ToHaveTextAsync("4");
            await page.GotoAsync(transferUrl);
            await Assertions.Expect(page.GetByTestId("transfer-status")).ToHaveTextAsync("Received");
            await Assertions.Expect(page.GetByTestId("transfer-lines")).ToContainTextAsync("₫80,000");
        });
    }

    [Fact]
    public async Task Count_a_sku_enter_what_is_on_the_shelf_and_post_the_difference_as_an_adjustment()
    {
        var sku = await Api.ProductAsync("Rice paper 500g");
        var warehouse = await Api.WarehouseAsync("Da Nang hub");
        await Api.ReceiveAsync(warehouse, sku, 10);
        var page = await SignedInAsync();

        await page.StepsAsync(async () =>
        {
            await page.GotoAsync("/inventory/counts");
            await page.GetByTestId("new-count").ClickAsync();
            await page.GetByLabel("Warehouse").SelectOptionAsync(warehouse);
            await page.GetByLabel("SKUs (optional)").FillAsync(sku);
            await page.GetByTestId("start-count").ClickAsync();

            await page.WaitForURLAsync(new Regex("/inventory/counts/[0-9a-f-]{36}$"));
            var countUrl = page.Url;
            await Assertions.Expect(page.GetByTestId("count-status")).ToHaveTextAsync("Counting");
            var line = page.GetByTestId("count-lines").Locator($"tr[data-sku='{sku}']");
            await Assertions.Expect(line.Locator("td").Nth(1)).ToHaveTextAsync("10");
            await page.GetByLabel($"Counted {sku}").FillAsync("8");
            await page.GetByLabel($"Reason for {sku}").FillAsync("Two packs torn");
            await page.GetByTestId("save-counts").ClickAsync();
            await Assertions.Expect(line.GetByTestId("difference")).ToHaveTextAsync("-2");

            await page.GetByLabel("Reason", new() { Exact = true }).FillAsync("Quarterly count");
            await page.GetByTestId("post-count").ClickAsync();
            await Assertions.Expect(page.GetByTestId("count-status")).ToHaveTextAsync("Posted");
            await Assertions.Expect(line.GetByTestId("difference")).ToHaveTextAsync("-2");
            await Assertions.Expect(line).ToContainTextAsync("160,000");

            await page.GotoAsync($"/inventory/movements?sku={sku}");
            var newest = page.GetByTestId("movement-table").Locator("tbody tr").First;
            await Assertions.Expect(newest).ToContainTextAsync("count-adjust-out");
            await Assertions.Expect(newest).ToContainTextAsync("Two packs torn");
            await Assertions.Expect(newest.GetByTestId("balance")).ToHaveTextAsync("8");
            await page.GotoAsync($"/inventory?sku={sku}");
            await Assertions.Expect(page.GetByTestId("stock-table").Locator("tbody tr td").Nth(4)).ToHaveTextAsync("8");
            await page.GotoAsync(countUrl);
            await Assertions.Expect(page.GetByTestId("count-status")).ToHaveTextAsync("Posted");
        });
    }
}
