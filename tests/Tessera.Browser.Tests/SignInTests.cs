using Microsoft.Playwright;

namespace Tessera.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class SignInTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Signing_in_shows_the_dashboard_with_todays_orders_and_service_health()
    {
        var page = await fixture.NewPageAsync();

        await page.StepsAsync(async () =>
        {
            var problems = new List<string>();
            page.Console += (_, message) => { if (message.Type == "error") problems.Add(message.Text); };

            await page.GotoAsync("/");
            page.Url.ShouldContain("/signin");
            await page.SignInAsync();

            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("orders-today")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("service-health")).ToContainTextAsync("Inventory");
            await Assertions.Expect(page.Locator("canvas[data-drawn]")).ToHaveCountAsync(1);
            problems.ShouldBeEmpty();
        });
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_signing_out_ends_the_session()
    {
        var page = await fixture.NewPageAsync();

        await page.StepsAsync(async () =>
        {
            await page.GotoAsync("/signin");
            await page.GetByLabel("Tenant").FillAsync("demo");
            await page.GetByLabel("Username").FillAsync("admin");
            await page.GetByLabel("Password").FillAsync("wrong password");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("wrong");

            await page.SignInAsync();
            // Signing out is in the user's menu, beside the language.
            await page.GetByTestId("signed-in-as").ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await page.WaitForURLAsync("**/signin");
            await page.GotoAsync("/orders");
            page.Url.ShouldContain("/signin");
        });
    }
}
