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

    [Fact]
    public async Task Create_a_purchase_order_priced_from_the_supplier_and_approve_it()
    {
        var procurement = new ProcurementApi(Api.Client);
        var sku = await Api.ProductAsync("Arabica beans 1kg");
        var warehouse = await Api.WarehouseAsync("Can Tho DC");
        var supplierName = "Highland Beans " + Api.Unique("S");
        var supplier = await procurement.SupplierAsync(supplierName);
        await procurement.PriceAsync(supplier, sku, 250_000m);
        var page = await fixture.NewPageAsync();
        await page.SignInAsync();

        await page.StepsAsync(async () =>
        {
            await page.GotoAsync("/procurement");
            await page.GetByTestId("new-purchase-order").ClickAsync();
            await page.GetByLabel("Supplier", new() { Exact = true }).SelectOptionAsync(supplier.ToString());
            await page.GetByLabel("Deliver to warehouse").SelectOptionAsync(warehouse);
            await page.GetByLabel("SKU").FillAsync(sku);
            await page.GetByLabel("SKU").PressAsync("Tab");
            await Assertions.Expect(page.GetByText("Arabica beans 1kg", new() { Exact = true })).ToBeVisibleAsync();
            await page.GetByLabel("Quantity").FillAsync("12");
            await page.GetByLabel("Tax %").FillAsync("10");
            await page.GetByTestId("save-purchase-order").ClickAsync();

            await page.WaitForURLAsync(new Regex("/procurement/orders/[0-9a-f-]{36}$"));
            await Assertions.Expect(page.GetByTestId("po-status")).ToHaveTextAsync("Draft");
            await Assertions.Expect(page.GetByTestId("po-total")).ToHaveTextAsync("₫3,300,000");
            await page.GetByTestId("approve-purchase-order").ClickAsync();
            await Assertions.Expect(page.GetByTestId("po-status")).ToHaveTextAsync("Approved");
            await Assertions.Expect(page.GetByTestId("po-history")).ToContainTextAsync("Approved");
        });
    }

    [Fact]
    public async Task Return_received_goods_to_the_supplier_and_follow_the_return()
    {
        var procurement = new ProcurementApi(Api.Client);
        var sku = await Api.ProductAsync("Fish sauce 500ml");
        var warehouse = await Api.WarehouseAsync("Hai Phong DC");
        var supplier = await procurement.SupplierAsync("Phu Quoc Sauces");
        var (orderId, _) = await procurement.ApprovedOrderAsync(supplier, warehouse, (sku, 20m, 30_000m));
        var receipt = await procurement.ReceiveAsync(orderId, 20m);
        var page = await fixture.NewPageAsync();
        await page.SignInAsync();

        await page.StepsAsync(async () =>
        {
            await page.GotoAsync($"/procurement/receipts/{receipt}");
            await page.GetByTestId("return-from-receipt").ClickAsync();
            await page.GetByLabel($"Return now, {sku}").FillAsync("25");
            await page.GetByLabel("Reason").FillAsync("Leaking bottles");
            await page.GetByTestId("prepare-return").ClickAsync();
            await Assertions.Expect(page.Locator("[data-field='lines[0].quantity']")).ToContainTextAsync("Only 20");

            await page.GetByLabel($"Return now, {sku}").FillAsync("5");
            await page.GetByTestId("prepare-return").ClickAsync();
            await page.WaitForURLAsync(new Regex("/procurement/returns/[0-9a-f-]{36}$"));
            await Assertions.Expect(page.GetByTestId("return-status")).ToHaveTextAsync("Draft");
            await page.GetByTestId("ship-return").ClickAsync();
            await Assertions.Expect(page.GetByTestId("return-status")).ToHaveTextAsync(new Regex("Shipped|Completed|Refused"));

            await page.GotoAsync("/procurement/returns");
            await Assertions.Expect(page.GetByTestId("return-table")).ToContainTextAsync("Leaking bottles");
            await page.GotoAsync($"/procurement/orders/{orderId}");
            await Assertions.Expect(page.GetByTestId("po-lines").Locator("tbody tr td").Nth(9)).ToHaveTextAsync("5");
        });
    }

    [Fact]
    public async Task Create_and_edit_a_supplier_add_its_price_and_edit_a_draft_in_the_pages()
    {
        var sku = await Api.ProductAsync("Lotus tea 100g");
        var warehouse = await Api.WarehouseAsync("Hue DC");
        var code = Api.Unique("LOTUS");
        var page = await fixture.NewPageAsync();
        await page.SignInAsync();

        await page.StepsAsync(async () =>
        {
            await page.GotoAsync("/procurement/suppliers");
            await page.GetByTestId("new-supplier").ClickAsync();
            await page.GetByLabel("Code", new() { Exact = true }).FillAsync(code);
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Tay Ho Lotus");
            await page.GetByLabel("Contact name").FillAsync("Nguyen Thi Hoa");
            await page.GetByLabel("Phone").FillAsync("0912 345 678");
            await page.GetByLabel("E-mail").FillAsync("not-an-email");
            await page.GetByTestId("save-supplier").ClickAsync();
            await Assertions.Expect(page.Locator("[data-field='contact.email']")).ToBeVisibleAsync();
            await page.GetByLabel("E-mail").FillAsync("hoa@tayho.vn");
            await page.GetByTestId("save-supplier").ClickAsync();
            await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync($"Supplier {code} was created.");

            await page.GetByLabel("Payment terms (days)").FillAsync("45");
            await page.GetByTestId("save-supplier").ClickAsync();
            await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("was saved");
            await Assertions.Expect(page.GetByLabel("Payment terms (days)")).ToHaveValueAsync("45");
            await Assertions.Expect(page.GetByLabel("Phone")).ToHaveValueAsync("0912 345 678");

            await page.GotoAsync("/procurement/prices");
            await page.GetByLabel("Supplier", new() { Exact = true }).Last.SelectOptionAsync(new SelectOptionValue { Label = $"Tay Ho Lotus ({code}, VND)" });
            await page.GetByLabel("SKU", new() { Exact = true }).FillAsync(sku);
            await page.GetByLabel("Unit price", new() { Exact = true }).FillAsync("42000");
            await page.GetByTestId("save-prices").ClickAsync();
            await Assertions.Expect(page.GetByTestId("price-table")).ToContainTextAsync("Lotus tea 100g");
            await Assertions.Expect(page.GetByTestId("price-table")).ToContainTextAsync("₫42,000");

            await page.GotoAsync("/procurement/orders/new");
            await page.GetByLabel("Supplier", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = $"Tay Ho Lotus ({code}, VND)" });
            await page.GetByLabel("Deliver to warehouse").SelectOptionAsync(warehouse);
            await page.GetByLabel("SKU").FillAsync(sku);
            await page.GetByLabel("Quantity").FillAsync("3");
            await page.GetByTestId("save-purchase-order").ClickAsync();
            await Assertions.Expect(page.GetByTestId("po-total")).ToHaveTextAsync("₫126,000");
            await page.GetByTestId("edit-purchase-order").ClickAsync();
            await page.GetByLabel("Quantity").FillAsync("5");
            await page.GetByTestId("save-purchase-order").ClickAsync();
            await Assertions.Expect(page.GetByTestId("po-total")).ToHaveTextAsync("₫210,000");

            await page.GotoAsync("/procurement/suggestions");
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Purchasing" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("unavailable")).ToHaveCountAsync(0);
        });
    }
}
