using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tessera.Orders.Contracts;
using Tessera.Testing;

namespace Tessera.Browser.Tests;

/// <summary>The order center in the browser: finding orders, editing one while someone else does, importing a file.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OrderCenterTests(BrowserFixture fixture)
{
    private Api Api => fixture.Api;

    private async Task<IPage> SignedInAsync()
    {
        var page = await fixture.NewPageAsync();
        await page.SignInAsync();
        return page;
    }

    private static string Digits(int count) => string.Concat(Enumerable.Range(0, count).Select(_ => Random.Shared.Next(10)));

    [Fact]
    public async Task Find_orders_by_channel_and_tag_phone_attribute_and_text_and_page_through_them()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var tag = "promo" + run;
        var attribute = "wrap_" + run;
        var phone = "09" + Digits(8);
        var sku = await Api.ProductAsync("Oolong tea " + run);
        await Api.DefineAttributeAsync(attribute, "Gift wrap " + run, "choice", "paper", "box");
        var first = await Api.PlaceAsync(sku, 1, "marketplace:shopee", externalRef: $"SHP-{run}-1", tags: [tag]);
        var second = await Api.PlaceAsync(sku, 1, "marketplace:shopee", phone: phone, externalRef: $"SHP-{run}-2", tags: [tag]);
        var third = await Api.PlaceAsync(sku, 1, "marketplace:shopee", externalRef: $"SHP-{run}-3", tags: [tag],
            attributes: new Dictionary<string, string> { [attribute] = "box" });
        await Api.PlaceAsync(sku, 1, "web", externalRef: $"WEB-{run}-1", tags: [tag]);
        await Api.PlaceAsync(sku, 1, "marketplace:shopee", externalRef: $"SHP-{run}-4");
        await Poll.UntilAsync(() => Api.SearchAsync($"sku={sku}"), found => found.Items.Count == 5, "the search to list the new orders");
        var page = await SignedInAsync();

        await page.StepsAsync(async () =>
        {
            var results = page.GetByTestId("order-table").Locator("tbody tr");
            await page.GotoAsync("/orders");
            await page.GetByLabel("Channel").FillAsync("marketplace:shopee");
            await page.GetByLabel("Tag", new() { Exact = true }).FillAsync(tag);
            await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
            await Assertions.Expect(results).ToHaveCountAsync(3);
            await Assertions.Expect(results.First).ToContainTextAsync($"#{third.Number}");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex($"channel=marketplace%3Ashopee&tag={tag}"));

            // The address is the search: shared with a smaller page, it pages through the same orders.
            await page.GotoAsync(page.Url + "&limit=2");
            await Assertions.Expect(results).ToHaveCountAsync(2);
            await Assertions.Expect(page.GetByLabel("Tag", new() { Exact = true })).ToHaveValueAsync(tag);
            await page.GetByTestId("next-page").ClickAsync();
            await Assertions.Expect(results).ToHaveCountAsync(1);
            await Assertions.Expect(results.First).ToContainTextAsync($"#{first.Number}");
            await Assertions.Expect(page.GetByTestId("next-page")).ToHaveCountAsync(0);
            await page.GetByTestId("first-page").ClickAsync();
            await Assertions.Expect(results).ToHaveCountAsync(2);
            await Assertions.Expect(results.First).ToContainTextAsync($"#{third.Number}");

            await page.GotoAsync("/orders");
            await page.GetByLabel("Customer phone").FillAsync(phone);
            await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
            await Assertions.Expect(results).ToHaveCountAsync(1);
            await Assertions.Expect(results.First).ToContainTextAsync($"#{second.Number}");

            await page.GotoAsync("/orders");
            await page.GetByLabel("Gift wrap " + run).SelectOptionAsync("box");
            await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
            await Assertions.Expect(results).ToHaveCountAsync(1);
            await Assertions.Expect(results.First).ToContainTextAsync($"#{third.Number}");

            await page.GotoAsync("/orders");
            await page.GetByLabel("Search", new() { Exact = true }).FillAsync($"WEB-{run}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
            await Assertions.Expect(results).ToHaveCountAsync(1);
            await Assertions.Expect(results.First).ToContainTextAsync("web");

            await page.GetByLabel("Search", new() { Exact = true }).FillAsync("ab");
            await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("search-problem")).ToContainTextAsync("at least three characters");
        });
    }

    [Fact]
    public async Task An_edit_that_meets_someone_elses_change_says_so_and_succeeds_when_applied_again()
    {
        var sku = await Api.ProductAsync("Jasmine rice 5kg");
        var warehouse = await Api.WarehouseAsync();
        await Api.ReceiveAsync(warehouse, sku, 10);
        var order = await Api.PlaceAsync(sku, 2);
        (await Api.SettledAsync(order.Id)).Status.ShouldBe(OrderStatus.Confirmed);
        var page = await SignedInAsync();

        await page.StepsAsync(async () =>
        {
            await page.GotoAsync($"/orders/{order.Id}");
            await page.GetByTestId("edit-order").ClickAsync();
            await page.GetByLabel("Notes").FillAsync("Leave it at the door");
            await page.GetByLabel("Phone", new() { Exact = true }).FillAsync("0987654321");

            // Meanwhile a colleague tags the order.
            await Api.ChangeAsync(order.Id, new { operational = new { tags = new[] { "wholesale" } } });
            await page.GetByTestId("save-order").ClickAsync();

            var conflict = page.GetByTestId("conflict");
            await Assertions.Expect(conflict).ToContainTextAsync("Someone else changed this order while you were editing it.");
            await Assertions.Expect(page.GetByTestId("their-changes")).ToContainTextAsync("wholesale");
            await Assertions.Expect(page.GetByLabel("Tags")).ToHaveValueAsync("wholesale");
            await Assertions.Expect(page.GetByLabel("Notes")).ToHaveValueAsync("Leave it at the door");
            await Assertions.Expect(page.GetByLabel("Phone", new() { Exact = true })).ToHaveValueAsync("0987654321");

            await page.GetByRole(AriaRole.Button, new() { Name = "Save again" }).ClickAsync();

            await page.WaitForURLAsync(new Regex($"/orders/{order.Id}$"));
            await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("was saved");
            await Assertions.Expect(page.GetByTestId("order-notes")).ToHaveTextAsync("Leave it at the door");
            await Assertions.Expect(page.GetByTestId("order-tags")).ToContainTextAsync("wholesale");
            await Assertions.Expect(page.GetByTestId("order-customer")).ToContainTextAsync("0987654321");
            await Assertions.Expect(page.GetByTestId("order-timeline")).ToContainTextAsync("Changed customer details, warehouse, notes and tags");
        });
    }

    [Fact]
    public async Task Import_a_file_watch_it_finish_and_read_which_rows_were_rejected_and_why()
    {
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var sku = await Api.ProductAsync("Instant coffee 20 sachets", 50000m);
        var csv = new StringBuilder()
            .AppendLine("external_ref,customer_name,customer_phone,sku,quantity,unit_price,tags")
            .AppendLine($"IMP-{run}-1,Lê Văn Cường,0901111111,{sku},2,50000,imported")
            .AppendLine($"IMP-{run}-2,Phạm Thị Dung,0902222222,{sku},1,50000,")
            .AppendLine($"IMP-{run}-2,Phạm Thị Dung,0902222222,{sku},3,50000,")
            .AppendLine($"IMP-{run}-3,Hoàng Văn Em,0903333333,NO-SUCH-SKU,1,50000,")
            .AppendLine($"IMP-{run}-4,,0904444444,{sku},1,50000,")
            .AppendLine($"IMP-{run}-5,Đỗ Thị Phương,0905555555,{sku},two,50000,")
            .ToString();
        var fileName = $"orders-{run}.csv";
        var page = await SignedInAsync();

        await page.StepsAsync(async () =>
        {
            await page.GotoAsync("/orders/imports");
            await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = fileName, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
            await page.GetByTestId("upload-import").ClickAsync();

            await page.WaitForURLAsync(new Regex("/orders/imports/[0-9a-f-]{36}$"));
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Import of " + fileName })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("import-status")).ToHaveTextAsync("Completed", new() { Timeout = 30_000 });
            await Assertions.Expect(page.GetByTestId("accepted-orders")).ToHaveTextAsync("2");
            await Assertions.Expect(page.GetByTestId("accepted-rows")).ToHaveTextAsync("3");
            await Assertions.Expect(page.GetByTestId("rejected-rows")).ToHaveTextAsync("3");
            var rejections = page.GetByTestId("rejections").Locator("tbody tr");
            await Assertions.Expect(rejections).ToHaveCountAsync(3);
            await Assertions.Expect(rejections.Nth(0)).ToContainTextAsync($"IMP-{run}-3");
            await Assertions.Expect(rejections.Nth(0)).ToContainTextAsync("Unknown SKU 'NO-SUCH-SKU'");
            await Assertions.Expect(rejections.Nth(1).Locator("td").First).ToHaveTextAsync("5");
            await Assertions.Expect(rejections.Nth(1)).ToContainTextAsync("customer_name");
            await Assertions.Expect(rejections.Nth(2)).ToContainTextAsync($"IMP-{run}-5");
            await Assertions.Expect(rejections.Nth(2)).ToContainTextAsync("quantity: is not a number");

            await page.GetByRole(AriaRole.Link, new() { Name = "All imports" }).ClickAsync();
            var row = page.GetByTestId("import-list").Locator("tr", new() { HasText = fileName });
            await Assertions.Expect(row).ToContainTextAsync("Completed");
            await Poll.UntilAsync(() => Api.SearchAsync($"q=IMP-{run}"), found => found.Items.Count == 2, "the search to list the imported orders");
            await page.GotoAsync($"/orders?q=IMP-{run}");
            await Assertions.Expect(page.GetByTestId("order-table").Locator("tbody tr")).ToHaveCountAsync(2);
        });
    }
}
