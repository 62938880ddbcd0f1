using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Browser.Tests;

/// <summary>The books in the browser: an accountant follows a figure down to its source document and posts an entry.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FinanceTests(BrowserFixture fixture)
{
    private Api Api => fixture.Api;

    [Fact]
    public async Task An_accountant_drills_from_the_trial_balance_into_156_down_to_a_goods_receipt_then_posts_an_entry_and_sees_the_balance_sheet_change()
    {
        var procurement = new ProcurementApi(Api.Client);
        var tea = await Api.ProductAsync("Shan tuyet tea 100g");
        var warehouse = await Api.WarehouseAsync("Ha Giang DC");
        var (orderId, _) = await procurement.ApprovedOrderAsync(await procurement.SupplierAsync("Ha Giang Tea Co-op"), warehouse, (tea, 12m, 95_000m));
        var receipt = await procurement.ReceiveAsync(orderId, 12m);
        var receiptNumber = (await Api.Client.GetFromJsonAsync<JsonElement>($"/api/procurement/receipts/{receipt}", TesseraJson.Options)).GetProperty("number").GetString()!;
        await Poll.UntilAsync(async () => (await Api.Client.GetFromJsonAsync<JsonElement>(
                $"/api/finance/entries?sourceType=goods-receipt&sourceId={receipt}", TesseraJson.Options)).GetProperty("items").GetArrayLength() == 1,
            "finance to post the goods receipt");
        var accountant = "accountant" + Guid.NewGuid().ToString("N")[..6];
        var admin = await fixture.NewPageAsync();
        await admin.SignInAsync();
        await admin.StepsAsync(async () =>
        {
            await admin.GotoAsync("/admin/users");
            await admin.GetByLabel("Username").FillAsync(accountant);
            await admin.GetByLabel("Name", new() { Exact = true }).FillAsync("Kế toán Lan");
            await admin.GetByLabel("Password").FillAsync("accountant-password-1");
            await admin.GetByLabel("accountant").CheckAsync();
            await admin.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
            await Assertions.Expect(admin.GetByTestId("user-table")).ToContainTextAsync(accountant);
        }, "An_accountant_drills_into_156.admin");

        // Only this test puts capital in: the balance sheet's line 411 moves by what it posts, whatever else runs meanwhile.
        var capitalBefore = (await Api.Client.GetFromJsonAsync<JsonElement>("/api/finance/balance-sheet", TesseraJson.Options)).GetProperty("lines")
            .EnumerateArray().Single(l => l.GetProperty("code").GetString() == "411").GetProperty("amount").GetDecimal();
        var page = await fixture.NewPageAsync();
        await page.SignInAsync(username: accountant, password: "accountant-password-1");
        await page.StepsAsync(async () =>
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Finance", Exact = true }).ClickAsync();
            var trial = page.GetByTestId("trial-balance");
            await Assertions.Expect(trial.Locator("tr[data-account='156']")).ToContainTextAsync("Merchandise");
            await Assertions.Expect(page.GetByTestId("total-debit")).ToHaveTextAsync(await page.GetByTestId("total-credit").InnerTextAsync());

            // Down into 156: its statement, the receipt's entry, and the goods receipt itself.
            await trial.GetByRole(AriaRole.Link, new() { Name = "156", Exact = true }).ClickAsync();
            await page.WaitForURLAsync(new Regex("/finance/accounts/156"));
            var line = page.GetByTestId("statement").Locator("tbody tr", new() { HasText = warehouse });
            await Assertions.Expect(line).ToHaveCountAsync(1);
            await Assertions.Expect(line).ToContainTextAsync(Money(12m * 95_000m));
            await line.Locator("a[href^='/finance/entries/']").ClickAsync();
            await Assertions.Expect(page.GetByTestId("entry-lines")).ToContainTextAsync("3388");
            await page.GetByTestId("entry-source").GetByRole(AriaRole.Link).ClickAsync();
            await page.WaitForURLAsync(new Regex($"/procurement/receipts/{receipt}$"));
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Goods receipt {receiptNumber}" })).ToBeVisibleAsync();

            // A manual entry: the owner puts five million into the bank.
            await page.GotoAsync("/finance/journal");
            await page.GetByRole(AriaRole.Link, new() { Name = "New entry" }).ClickAsync();
            await page.GetByLabel("Description").FillAsync("Owner's capital contribution");
            await page.GetByLabel("Account of line 1").FillAsync("112");
            await page.GetByLabel("Debit of line 1").FillAsync("5000000");
            await page.GetByLabel("Account of line 2").FillAsync("4111");
            await page.GetByLabel("Credit of line 2").FillAsync("4000000");
            await page.GetByRole(AriaRole.Button, new() { Name = "Post entry" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("problem")).ToContainTextAsync("The entry cannot be posted");
            await page.GetByLabel("Credit of line 2").FillAsync("5000000");
            await page.GetByRole(AriaRole.Button, new() { Name = "Post entry" }).ClickAsync();
            await page.WaitForURLAsync(new Regex("/finance/entries/[0-9a-f-]{36}$"));
            await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("was posted");

            await page.GetByRole(AriaRole.Link, new() { Name = "Balance sheet" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("balance-sheet").Locator("tr[data-code='411'] td.num")).ToHaveTextAsync(Money(capitalBefore + 5_000_000m));
            await Assertions.Expect(page.GetByTestId("total-claims")).ToHaveTextAsync(await page.GetByTestId("total-assets").InnerTextAsync());
        });
    }

    /// <summary>An amount as the pages show it in en-US: the đồng sign, no decimals.</summary>
    private static string Money(decimal value)
    {
        var format = (NumberFormatInfo)CultureInfo.GetCultureInfo("en-US").NumberFormat.Clone();
        (format.CurrencySymbol, format.CurrencyDecimalDigits) = ("₫", 0);
        return value.ToString("C", format);
    }
}
