using Microsoft.Playwright;
using Tessera.Testing;

namespace Tessera.Browser.Tests;

/// <summary>What a person sees when a service is down, and that nothing they did is lost when processes restart.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ResilienceTests(BrowserFixture fixture)
{
    [Fact]
    public async Task With_inventory_down_its_page_says_so_the_others_work_and_it_recovers_in_place()
    {
        var sku = await fixture.Api.ProductAsync("Bamboo broom");
        var warehouse = await fixture.Api.WarehouseAsync();
        await fixture.Api.ReceiveAsync(warehouse, sku, 7);
        var page = await fixture.NewPageAsync();
        await page.SignInAsync();

        await page.StepsAsync(async () =>
        {
            await fixture.System.HoldDownAsync("inventory");
            try
            {
                await page.GotoAsync($"/inventory?sku={sku}");
                await Assertions.Expect(page.GetByTestId("unavailable")).ToContainTextAsync("Inventory is unavailable — retrying");
                (await page.ContentAsync()).ShouldNotContain("Exception");

                await page.GotoAsync("/orders");
                await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Orders" })).ToBeVisibleAsync();
                await Assertions.Expect(page.GetByTestId("unavailable")).ToHaveCountAsync(0);
                await page.GotoAsync($"/products?search={sku}");
                await Assertions.Expect(page.GetByTestId("product-table")).ToContainTextAsync("Bamboo broom");
                await page.GotoAsync("/");
                await Assertions.Expect(page.GetByTestId("orders-today")).ToBeVisibleAsync();
                await Assertions.Expect(page.GetByTestId("service-health")).ToContainTextAsync("unavailable");

                await page.GotoAsync($"/inventory?sku={sku}");
                await Assertions.Expect(page.GetByTestId("unavailable")).ToBeVisibleAsync();
                // A marker in the page's memory: it survives only if the page is never reloaded.
                await page.EvaluateAsync("window.tesseraMarker = 42");
            }
            finally
            {
                await fixture.System.ReleaseAsync("inventory");
            }

            await Assertions.Expect(page.GetByTestId("stock-table")).ToContainTextAsync("Bamboo broom", new() { Timeout = 60_000 });
            (await page.EvaluateAsync<int>("window.tesseraMarker")).ShouldBe(42);
            await Assertions.Expect(page.GetByTestId("unavailable")).ToHaveCountAsync(0);
        });
    }
}

/// <summary>Sessions are protected with keys kept in the data folder: restarting every process signs nobody out.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SessionTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_user_signed_in_before_every_process_restarts_is_still_signed_in_afterwards()
    {
        await using var first = await RunningSystem.StartAsync(BrowserFixture.Environment);
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = first.PublicUrl.ToString() });
        var page = await context.NewPageAsync();
        await page.SignInAsync();

        await page.StepsAsync(async () =>
        {
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
            await first.StopAsync();

            await using var second = await RunningSystem.RestartAsync(first, BrowserFixture.Environment);
            await page.GotoAsync("/orders");

            page.Url.ShouldNotContain("/signin");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Orders" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync("Administrator");
            // An htmx fragment works with the same session too.
            var fragment = await page.EvaluateAsync<int>("fetch('/orders?handler=Table', { headers: { 'HX-Request': 'true' } }).then(r => r.status)");
            fragment.ShouldBe(200);
        });
    }
}
