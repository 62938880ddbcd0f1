using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Tessera.Browser.Tests;

/// <summary>Purchasing in the browser: goods arrive against a purchase order and are received at the door.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ProcurementTests(BrowserFixture fixture)
{
    private Api Api => fixture.Api;

    [Fact]
    public async Task Receive_a_purchase_order_in_two_deliveries_and_see_it_partially_received_then_received()
    {
        var procurement = new ProcurementApi(Api.Client);
        var (tea, rice) = (await Api.ProductAsync("Oolong tea 200g"), await Api.ProductAsync("Jasmine rice 5kg"));
        var warehouse = await Api.WarehouseAsync("Da Nang DC");
        var supplier = await procurement.SupplierAsync("Lam Dong Tea Co.");
        var (orderId, number) = await procurement.ApprovedOrderAsync(supplier, warehouse, (tea, 10m, 85_000m), (rice, 4m, 120_000m));
        var page = await fixture.NewPageAsync();
        await page.SignInAsync();

        await page.StepsAsync(async () =>
        {
            await page.GotoAsync("/procurement");
            await page.GetByTestId("purchase-order-table").GetByRole(AriaRole.Link, new() { Name = number }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("po-status")).ToHaveTextAsync("Approved");
            await Assertions.Expect(page.GetByTestId("po-lines")).ToContainTextAsync("Oolong tea 200g");
            await Assertions.Expect(page.GetByTestId("po-details")).ToContainTextAsync("Da Nang DC");

            // First delivery: more tea than ordered is refused, naming the line and its numbers.
            await page.GetByTestId("receive-purchase-order").ClickAsync();
            await page.GetByLabel("Accepted, line 1", new() { Exact = true }).FillAsync("12");
            await page.GetByTestId("submit-goods-receipt").ClickAsync();
            await Assertions.Expect(page.Locator("[data-field='lines[0].acceptedQuantity']")).ToContainTextAsync("ordered 10, already received 0; receiving 12 more would make 12, over the 10 allowed");

            // Six accepted, two rejected at the door with a reason.
            await page.GetByLabel("Accepted, line 1", new() { Exact = true }).FillAsync("6");
            await page.GetByLabel("Rejected, line 1", new() { Exact = true }).FillAsync("2");
            await page.GetByLabel("Reason for rejecting, line 1", new() { Exact = true }).FillAsync("Crushed cartons");
            await page.GetByTestId("submit-goods-receipt").ClickAsync();
            await page.WaitForURLAsync(new Regex($"/procurement/orders/{orderId}$"));
            await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("6 accepted, 2 rejected");
            await Assertions.Expect(page.GetByTestId("po-status")).ToHaveTextAsync("Partially received");
            var receipts = page.GetByTestId("po-receipts");
            await Assertions.Expect(receipts.Locator("tbody tr")).ToHaveCountAsync(1);
            await Assertions.Expect(receipts).ToContainTextAsync($"{tea}: 6 accepted, 2 rejected (Crushed cartons)");
            var teaLine = page.GetByTestId("po-lines").Locator("tbody tr").Nth(0);
            await Assertions.Expect(teaLine.Locator("td").Nth(7)).ToHaveTextAsync("6");
            await Assertions.Expect(teaLine.Locator("td").Nth(10)).ToHaveTextAsync("4");

            // Second delivery: the rest.
            await page.GetByTestId("receive-purchase-order").ClickAsync();
            await page.GetByLabel("Accepted, line 1", new() { Exact = true }).FillAsync("4");
            await page.GetByLabel("Accepted, line 2", new() { Exact = true }).FillAsync("4");
            await page.GetByTestId("submit-goods-receipt").ClickAsync();
            await page.WaitForURLAsync(new Regex($"/procurement/orders/{orderId}$"));
            await Assertions.Expect(page.GetByTestId("po-status")).ToHaveTextAsync("Received");
            await Assertions.Expect(receipts.Locator("tbody tr")).ToHaveCountAsync(2);
            await Assertions.Expect(page.GetByTestId("receive-purchase-order")).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByTestId("po-history")).ToContainTextAsync("Partially received");

            await page.GotoAsync("/procurement/receipts");
            await Assertions.Expect(page.GetByTestId("receipt-table").Locator("tr", new() { HasText = number })).ToHaveCountAsync(2);
            await page.GoBackAsync();
            await Assertions.Expect(page.GetByTestId("po-status")).ToHaveTextAsync("Received");
        });

        (await procurement.StatusAsync(orderId)).ShouldBe("Received");
    }
}
